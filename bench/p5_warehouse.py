"""P5: the eight warehouse queries from the rollups, against raw joins on the source tables, at two scales.

For each platform size (`--scale`; default 20,000 students, ~2 M submissions, and 200,000, ~20 M), on a
copy of the demo platform loaded once into `bench/.cache/` (`bench/warehouse_cache.py`; with --quick a
few hundred students generated in the run's own server), every rollup is built (the first, full refresh:
its seconds per rollup are reported), then, through `WarehouseService` as the read-only role:

- ours: `service.query(name, ...)` without a cache on the primary (every call reaches PostgreSQL), and the
  same on the streaming replica of the cache cluster (full runs);
- raw: `service.query_raw(name, ...)`: the same question from `sql/warehouse/raw/` (platform tables only);
- cache: `service.query(...)` with Redis, every call after the first a hit.

Times are wall clock in the client, call to rows. Each query's rollup and raw answers alternate `runs`
times (at most 3 raw runs above 50,000 students: a raw join takes seconds there), then the rollup answer
alone is taken more times for p95, on the primary and on the replica.

Answers: inside the transaction that builds the rollups (timed: the first, full build into empty tables),
every query is answered both ways: the two answers must be equal (one transaction, so `now()` is the same
for both); every cache hit must equal the
uncached answer; the replica's answer must equal the primary's.

The growth table (`bench.sections['warehouse_growth']`) puts each query's p95 and each rollup's rows, size
and build seconds at the two scales side by side, with the factor.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.harness import Figure, percentile

if TYPE_CHECKING:
    from bench.context import Bench

GOAL_P95_MS = 20.0
GOAL_RATIO = 20.0
GOAL_CACHE_P95_MS = 1.0
# The aggregate-heavy questions (the ratio goal applies to these).
AGGREGATE_HEAVY = ("top_performers", "bottom_performers", "student_engagement", "attendance_vs_grades", "class_trends")
RAW_RUNS_ABOVE_50K = 1


def _params(busy_student: int) -> dict[str, dict[str, Any]]:
    """One typical call per query: the service's defaults, a busy student where one is required."""
    return {
        "student_progress": {"student_id": busy_student},
        "subject_comparison": {"student_id": busy_student},
        "teacher_workload": {},
        "attendance_vs_grades": {},
        "top_performers": {},
        "bottom_performers": {},
        "student_engagement": {},
        "class_trends": {},
    }


def scale_label(students: int) -> str:
    return f"{students // 1000}k" if students >= 1000 and students % 1000 == 0 else str(students)


@dataclass
class Scale:
    """What P5 measured at one platform size."""

    students: int
    counts: dict[str, int]
    build_seconds: float
    build_steps: dict[str, float]
    rollups: dict[str, dict[str, int]]
    rows: dict[str, int]
    rollup_ms: dict[str, list[float]] = field(default_factory=dict)
    replica_ms: dict[str, list[float]] = field(default_factory=dict)
    raw_ms: dict[str, list[float]] = field(default_factory=dict)
    hit_ms: dict[str, list[float]] = field(default_factory=dict)


