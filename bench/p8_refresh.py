"""P8: the nightly refresh after one day of platform activity, against the full rebuild, with the same rows.

On a copy of the largest cached demo platform (`--scale`; 200,000 students by default, a few hundred
with --quick), every rollup is built as of the platform's load time (the night before). Then, each run:

1. one day of activity is written by the platform's own statements, 1/365 of each table's rows as new
   ones plus updates and deletes in every table (`lct_pipelines/demo/platform_day.py`), as of a day
   later than the run before: the windows move by a day;
2. ours: `incremental.refresh(...)`, the nightly refresh (the logged changes, the days that left the
   windows), timed to its commit;
3. theirs: `incremental.refresh(..., full=True, compare=True)`, the weekly full rebuild at the same as_of
   (the work of a refresh that recomputes everything), timed to its commit; before it replaces any row,
   every rollup's full build is compared row by row (every stored column) with what the nightly refresh
   left: a difference fails the benchmark (the comparison's seconds are not counted in its time, nor is
   its VACUUM (ANALYZE)).
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    from bench.context import Bench

GOAL_SECONDS = 10.0
GOAL_RATIO = 10.0
RUNS_ABOVE_50K = 1  # one day above 50,000 students: each day costs a full rebuild (minutes) besides the nightly refresh


def run(bench: Bench) -> list[Figure]:
    import psycopg2

    from bench.p1_import import AnswerMismatch
    from bench.p5_warehouse import scale_label
    from lct_pipelines.db.urls import libpq_dsn
    from lct_pipelines.demo.platform import generate_platform_data
    from lct_pipelines.demo.platform_day import DAY_FRACTION, add_demo_day
    from lct_pipelines.warehouse.incremental import refresh
    from lct_pipelines.warehouse.views import create_views

    students = max(bench.options.warehouse_scales)
    label = scale_label(students)
    if bench.quick:
        admin_url = bench.servers().new_database("bench_p8")
        as_of = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=10)
        counts = generate_platform_data(admin_url, students=students, seed=42, as_of=as_of)
    else:
        platform = bench.platforms().platform(students)
        admin_url = bench.platforms().copy(platform, "bench_p8")
        as_of, counts = platform.as_of, platform.counts
    dsn = libpq_dsn(admin_url)

    def connect() -> Any:
        return psycopg2.connect(dsn)

    conn = connect()
    try:
        create_views(conn)
    finally:
        conn.close()
    first = refresh(connect, as_of=as_of)
    bench.say(f"P8 {label}: rollups built as of {as_of.isoformat()} in {first.seconds:.1f}s")
    runs = bench.runs if students <= 50_000 else min(bench.runs, RUNS_ABOVE_50K)
    ours: list[float] = []
    theirs: list[float] = []
    reports: list[dict[str, Any]] = []
    try:
        for day in range(1, runs + 1):
            moment = as_of + dt.timedelta(days=day)
            add_demo_day(admin_url, moment, fraction=DAY_FRACTION, seed=round(0.1 * day, 2))
            nightly = refresh(connect, as_of=moment)
            if nightly.kind != "incremental":
                raise RuntimeError(f"P8: the nightly refresh was {nightly.kind} ({nightly.reason})")
            full = refresh(connect, as_of=moment, full=True, compare=True)
            wrong = {name: d for name, d in (full.differences or {}).items() if d != (0, 0)}
            if full.differences is None or wrong:
                raise AnswerMismatch(f"P8 day {day}: the nightly refresh differs from a full rebuild: {wrong}")
            ours.append(nightly.seconds)
            theirs.append(full.seconds - full.steps["compare"])
            reports.append({"nightly": nightly.to_json(), "full": full.to_json()})
            bench.say(
                f"P8 {label} day {day}: nightly {nightly.seconds:.2f}s ({nightly.changes:,} changed keys), same rows "
                f"as a full rebuild; full rebuild {full.seconds:.1f}s (+ vacuum {full.vacuum_seconds:.1f}s)"
            )
    finally:
        if not bench.quick:
            bench.platforms().drop(admin_url)
    ratio = statistics.median(theirs) / statistics.median(ours)
    changed = ", ".join(f"{r['nightly']['changes']:,}" for r in reports)
    return [
        Figure(
            id="P8",
            title=f"nightly refresh after one day of new rows (1/365 of each table, with updates and deletes), "
            f"{students:,} students",
            ours=ours,
            baseline=theirs,
            baseline_name="full rebuild of every rollup (same as_of, same rows)",
            goal=f"< {GOAL_SECONDS:g} s and >= {GOAL_RATIO:g}x faster than the full rebuild; equal rows",
            met=statistics.median(ours) < GOAL_SECONDS and ratio >= GOAL_RATIO,
            notes=f"{runs} days, each compared with a full rebuild row by row (equal every day); "
            f"changed keys per day {changed}; "
            f"full-rebuild VACUUM (ANALYZE) median "
            f"{statistics.median(r['full']['vacuum_seconds'] for r in reports):.1f}s (not counted)",
            extra={"students": students, "platform": counts, "days": reports},
        )
    ]
