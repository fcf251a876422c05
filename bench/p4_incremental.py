"""P4: an incremental LCT run after one bell-schedule edit, against a full run of the year.

On the loaded demo year (every district of the NCES files, statutory minutes, bell schedules), after one full
run that stores the fingerprints, in turn:

- edit: one district's elementary bell schedule is saved with new minutes (`upsert_bell_schedules`, what
  `lct enrich` does), a different value every time;
- ours: `run_calculation(..., "incremental")`: fingerprints in SQL, only the changed district recomputed;
- full: `run_calculation(..., "full")`: every district recomputed, the year's rows replaced.

The goal compares compute + write (the timings `run_calculation` reports); detect and read are reported too.

Answers: the incremental run must find exactly the edited district, and the year's rows it leaves stored must
equal what the full run that follows computes from scratch.

"Edit to refreshed views < 20 s with the daemon" is an end-to-end figure of the running Dagster daemon
(sensor tick, run launch, views): P4b, measured with `lct ui` running by bench/p9_ui_paths.py.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    from bench.context import Bench

GOAL_PERCENT = 2.0
_PARTS = ("detect", "read", "compute", "write")


def _edited_district(engine: Any, year: str) -> tuple[str, str, str]:
    """A district with calculations: (leaid, name, state), the middle one in leaid order."""
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct import store

    with transaction(engine) as cur:
        stored = store.calculations_for_year(cur, year)
    candidates = stored[stored["staff_scope"] == "teachers_only"].sort_values("district_id")
    row = candidates.iloc[len(candidates) // 2]
    return row["district_id"], row["district_name"], row["state"]


def _timings(outcome: Any) -> dict[str, float]:
    return {part: getattr(outcome, f"{part}_seconds") for part in _PARTS}


def check_same(stored: Any, full_calculations: Any) -> None:
    import pandas as pd

    from bench.p1_import import AnswerMismatch
    from lct_pipelines.lct.calculate import CONTRACT_COLUMNS

    keys = ["district_id", "staff_scope"]
    incremental = stored[list(CONTRACT_COLUMNS)].sort_values(keys).reset_index(drop=True)
    full = full_calculations[list(CONTRACT_COLUMNS)].sort_values(keys).reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(incremental, full, check_exact=False, rtol=1e-12, atol=0)
    except AssertionError as error:
        raise AnswerMismatch(f"P4: the rows after the incremental run differ from a full run: {error}") from None


def run(bench: Bench) -> list[Figure]:
    from bench.context import YEAR
    from bench.data import bell_schedule_edit
    from bench.p1_import import AnswerMismatch
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.enrichment.store import upsert_bell_schedules
    from lct_pipelines.lct import store
    from lct_pipelines.lct.run import FULL, INCREMENTAL, run_calculation

    engine = build_engine(bench.lct_database(), application_name="lct-bench")
    samples: dict[str, dict[str, list[float]]] = {"incremental": {}, "full": {}}
    try:
        first = run_calculation(engine, YEAR, FULL)  # stores the fingerprints the incremental runs compare with
        leaid, name, state = _edited_district(engine, YEAR)
        bench.say(f"P4: first full run {sum(_timings(first).values()):.2f}s; editing district {leaid} ({state})")
        for run_number in range(bench.runs):
            with transaction(engine) as cur:
                upsert_bell_schedules(cur, bell_schedule_edit(leaid, name, state, 331 + run_number))
            incremental = run_calculation(engine, YEAR, INCREMENTAL)
            if incremental.changed != [leaid] or incremental.vanished:
                raise AnswerMismatch(
                    f"P4: the incremental run recomputed {incremental.changed[:5]} "
                    f"(removed {incremental.vanished[:5]}), not just the edited {leaid}"
                )
            with transaction(engine) as cur:
                stored = store.calculations_for_year(cur, YEAR)
            full = run_calculation(engine, YEAR, FULL)
            check_same(stored, full.calculations)
            for kind, outcome in (("incremental", incremental), ("full", full)):
                for part, seconds in _timings(outcome).items():
                    samples[kind].setdefault(part, []).append(seconds)
            bench.say(
                f"P4 run {run_number + 1}/{bench.runs}: incremental compute+write "
                f"{incremental.compute_and_write_seconds * 1000:.1f} ms, full {full.compute_and_write_seconds:.2f}s "
                f"({len(full.calculations):,} rows; same rows)"
            )
    finally:
        engine.dispose()

    def compute_write(kind: str) -> list[float]:
        return [c + w for c, w in zip(samples[kind]["compute"], samples[kind]["write"], strict=True)]

    def total(kind: str) -> list[float]:
        return [sum(parts) for parts in zip(*(samples[kind][p] for p in _PARTS), strict=True)]

    ours, full_times = compute_write("incremental"), compute_write("full")
    percent = 100 * statistics.median(ours) / statistics.median(full_times)
    medians = {
        kind: {part: round(statistics.median(values), 4) for part, values in parts.items()}
        for kind, parts in samples.items()
    }
    return [
        Figure(
            id="P4a",
            title="compute + write after one bell-schedule edit: incremental run vs full run",
            ours=ours,
            baseline=full_times,
            baseline_name="full run (every district)",
            goal=f"incremental <= {GOAL_PERCENT:g}% of full",
            met=percent <= GOAL_PERCENT,
            notes=f"incremental = {percent:.2f}% of full",
            extra={"median_seconds_by_part": medians, "samples": samples},
        ),
        Figure(
            id="P4c",
            title="whole calculation run (detect + read + compute + write): incremental vs full",
            ours=total("incremental"),
            baseline=total("full"),
            baseline_name="full run",
            goal="(reported)",
            notes="detect = fingerprints in SQL; read = the inputs of the changed districts (all in a full run)",
        ),
    ]


def profile_target(bench: Bench) -> Callable[[], Any]:
    from bench.context import YEAR
    from bench.data import bell_schedule_edit
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.enrichment.store import upsert_bell_schedules
    from lct_pipelines.lct.run import FULL, INCREMENTAL, run_calculation

    engine = build_engine(bench.lct_database(), application_name="lct-bench")
    run_calculation(engine, YEAR, FULL)
    leaid, name, state = _edited_district(engine, YEAR)
    edits = iter(range(500, 10_000))

    def edit_and_run() -> None:
        with transaction(engine) as cur:
            upsert_bell_schedules(cur, bell_schedule_edit(leaid, name, state, next(edits)))
        run_calculation(engine, YEAR, INCREMENTAL)

    return edit_and_run
