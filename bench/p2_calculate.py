"""P2: the seven LCT scopes for every district of the year, minutes resolution, validity and flags included.

Both sides start from the same inputs, read once from PostgreSQL (`load_inputs`: directory, enrollment, staff,
statutory minutes, bell schedules):

- ours: `calculate_lct` (column arithmetic over all districts at once).
- naive: what the replaced system did: for each district, one query for its minutes (its bell schedules and
  its state's statutory minutes, `sql/bench/naive_district_minutes.sql`), then the scopes, minutes, validity
  and flags computed in Python loops, row by row, following the methodology exactly as written.

Answers: the naive rows must equal ours exactly, column for column (same summation order, same rounding).
"""

from __future__ import annotations

import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    import pandas as pd

    from bench.context import Bench
    from lct_pipelines.lct.store import LctInputs

GOAL_SECONDS = 0.2
GOAL_RATIO = 100.0


def _round2(value: float) -> float:
    """numpy's round(x, 2): rint(x * 100) / 100, half to even."""
    return round(value * 100) / 100


def _best_bell(rows: list[tuple[str, float, str | None, str | None]]) -> dict[str, tuple[float, str]]:
    """level -> (minutes, source) from one district's query rows (bell schedules first, then the state's)."""
    from lct_pipelines.lct.minutes import CONFIDENCE_RANK, SOURCE_BELL_SCHEDULE, SOURCE_STATE_REQUIREMENT
    from lct_pipelines.lct.scopes import LEVELS

    best: dict[str, tuple[tuple[str, int, float], float]] = {}
    state: dict[str, float] = {}
    for kind, level, minutes, year, confidence in rows:
        if kind == "state":
            if minutes is not None and minutes > 0:
                state[level] = float(minutes)
            continue
        if level not in LEVELS or minutes is None or not minutes > 0:
            continue
        # Most recent year, then highest confidence, then fewest minutes.
        key = (year or "", CONFIDENCE_RANK.get(confidence or "", -1), -float(minutes))
        if level not in best or key > best[level][0]:
            best[level] = (key, float(minutes))
    resolved: dict[str, tuple[float, str]] = {}
    for level, (_key, minutes) in best.items():
        resolved[level] = (minutes, SOURCE_BELL_SCHEDULE)
    for level, minutes in state.items():
        resolved.setdefault(level, (minutes, SOURCE_STATE_REQUIREMENT))
    return resolved