def _build_frozen(admin_dsn: str, params: dict[str, dict[str, Any]]) -> tuple[Any, dict[str, int]]:
    """In one transaction: build every rollup as of its now() (timed), answer each query both ways, require equal
    answers, record the refresh state and commit (so P5 builds each platform's rollups once); (report, rows)."""
    import psycopg2

    from bench.p1_import import AnswerMismatch
    from lct_pipelines.db.sqlfiles import load_sql
    from lct_pipelines.warehouse.incremental import rebuild, vacuum_rollups
    from lct_pipelines.warehouse.queries import answer

    rows: dict[str, int] = {}
    conn = psycopg2.connect(admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/state/begin.sql"))
            cur.execute("SELECT now()")
            now = cur.fetchone()[0]
            started = time.perf_counter()
            report = rebuild(conn, now)
            report.seconds = time.perf_counter() - started
            for name, given in params.items():
                rolled = answer(cur, name, "rollup", **given)
                raw = answer(cur, name, "raw", **given)
                if rolled != raw:
                    raise AnswerMismatch(f"P5 {name}: the rollup answer differs from the raw joins' answer")
                if not rolled:
                    raise AnswerMismatch(f"P5 {name}: no rows: the demo data should give this question an answer")
                rows[name] = len(rolled)
            cur.execute(
                load_sql("warehouse/state/write.sql"),
                {"as_of": now, "kind": "full", "seconds": report.seconds, "changes": 0},
            )
        conn.commit()
        report.vacuum_seconds = vacuum_rollups(conn)
    finally:
        conn.rollback()
        conn.close()
    return report, rows


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _platform(bench: Bench, students: int) -> tuple[str, Any, Any, dict[str, int]]:
    """(admin URL of a database of this run holding the platform, its server, its replica or None, row counts)."""
    from lct_pipelines.demo.platform import generate_platform_data

    if bench.quick:
        servers = bench.servers()
        url = servers.new_database(f"bench_warehouse_{students}")
        counts = generate_platform_data(url, students=students, seed=42)
        return url, servers.pg, None, counts
    cache = bench.platforms()
    platform = cache.platform(students)
    url = cache.copy(platform, f"bench_p5_{students}")
    up_to = bench.options.replica_up_to
    replica = cache.replica() if up_to is None or students <= up_to else None
    return url, cache.server(), replica, platform.counts


def measure(bench: Bench, students: int) -> Scale:
    import psycopg2

    from bench.p1_import import AnswerMismatch
    from lct_pipelines.db.sqlfiles import load_sql
    from lct_pipelines.db.urls import libpq_dsn
    from lct_pipelines.services.replica import wait_for_catch_up
    from lct_pipelines.warehouse.roles import READER_ROLE, ensure_reader_role
    from lct_pipelines.warehouse.service import WarehouseService
    from lct_pipelines.warehouse.views import ANALYTICS_SCHEMA, create_views, view_statistics

    label = scale_label(students)
    admin_url, server, replica, counts = _platform(bench, students)
    admin_dsn = libpq_dsn(admin_url)
    conn = psycopg2.connect(admin_dsn)
    try:
        create_views(conn)
        with conn.cursor() as cur:
            cur.execute(load_sql("bench/busiest_student.sql"))
            busy_student = int(cur.fetchone()[0])
    finally:
        conn.close()
    params = _params(busy_student)
    report, rows = _build_frozen(admin_dsn, params)
    bench.say(
        f"P5 {label}: rollups built in {report.seconds:.1f}s (+ vacuum {report.vacuum_seconds:.1f}s); every query "
        f"answers the same from them and from raw joins ({rows})"
    )
    conn = psycopg2.connect(admin_dsn)
    try:
        stats = {s["name"]: s for s in view_statistics(conn) if s["schema"] == ANALYTICS_SCHEMA}
    finally:
        conn.close()
    password = "bench-" + os.urandom(8).hex()
    reader_url = ensure_reader_role(admin_url, password)
    scale = Scale(
        students=students,
        counts=counts,
        build_seconds=report.seconds,
        build_steps={k: round(v, 3) for k, v in report.steps.items()},
        rollups={name: {"rows": s["row_count"], "bytes": s["total_bytes"]} for name, s in stats.items()},
        rows=rows,
    )
    replica_url = None
    if replica is not None:
        wait_for_catch_up(server, replica, timeout=600)
        database = admin_url.rsplit("/", 1)[1]
        replica_url = replica.url(database, user=READER_ROLE, password=password)

    redis_url = bench.servers().redis.url(db=3)
    raw_runs = bench.runs if students <= 50_000 else min(bench.runs, RAW_RUNS_ABOVE_50K)
    extra_samples = 10 if bench.quick else 60
    cache_samples = 50 if bench.quick else 300
    quiet = 3_600_000  # raw joins take seconds by design: no slow-query warning per call
    patient = 900_000  # and at 200,000 students on a loaded machine more than the service's 30 s timeout
    services = [
        WarehouseService(reader_url, redis_url=redis_url, slow_query_ms=quiet),
        WarehouseService(reader_url, slow_query_ms=quiet, statement_timeout_ms=patient),
    ]
    if replica_url:
        # Generous connect timeout and lag threshold: under a loaded machine a replica that answers slowly to a
        # new connection would otherwise be skipped (the service's fallback), and its timings would be the primary's.
        services.append(
            WarehouseService(
                reader_url,
                replica_url=replica_url,
                slow_query_ms=quiet,
                replica_connect_timeout_seconds=10,
                max_replica_lag_seconds=600,
            )
        )
    cached, uncached = services[0], services[1]
    on_replica = services[2] if replica_url else None
    try:
        cached.invalidate()
        for name, given in params.items():
            scale.rollup_ms[name], scale.raw_ms[name], scale.hit_ms[name] = [], [], []
            uncached.query(name, **given)  # the pool's connection and the plan cache warmed alike for both
            for run in range(bench.runs):
                ms, _result = _timed(lambda n=name, g=given: uncached.query(n, **g))
                scale.rollup_ms[name].append(ms)
                if run < raw_runs:
                    ms, _result = _timed(lambda n=name, g=given: uncached.query_raw(n, **g))
                    scale.raw_ms[name].append(ms)
            for _ in range(extra_samples):
                ms, _result = _timed(lambda n=name, g=given: uncached.query(n, **g))
                scale.rollup_ms[name].append(ms)
            if on_replica is not None:
                reference = uncached.query(name, **given).rows
                scale.replica_ms[name] = []
                first = on_replica.query(name, **given)
                for _ in range(30):  # a replica just marked down is retried after its health TTL (2 s)
                    if first.source == "replica":
                        break
                    time.sleep(2)
                    first = on_replica.query(name, **given)
                if first.source != "replica" or first.rows != reference:
                    raise AnswerMismatch(f"P5 {label} {name}: the replica's answer ({first.source}) differs")
                for _ in range(bench.runs + extra_samples):
                    ms, _result = _timed(lambda n=name, g=given: on_replica.query(n, **g))
                    scale.replica_ms[name].append(ms)
            fresh = cached.query(name, **given)
            for _ in range(cache_samples):
                ms, hit = _timed(lambda n=name, g=given: cached.query(n, **g))
                if not hit.cached or hit.rows != fresh.rows:
                    raise AnswerMismatch(f"P5 cache {name}: a hit was expected, equal to the uncached answer")
                scale.hit_ms[name].append(ms)
            replica_p95 = f"{percentile(scale.replica_ms[name], 0.95):.2f}" if on_replica is not None else "-"
            bench.say(
                f"P5 {label} {name}: primary p50 {statistics.median(scale.rollup_ms[name]):.2f} / p95 "
                f"{percentile(scale.rollup_ms[name], 0.95):.2f} ms, replica p95 {replica_p95} ms, raw p50 "
                f"{statistics.median(scale.raw_ms[name]):.0f} ms, cache hit p95 "
                f"{percentile(scale.hit_ms[name], 0.95):.3f} ms"
            )
    finally:
        for service in services:
            service.close()
        if not bench.quick:
            bench.platforms().drop(admin_url)
    return scale


def _figures(scale: Scale, runs: int) -> list[Figure]:
    label = scale_label(scale.students)
    figures: list[Figure] = []
    for name in scale.rollup_ms:
        p95 = percentile(scale.rollup_ms[name], 0.95)
        replica_p95 = percentile(scale.replica_ms[name], 0.95) if scale.replica_ms.get(name) else None
        ratio = statistics.median(scale.raw_ms[name]) / statistics.median(scale.rollup_ms[name])
        heavy = name in AGGREGATE_HEAVY
        goal = f"p95 < {GOAL_P95_MS:g} ms (primary and replica)" + (f"; >= {GOAL_RATIO:g}x raw" if heavy else "")
        met = p95 < GOAL_P95_MS and (replica_p95 is None or replica_p95 < GOAL_P95_MS)
        met = met and (ratio >= GOAL_RATIO or not heavy)
        replica_note = (
            f"; replica p50 {statistics.median(scale.replica_ms[name]):.2f} ms, p95 {replica_p95:.2f} ms "
            f"(n={len(scale.replica_ms[name])})"
            if replica_p95 is not None
            else "; replica not measured (a quick run, or above --replica-up-to)"
        )
        figures.append(
            Figure(
                id=f"P5.{label}.{name}",
                title=f"{scale.students:,} students: query {name}, rollups vs raw joins",
                ours=scale.rollup_ms[name],
                baseline=scale.raw_ms[name],
                baseline_name="raw joins on the platform tables",
                unit="ms",
                goal=goal,
                met=met,
                show_p95=True,
                notes=f"{len(scale.rollup_ms[name])} primary samples ({runs} alternating with raw), "
                f"{scale.rows[name]} rows{replica_note}",
                extra={
                    "students": scale.students,
                    "rows": scale.rows[name],
                    "replica_ms": scale.replica_ms.get(name, []),
                    "replica_p95": replica_p95,
                },
            )
        )
    every_hit = [ms for values in scale.hit_ms.values() for ms in values]
    hit_p95 = {name: round(percentile(values, 0.95), 4) for name, values in scale.hit_ms.items()}
    figures.append(
        Figure(
            id=f"P5.{label}.cache",
            title=f"{scale.students:,} students: cache hits (Redis), all eight queries",
            ours=every_hit,
            unit="ms",
            goal=f"p95 < {GOAL_CACHE_P95_MS:g} ms (every query)",
            met=max(hit_p95.values()) < GOAL_CACHE_P95_MS,
            show_p95=True,
            notes=f"{len(next(iter(scale.hit_ms.values())))} hits per query; worst query p95 "
            f"{max(hit_p95.values()):.3f} ms",
            extra={"p95_ms_by_query": hit_p95},
        )
    )
    figures.append(
        Figure(
            id=f"P5.{label}.build",
            title=f"{scale.students:,} students: first build of every rollup (full refresh into empty tables)",
            ours=[scale.build_seconds],
            goal="(reported; the nightly refresh is P8)",
            notes="one transaction: the shared band scan, each rollup built into a temporary table, then copied "
            "into its table, its indexes in place (readers are never locked out); seconds per step in the results JSON",
            extra={"steps": scale.build_steps, "rollups": scale.rollups},
        )
    )
    return figures


def _growth(scales: list[Scale]) -> dict[str, Any]:
    """Per query (p95 primary and replica) and per rollup (rows, bytes, build seconds) at each scale, and the factor."""
    small, large = scales[0], scales[-1]

    def factor(a: float | None, b: float | None) -> float | None:
        return round(b / a, 2) if a and b is not None else None

    queries = {}
    for name in large.rollup_ms:
        row: dict[str, Any] = {}
        for side, samples in (("primary", "rollup_ms"), ("replica", "replica_ms"), ("raw", "raw_ms")):
            a = getattr(small, samples).get(name)
            b = getattr(large, samples).get(name)
            pa = percentile(a, 0.95) if a else None
            pb = percentile(b, 0.95) if b else None
            row[side] = {"small": pa, "large": pb, "factor": factor(pa, pb)}
        queries[name] = row
    rollups = {}
    for name in large.rollups:
        rollups[name] = {
            "rows": {"small": small.rollups[name]["rows"], "large": large.rollups[name]["rows"]},
            "bytes": {"small": small.rollups[name]["bytes"], "large": large.rollups[name]["bytes"]},
            "build_seconds": {
                "small": small.build_steps.get(f"build {name}"),
                "large": large.build_steps.get(f"build {name}"),
            },
        }
        for key in ("rows", "bytes", "build_seconds"):
            rollups[name][key]["factor"] = factor(rollups[name][key]["small"], rollups[name][key]["large"])
    return {
        "small": small.students,
        "large": large.students,
        "submissions": {"small": small.counts.get("submissions"), "large": large.counts.get("submissions")},
        "build_seconds": {
            "small": small.build_seconds,
            "large": large.build_seconds,
            "factor": factor(small.build_seconds, large.build_seconds),
        },
        "queries": queries,
        "rollups": rollups,
    }


def growth_from_figures(figures: list[dict[str, Any]], datasets: dict[str, Any]) -> dict[str, Any] | None:
    """The growth table from saved P5 figures (results JSON), for P5 runs of each scale made separately."""
    scales: dict[int, Scale] = {}
    for f in figures:
        parts = f["id"].split(".")
        if parts[0] != "P5" or len(parts) != 3:
            continue
        students = f["extra"].get("students")
        if students is None and parts[2] == "build":
            students = int(parts[1].removesuffix("k")) * 1000 if parts[1].endswith("k") else int(parts[1])
        if students is None:
            continue
        counts = {k: v for k, v in datasets.get(f"warehouse_{parts[1]}", {}).items() if k != "students_asked"}
        scale = scales.setdefault(students, Scale(students, counts, 0.0, {}, {}, {}))
        if parts[2] == "build":
            scale.build_seconds = f["ours"][0]
            scale.build_steps = f["extra"]["steps"]
            scale.rollups = f["extra"]["rollups"]
        elif parts[2] != "cache":
            scale.rollup_ms[parts[2]] = f["ours"]
            scale.raw_ms[parts[2]] = f["baseline"]
            scale.replica_ms[parts[2]] = f["extra"].get("replica_ms") or []
    ordered = [scales[k] for k in sorted(scales) if scales[k].rollups]
    return _growth(ordered) if len(ordered) > 1 else None


def run(bench: Bench) -> list[Figure]:
    scales = []
    figures: list[Figure] = []
    for students in sorted(bench.options.warehouse_scales):
        scale = measure(bench, students)
        scales.append(scale)
        bench.datasets[f"warehouse_{scale_label(students)}"] = {**scale.counts, "students_asked": students}
        figures.extend(_figures(scale, bench.runs))
    if len(scales) > 1:
        bench.sections["warehouse_growth"] = _growth(scales)
    return figures


def profile_target(bench: Bench) -> dict[str, Any]:
    """The queries at the smallest scale: each 20 times uncached, then 100 cache hits (one frame per query)."""
    import psycopg2

    from lct_pipelines.db.sqlfiles import load_sql
    from lct_pipelines.db.urls import libpq_dsn
    from lct_pipelines.demo.platform import generate_platform_data
    from lct_pipelines.warehouse.incremental import refresh
    from lct_pipelines.warehouse.roles import ensure_reader_role
    from lct_pipelines.warehouse.service import WarehouseService
    from lct_pipelines.warehouse.views import create_views

    servers = bench.servers()
    admin_url = servers.new_database("bench_warehouse_profile")
    generate_platform_data(admin_url, students=min(bench.options.warehouse_scales), seed=42)
    conn = psycopg2.connect(libpq_dsn(admin_url))
    create_views(conn)
    with conn.cursor() as cur:
        cur.execute(load_sql("bench/busiest_student.sql"))
        params = _params(int(cur.fetchone()[0]))
    conn.close()
    refresh(lambda: psycopg2.connect(libpq_dsn(admin_url)))
    reader_url = ensure_reader_role(admin_url, "bench-" + os.urandom(8).hex())
    cached = WarehouseService(reader_url, redis_url=servers.redis.url(db=4), slow_query_ms=3_600_000)
    uncached = WarehouseService(reader_url, slow_query_ms=3_600_000)
    queries = [
        _labelled(f"query_{n}", lambda n=n, g=g: [uncached.query(n, **g) for _ in range(20)]) for n, g in params.items()
    ]
    queries += [
        _labelled(f"cache_hits_{n}", lambda n=n, g=g: [cached.query(n, **g) for _ in range(100)])
        for n, g in params.items()
    ]

    def in_turn() -> None:
        for step in queries:
            step()

    return {"queries": in_turn}


def _labelled(label: str, call: Any) -> Any:
    """`call` behind a frame named `label`, so the profile shows one line per query."""

    def step() -> Any:
        return call()

    step.__code__ = step.__code__.replace(co_name=label, co_qualname=label)
    return step
