"""P3: writing one year's calculations (~100,000 rows at full scale) to PostgreSQL.

Into a database of its own (a clone of the migrated template), the same rows each time, replacing the year:

- ours: `store.write_year`: delete the year, one COPY (CSV written by Arrow) in the same transaction; with the
  unrounded LCT beside each row and the not-calculable pairs (what a full run writes);
- to_sql: delete the year, then `DataFrame.to_sql(if_exists="append")` of the same rows (unrounded LCT
  included; the few thousand not-calculable pairs left out) with its default `method=None`
  (SQLAlchemy 2's batched executemany);
- to_sql multi: `method="multi", chunksize=1_000`, once (in the first run only: it is several times slower
  than the default, so repeating it would only lengthen the suite).

Answers: after every write the year's stored rows are read back and must equal the frame written.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from bench.context import Bench
    from lct_pipelines.lct.store import YearRows

GOAL_RATIO = 10.0
MULTI_CHUNK_ROWS = 1_000


def _year_rows(bench: Bench) -> YearRows:
    """What a full run writes: the calculations with their unrounded LCT and the not-calculable pairs."""
    import pandas as pd

    from bench.context import YEAR
    from bench.p2_calculate import _inputs
    from lct_pipelines.lct.calculate import calculate_lct
    from lct_pipelines.lct.store import YearRows

    result = calculate_lct(**_inputs(bench).frames(), year=YEAR)
    no_fingerprints = pd.DataFrame(columns=["leaid", "fingerprint"])
    return YearRows(result.calculations, result.lct_full, result.not_calculable, no_fingerprints)


def _stored(engine: Engine, year: str) -> pd.DataFrame:
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct import store

    with transaction(engine) as cur:
        return store.calculations_for_year(cur, year)


def check_stored(engine: Engine, year: str, written: pd.DataFrame, label: str) -> None:
    import pandas as pd

    from bench.p1_import import AnswerMismatch
    from lct_pipelines.lct.calculate import CONTRACT_COLUMNS

    stored = _stored(engine, year)
    keys = ["district_id", "staff_scope"]
    expected = written[list(CONTRACT_COLUMNS)].sort_values(keys).reset_index(drop=True)
    got = stored.sort_values(keys).reset_index(drop=True)
    if len(got) != len(expected):
        raise AnswerMismatch(f"P3 {label}: {len(got):,} rows stored, {len(expected):,} written")
    try:
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=0)
    except AssertionError as error:
        raise AnswerMismatch(f"P3 {label}: the stored rows differ from those written: {error}") from None


def run(bench: Bench) -> list[Figure]:

    from bench.context import YEAR
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.sqlfiles import load_sql
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct import store

    year_rows = _year_rows(bench)
    calculations = year_rows.calculations
    run_id = "20000101T000000Z"
    rows = calculations.assign(run_id=run_id, lct_value_unrounded=year_rows.lct_full)
    engine = build_engine(bench.servers().new_database("bench_p3"), application_name="lct-bench")

    def ours() -> None:
        with transaction(engine) as cur:
            store.write_year(cur, YEAR, year_rows, run_id)

    def to_sql(method: str | None) -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(load_sql("lct/delete_year.sql"), {"year": YEAR})
            chunksize = MULTI_CHUNK_ROWS if method == "multi" else None
            rows.to_sql(
                "lct_calculations",
                conn,
                schema="lct",
                if_exists="append",
                index=False,
                method=method,
                chunksize=chunksize,
            )

    sides = {"ours": ours, "to_sql": lambda: to_sql(None), "to_sql_multi": lambda: to_sql("multi")}
    times: dict[str, list[float]] = {name: [] for name in sides}
    try:
        for run_number in range(bench.runs):
            for name, write in sides.items():
                if name == "to_sql_multi" and run_number > 0:
                    continue
                started = time.perf_counter()
                write()
                times[name].append(time.perf_counter() - started)
                check_stored(engine, YEAR, calculations, name)
            bench.say(
                f"P3 run {run_number + 1}/{bench.runs}: "
                + ", ".join(f"{name} {values[-1]:.2f}s" for name, values in times.items() if len(values) > run_number)
                + f" ({len(calculations):,} rows, read back equal)"
            )
    finally:
        engine.dispose()
    ours_median = statistics.median(times["ours"])
    ratio = statistics.median(times["to_sql"]) / ours_median
    multi_ratio = statistics.median(times["to_sql_multi"]) / ours_median
    return [
        Figure(
            id="P3",
            title=f"write {len(calculations):,} calculation rows to PostgreSQL (replace the year)",
            ours=times["ours"],
            baseline=times["to_sql"],
            baseline_name="DataFrame.to_sql (method=None)",
            goal=f">= {GOAL_RATIO:g}x",
            met=ratio >= GOAL_RATIO,
            notes=f"to_sql(method='multi', chunksize={MULTI_CHUNK_ROWS:,}), timed once: "
            f"{times['to_sql_multi'][0]:.1f}s, {multi_ratio:.1f}x ours",
            extra={"rows": len(calculations), "to_sql_multi_seconds": times["to_sql_multi"]},
        )
    ]


def profile_target(bench: Bench) -> Callable[[], Any]:

    from bench.context import YEAR
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct import store

    year_rows = _year_rows(bench)
    engine = build_engine(bench.servers().new_database("bench_p3_profile"), application_name="lct-bench")

    def write() -> None:
        with transaction(engine) as cur:
            store.write_year(cur, YEAR, year_rows, "20000101T000000Z")

    return write