def naive_calculate(conn: Any, inputs: LctInputs, year: str) -> list[tuple[Any, ...]]:
    """The calculations as the replaced system made them: one minutes query and Python loops per district."""
    from lct_pipelines.db.sqlfiles import load_sql
    from lct_pipelines.lct.calculate import (
        HIGH_TEACHERS_ONLY_LCT,
        IMPOSSIBLE_SSR,
        LOW_LCT,
        MAX_VALID_LCT,
        OUTPUT_DECIMALS,
        VOLATILE_ENROLLMENT,
    )
    from lct_pipelines.lct.minutes import DEFAULT_MINUTES, SOURCE_DEFAULT, SOURCE_MIXED
    from lct_pipelines.lct.scopes import (
        BANDS,
        BASE_SCOPE_NAMES,
        ENROLLMENT_TYPE_LEVELS,
        ERR_FLAT_STAFF,
        ERR_IMPOSSIBLE_SSR,
        ERR_VOLATILE,
        FLAG_SEPARATOR,
        FLAGS,
        GRADE_COLUMNS,
        LEVEL_MISMATCH,
        LEVEL_WEIGHT_BAND,
        LEVELS,
        SCOPES,
        TEACHERS_ONLY,
        WARN_LCT_HIGH,
        WARN_LCT_LOW,
    )

    assert OUTPUT_DECIMALS == 2
    statement = load_sql("bench/naive_district_minutes.sql")
    source_order = ("bell_schedule", "state_requirement", "default")

    directory = {
        leaid: (name, state)
        for leaid, name, state in inputs.directory[["leaid", "lea_name", "state"]].itertuples(index=False)
    }
    enrollment: dict[str, dict[str, float]] = {}
    for record in inputs.enrollment.to_dict("records"):
        enrollment[record["leaid"]] = {
            g: 0.0 if record[g] is None or math.isnan(record[g]) else float(record[g]) for g in GRADE_COLUMNS
        }
    staff: dict[str, dict[str, float]] = defaultdict(dict)
    for leaid, category, fte in inputs.staff[["leaid", "category", "fte"]].itertuples(index=False):
        staff[leaid][category] = 0.0 if fte is None or math.isnan(fte) else float(fte)

    rows: list[tuple[Any, ...]] = []
    with conn.cursor() as cur:
        for leaid in sorted(set(directory) | set(enrollment) | set(staff)):
            if leaid not in directory or leaid not in enrollment or leaid not in staff:
                continue  # not calculable: not in the directory, no membership or no staff
            name, state = directory[leaid]
            cur.execute(statement, {"leaid": leaid, "state": state})
            resolved = _best_bell(cur.fetchall())
            minutes = {lv: resolved.get(lv, (DEFAULT_MINUTES, SOURCE_DEFAULT)) for lv in LEVELS}

            grades = enrollment[leaid]
            bands: dict[str, float] = {}
            for band, members in BANDS.items():
                total = 0.0
                for grade in members:
                    total = total + grades[grade]
                bands[band] = total
            fte_of = staff[leaid]
            scope_fte: dict[str, float] = {}
            for scope in SCOPES:
                total = 0.0
                for category in scope.categories:
                    total = total + fte_of.get(category, 0.0)
                scope_fte[scope.name] = total

            flat = all(scope_fte[s] == scope_fte[BASE_SCOPE_NAMES[0]] for s in BASE_SCOPE_NAMES[1:])
            volatile = bands["enrollment_k12"] < VOLATILE_ENROLLMENT
            mismatch = (scope_fte["teachers_elementary"] > 0) != (bands["enrollment_elementary"] > 0) or (
                scope_fte["teachers_secondary"] > 0
            ) != (bands["enrollment_secondary"] > 0)

            for scope in SCOPES:
                fte = scope_fte[scope.name]
                pupils = bands[scope.enrollment_column]
                if not (fte > 0 and pupils > 0):
                    continue  # zero staff or zero enrollment: not calculable
                levels = ENROLLMENT_TYPE_LEVELS[scope.enrollment_type]
                weighted = 0.0
                weight = 0.0
                for level in levels:
                    weighted = weighted + minutes[level][0] * bands[LEVEL_WEIGHT_BAND[level]]
                for level in levels:
                    weight = weight + bands[LEVEL_WEIGHT_BAND[level]]
                used = [lv for lv in levels if bands[LEVEL_WEIGHT_BAND[lv]] > 0]
                used_minutes = {minutes[lv][0] for lv in used}
                if len(used_minutes) == 1:
                    scope_minutes = used_minutes.pop()
                else:
                    scope_minutes = weighted / weight if weight > 0 else minutes[levels[0]][0]
                used_sources = {minutes[lv][1] for lv in used}
                source = used_sources.pop() if len(used_sources) == 1 else SOURCE_MIXED
                assert source in (*source_order, SOURCE_MIXED)

                lct = scope_minutes * fte / pupils
                valid = lct > 0 and lct <= MAX_VALID_LCT and fte <= pupils
                flags = set()
                if flat:
                    flags.add(ERR_FLAT_STAFF)
                if volatile:
                    flags.add(ERR_VOLATILE)
                if fte / pupils > IMPOSSIBLE_SSR:
                    flags.add(ERR_IMPOSSIBLE_SSR)
                if lct < LOW_LCT:
                    flags.add(WARN_LCT_LOW)
                if scope.name == TEACHERS_ONLY:
                    if lct > HIGH_TEACHERS_ONLY_LCT:
                        flags.add(WARN_LCT_HIGH)
                    if mismatch:
                        flags.add(LEVEL_MISMATCH)
                rows.append(
                    (
                        leaid,
                        name,
                        state,
                        year,
                        scope.name,
                        fte,
                        round(pupils),
                        scope.enrollment_type,
                        _round2(scope_minutes),
                        source,
                        _round2(lct),
                        valid,
                        FLAG_SEPARATOR.join(f for f in FLAGS if f in flags),
                    )
                )
    return rows


