"""P10: 50 concurrent readers through the query service while the rollups are refreshed.

On a database of its own filled by `generate_platform_data` (the P5 data) with every rollup created, 50
threads share one `WarehouseService` as the read-only role, on the primary and without the Redis cache (so
every call reaches the rollups the refresh is rewriting), each asking the eight queries in turn:

- ours: the readers while `service.refresh_rollups(full=True)` rebuilds every rollup (the weekly full rebuild,
  the heaviest writer: it recomputes everything and merges what differs; the nightly refresh writes a day's rows);
- quiet: the same readers for the same number of calls with no refresh running.

Every call is timed in the client, call to rows; an exception of any kind is an error (the goal is none),
and the first of each kind is kept in the notes. Answers are not compared with the quiet ones: the
rollups' windows are relative to the time of the refresh and several queries' to now(), so an answer moves
with the clock (a first version that compared them counted thousands of "errors" that were windows moving).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.harness import Figure, percentile
from bench.p5_warehouse import _params

if TYPE_CHECKING:
    from bench.context import Bench

READERS = 50
GOAL_ERRORS = 0


class Load:
    """READERS threads asking the queries in turn until told to stop; latencies (ms) and errors."""

    def __init__(self, service: Any, params: dict[str, dict[str, Any]]) -> None:
        self.service = service
        self.params = list(params.items())
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def _reader(self, offset: int, calls: int | None) -> None:
        done = 0
        while not self._stop.is_set() and (calls is None or done < calls):
            name, given = self.params[(offset + done) % len(self.params)]
            started = time.perf_counter()
            try:
                self.service.query(name, **given)
            except Exception as error:  # every failure counts; the goal is none
                with self._lock:
                    self.errors.append(f"{name}: {type(error).__name__}: {(str(error).splitlines() or [''])[0]}")
            else:
                elapsed = (time.perf_counter() - started) * 1000
                with self._lock:
                    self.latencies.append(elapsed)
            done += 1

    def run(self, *, calls_each: int | None = None, during: Callable[[], Any] | None = None) -> Any:
        """Readers for `calls_each` calls each, or for as long as `during` runs (its result is returned)."""
        threads = [threading.Thread(target=self._reader, args=(i, calls_each), daemon=True) for i in range(READERS)]
        for thread in threads:
            thread.start()
        result = None
        try:
            if during is not None:
                result = during()
        finally:
            if during is not None:
                self._stop.set()
            for thread in threads:
                thread.join()
        return result


def run(bench: Bench) -> list[Figure]:
    import psycopg2

    from lct_pipelines.db.sqlfiles import load_sql
    from lct_pipelines.db.urls import libpq_dsn
    from lct_pipelines.demo.platform import generate_platform_data
    from lct_pipelines.warehouse.roles import ensure_reader_role
    from lct_pipelines.warehouse.service import WarehouseService
    from lct_pipelines.warehouse.views import create_views

    servers = bench.servers()
    admin_url = servers.new_database("bench_load")
    generate_platform_data(admin_url, students=min(bench.options.warehouse_scales), seed=42)
    conn = psycopg2.connect(libpq_dsn(admin_url))
    try:
        create_views(conn)
        with conn.cursor() as cur:
            cur.execute(load_sql("bench/busiest_student.sql"))
            params = _params(int(cur.fetchone()[0]))
    finally:
        conn.close()
    reader_url = ensure_reader_role(admin_url, "bench-" + os.urandom(8).hex())
    quiet_ms: list[float] = []
    busy_ms: list[float] = []
    errors: list[str] = []
    refreshes: list[float] = []
    # No slow-query warning per call: under 50 threads on two cores, calls wait their turn by design.
    with WarehouseService(reader_url, admin_url=admin_url, slow_query_ms=3_600_000) as service:
        for name, given in params.items():
            service.query(name, **given)  # the pool's connections and the plans warmed for both sides
        for run_number in range(bench.runs):
            busy = Load(service, params)
            started = time.perf_counter()
            busy.run(during=lambda: service.refresh_rollups(full=True))
            refreshes.append(time.perf_counter() - started)
            calls_each = max(1, len(busy.latencies) // READERS)
            quiet = Load(service, params)
            quiet.run(calls_each=calls_each)
            busy_ms += busy.latencies
            quiet_ms += quiet.latencies
            errors += busy.errors + quiet.errors
            bench.say(
                f"P10 {run_number + 1}/{bench.runs}: refresh {refreshes[-1]:.1f}s under {READERS} readers, "
                f"{len(busy.latencies):,} calls: p95 {percentile(busy.latencies, 0.95):.1f} ms, max "
                f"{max(busy.latencies, default=0):.1f} ms ({len(busy.errors)} errors); quiet p95 "
                f"{percentile(quiet.latencies, 0.95):.1f} ms"
            )
    notes = (
        f"{READERS} threads, one service (pool 10 + 10 overflow), no cache, the eight queries in turn; "
        f"{len(busy_ms):,} calls during {bench.runs} refresh(es) of every rollup, "
        f"max {max(busy_ms, default=0):.1f} ms (quiet: max {max(quiet_ms, default=0):.1f} ms)"
    )
    return [
        Figure(
            id="P10.errors",
            title=f"errors of {READERS} concurrent readers during a rollup refresh",
            ours=[float(len(errors))],
            unit="errors",
            goal=f"{GOAL_ERRORS} errors",
            met=len(errors) == GOAL_ERRORS,
            notes="; ".join(sorted({e.split(": ", 1)[1] for e in errors})[:5]) or "no call failed",
        ),
        Figure(
            id="P10.latency",
            title=f"query latency of {READERS} concurrent readers during a rollup refresh",
            ours=busy_ms,
            baseline=quiet_ms,
            baseline_name="the same readers, no refresh",
            unit="ms",
            goal="report p95 and max (no goal: the refresh is what costs)",
            show_p95=True,
            notes=notes,
            extra={
                "readers": READERS,
                "max_ms": max(busy_ms, default=0.0),
                "quiet_max_ms": max(quiet_ms, default=0.0),
                "refresh_seconds": refreshes,
                "calls": len(busy_ms),
            },
        ),
    ]
