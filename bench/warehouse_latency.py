"""Warehouse latencies on the running stack (`lct up --replica`, `lct warehouse demo-data`): a script, not a test.

For each of the eight queries, p50/p95 client-side latency answered from the
rollups (uncached, on the primary and on the replica), from raw joins on the
platform tables (primary), and as Redis cache hits; then the cache warm-up
and the nightly refresh of every rollup (as scheduled).

    LCT_HOME=... .venv/bin/python -m bench.warehouse_latency [--runs 40] [--raw-runs 8] [--refreshes 2] [--json F]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg2

from bench.harness import dump, machine, percentile
from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.services import stack
from lct_pipelines.services.settings import Settings
from lct_pipelines.warehouse.params import QUERY_NAMES
from lct_pipelines.warehouse.service import WarehouseService

# Reference latencies of the replaced system (typical / max, ms), from the specification.
REFERENCE_MS = {
    "student_progress": (200, 2000),
    "subject_comparison": (150, 1500),
    "student_engagement": (800, 3000),
    "top_performers": (300, 2000),
    "teacher_workload": (100, 500),
    "class_trends": (500, 3000),
    "attendance_vs_grades": (400, 2000),
}


def _ids(owner_url: str) -> dict[str, list[int]]:
    conn = psycopg2.connect(libpq_dsn(owner_url))
    try:
        with conn.cursor() as cur:
            out = {}
            for name, sql in (
                ("student_id", "SELECT student_id FROM platform.students"),
                ("class_id", "SELECT class_id FROM platform.classes"),
                ("teacher_id", "SELECT teacher_id FROM platform.teachers"),
                ("subject_id", "SELECT subject_id FROM platform.subjects"),
            ):
                cur.execute(sql)
                out[name] = [row[0] for row in cur.fetchall()]
            return out
    finally:
        conn.close()


def _params(name: str, ids: dict[str, list[int]], rng: random.Random) -> dict[str, Any]:
    """A realistic, varied ask: a random student/class/teacher/subject, the usual options."""
    pick = {key: rng.choice(values) for key, values in ids.items()}
    return {
        "student_progress": {"student_id": pick["student_id"], "granularity": rng.choice(["day", "week", "month"])},
        "subject_comparison": {"student_id": pick["student_id"]},
        "teacher_workload": {"teacher_id": pick["teacher_id"]} if rng.random() < 0.5 else {},
        "attendance_vs_grades": {},
        "top_performers": {"subject_id": pick["subject_id"], "days_back": rng.choice([7, 30, 90, 365])},
        "bottom_performers": {"subject_id": pick["subject_id"], "days_back": rng.choice([7, 30, 90, 365])},
        "student_engagement": {"days_back": rng.choice([7, 30, 90, 365])}
        if rng.random() < 0.5
        else {"student_id": pick["student_id"]},
        "class_trends": {"class_id": pick["class_id"], "granularity": rng.choice(["day", "week", "month"])},
    }[name]


def _time(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _samples(ask: Callable[..., Any], name: str, asks: list[dict[str, Any]]) -> dict[str, float]:
    """Latency of ask(name, **params) for each params, summarised."""
    return _summary([_time(lambda p=params: ask(name, **p)) for params in asks])


def _line(name: str, row: dict[str, Any]) -> str:
    parts = [f"{name:<22}"]
    for label, key in (("rollup", "rollup_primary"), ("replica", "rollup_replica"), ("raw", "raw_primary")):
        if key in row:
            parts.append(f"{label} p50 {row[key]['p50_ms']:8.2f} p95 {row[key]['p95_ms']:8.2f}")
    parts.append(f"cache p50 {row['cache_hit']['p50_ms']:6.3f} p95 {row['cache_hit']['p95_ms']:6.3f} ms")
    return " | ".join(parts)


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 0.5), 3),
        "p95_ms": round(percentile(samples, 0.95), 3),
        "max_ms": round(max(samples), 3),
        "n": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="asks per query from the rollups (and cache hits x5)")
    parser.add_argument("--raw-runs", type=int, default=8, help="asks per query from raw joins")
    parser.add_argument("--refreshes", type=int, default=2)
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()

    env = stack.environment(Settings.from_env())
    owner, reader = env["LCT_DATABASE_URL"], env.get("LCT_READER_URL") or env["LCT_DATABASE_URL"]
    replica, redis_url = env.get("LCT_REPLICA_URL"), env.get("LCT_REDIS_URL") or None
    ids = _ids(owner)
    print(f"platform: {len(ids['student_id']):,} students, {len(ids['class_id']):,} classes; replica: {bool(replica)}")
    rng = random.Random(7)
    figures: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg(), "queries": {}}

    primary = WarehouseService(reader)
    on_replica = WarehouseService(reader, replica_url=replica) if replica else None
    cached = WarehouseService(reader, redis_url=redis_url)
    admin = WarehouseService(reader, replica_url=replica, redis_url=redis_url, admin_url=owner)
    try:
        for name in QUERY_NAMES:  # one untimed ask each: connections open, plans and pages warm
            primary.query(name, **_params(name, ids, rng))
            if on_replica:
                on_replica.query(name, **_params(name, ids, rng))
        for name in QUERY_NAMES:
            asks = [_params(name, ids, rng) for _ in range(args.runs)]
            row: dict[str, Any] = {"rollup_primary": _samples(primary.query, name, asks)}
            if on_replica:
                assert on_replica.query(name, **asks[0]).source == "replica"
                row["rollup_replica"] = _samples(on_replica.query, name, asks)
            row["raw_primary"] = _samples(primary.query_raw, name, asks[: args.raw_runs])
            cached.query(name, **asks[0])
            assert cached.query(name, **asks[0]).cached
            row["cache_hit"] = _samples(cached.query, name, [asks[0]] * (args.runs * 5))
            row["reference_ms"] = REFERENCE_MS.get(name)
            figures["queries"][name] = row
            print(_line(name, row), flush=True)
        admin.invalidate()
        warm = admin.warm_cache()
        figures["warm_up_seconds"] = warm["seconds"]
        print(f"cache warm-up ({len(warm) - 1} queries): {warm['seconds']:.3f} s")
        refreshes = []
        for _ in range(args.refreshes):
            report = admin.refresh_rollups()
            refreshes.append(report)
            print(
                f"refresh of every rollup ({report['refresh']['kind']}): {report['seconds']:.1f} s (replica caught "
                f"up: {report['replica_caught_up']}); steps (s): {report['refresh']['steps']}",
                flush=True,
            )
        figures["refresh_seconds"] = [r["seconds"] for r in refreshes]
        figures["refresh_median_seconds"] = statistics.median(figures["refresh_seconds"])
        figures["refresh_steps"] = refreshes[-1]["refresh"]["steps"]
        figures["load_after"] = os.getloadavg()
    finally:
        for service in (primary, on_replica, cached, admin):
            if service is not None:
                service.close()
    print(f"load average before {figures['load_before']}, after {figures['load_after']}")
    if args.json:
        dump(args.json, figures)


if __name__ == "__main__":
    main()