def _as_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    import pandas as pd

    from lct_pipelines.lct.calculate import CONTRACT_COLUMNS, CONTRACT_DTYPES

    return pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS)).astype(CONTRACT_DTYPES)


def check_same(ours: pd.DataFrame, naive_rows: list[tuple[Any, ...]]) -> None:
    import pandas as pd

    from bench.p1_import import AnswerMismatch

    naive = _as_frame(naive_rows)
    mine = ours.reset_index(drop=True)
    if len(mine) != len(naive):
        raise AnswerMismatch(f"P2: naive made {len(naive):,} calculations, ours {len(mine):,}")
    try:
        pd.testing.assert_frame_equal(mine, naive, check_exact=True)
    except AssertionError as error:
        raise AnswerMismatch(f"P2: the naive calculations differ from ours: {error}") from None


def _inputs(bench: Bench) -> LctInputs:
    from bench.context import YEAR
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct.store import load_inputs

    engine = build_engine(bench.lct_database(), application_name="lct-bench")
    try:
        with transaction(engine) as cur:
            return load_inputs(cur, YEAR)
    finally:
        engine.dispose()


def run(bench: Bench) -> list[Figure]:
    import psycopg2

    from bench.context import YEAR
    from lct_pipelines.db.urls import libpq_dsn
    from lct_pipelines.lct.calculate import calculate_lct

    inputs = _inputs(bench)
    districts = len(set(inputs.directory["leaid"]) | set(inputs.enrollment["leaid"]) | set(inputs.staff["leaid"]))
    conn = psycopg2.connect(libpq_dsn(bench.lct_database()))
    ours_times: list[float] = []
    naive_times: list[float] = []
    cpu: dict[str, list[float]] = {"ours": [], "naive": []}
    calculations = 0
    try:
        for run_number in range(bench.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = calculate_lct(**inputs.frames(), year=YEAR)
            ours_times.append(time.perf_counter() - started)
            cpu["ours"].append(time.process_time() - cpu_started)
            started, cpu_started = time.perf_counter(), time.process_time()
            naive_rows = naive_calculate(conn, inputs, YEAR)
            naive_times.append(time.perf_counter() - started)
            cpu["naive"].append(time.process_time() - cpu_started)
            conn.rollback()
            check_same(result.calculations, naive_rows)
            calculations = len(result.calculations)
            bench.say(
                f"P2 run {run_number + 1}/{bench.runs}: ours {ours_times[-1]:.3f}s, naive {naive_times[-1]:.2f}s "
                f"({calculations:,} calculations, same answer)"
            )
    finally:
        conn.close()
    ours_median = statistics.median(ours_times)
    ratio = statistics.median(naive_times) / ours_median
    return [
        Figure(
            id="P2",
            title=f"LCT, seven scopes x {districts:,} districts ({calculations:,} calculations), in memory",
            ours=ours_times,
            baseline=naive_times,
            baseline_name="one minutes query per district + Python loops",
            goal=f"< {GOAL_SECONDS:g} s and >= {GOAL_RATIO:g}x",
            met=ours_median < GOAL_SECONDS and ratio >= GOAL_RATIO,
            notes=f"naive timed over every district (no sampling); CPU seconds of this process (median): ours "
            f"{statistics.median(cpu['ours']):.3f}, naive {statistics.median(cpu['naive']):.2f} (plus the server's "
            "work for its queries)",
            extra={"districts": districts, "calculations": calculations, "cpu_seconds": cpu},
        )
    ]


def profile_target(bench: Bench) -> Callable[[], Any]:
    from bench.context import YEAR
    from lct_pipelines.lct.calculate import calculate_lct

    inputs = _inputs(bench)
    return lambda: calculate_lct(**inputs.frames(), year=YEAR)
