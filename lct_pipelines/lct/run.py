"""One LCT calculation run of a school year, full or incremental, with its audit row.

Full: every district of the year is computed and the year's rows replaced.
Incremental: the per-district input fingerprints (sql/lct/district_fingerprints.sql)
are compared with those stored by the last run; only the districts whose
fingerprint changed are recomputed, the rows of districts that vanished are
removed, and the result is upserted. Both paths store the unrounded LCT and the
not-calculable pairs beside the calculations, so the QA report of an incremental
run (built from the whole year as stored) is the one a full run would build.

The audit row (`lct.calculation_runs`) says what happened: `success`, or `blocked` when the QA report fails
one of the rules the blocking checks enforce (pass rate, hierarchy: exactly the report's FAIL reasons), so
the views and exports will not be published; `failed` when the step raised. `districts_processed` counts the
districts that got a calculation in this run; the others of the run are in the report's not-calculable list.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from lct_pipelines.db.staging import transaction
from lct_pipelines.lct import store
from lct_pipelines.lct.calculate import CONTRACT_COLUMNS, NOT_CALCULABLE_COLUMNS, calculate_lct
from lct_pipelines.lct.incremental import diff_fingerprints
from lct_pipelines.lct.qa import STATUS_FAIL, build_qa_report

FULL = "full"
INCREMENTAL = "incremental"
RUN_TYPES = (FULL, INCREMENTAL)
STATUS_SUCCESS = "success"
STATUS_BLOCKED = "blocked"  # written, but a blocking QA rule failed: views and exports are not refreshed
STATUS_FAILED = "failed"


@dataclass
class CalculationOutcome:
    run_id: str
    year: str
    run_type: str
    status: str  # STATUS_SUCCESS or STATUS_BLOCKED
    report: dict[str, Any]
    calculations: pd.DataFrame  # the rows written by this run
    qa_rows: pd.DataFrame  # the rows the QA report describes (the whole year)
    qa_lct: pd.Series  # their unrounded LCT, as the report used it
    districts_processed: int  # districts that got a calculation in this run
    changed: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    detect_seconds: float = 0.0
    read_seconds: float = 0.0
    compute_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def compute_and_write_seconds(self) -> float:
        return self.compute_seconds + self.write_seconds


def summarize_for_audit(report: dict[str, Any]) -> dict[str, Any]:
    """The QA report as kept in calculation_runs.qa_summary: outlier rows capped at 200."""
    outliers = {**report["outliers"], "rows": report["outliers"]["rows"][:200]}
    return {**report, "outliers": outliers}


def run_calculation(
    engine: Engine, year: str, run_type: str = FULL, dagster_run_id: str | None = None
) -> CalculationOutcome:
    if run_type not in RUN_TYPES:
        raise ValueError(f"run_type must be one of {RUN_TYPES}, not {run_type!r}")
    started_at = datetime.now(UTC)
    with transaction(engine) as cur:
        run_id = store.new_run_id(cur, started_at)
        store.start_run(cur, run_id, year, run_type, started_at, dagster_run_id)
    try:
        return _calculate(engine, year, run_type, run_id, started_at)
    except BaseException:
        with transaction(engine) as cur:
            store.finish_run(
                cur,
                run_id,
                status=STATUS_FAILED,
                started_at=started_at,
                districts_processed=0,
                calculations_created=0,
                input_sha256=None,
                qa_summary=None,
            )
        raise


def _calculate(engine: Engine, year: str, run_type: str, run_id: str, started_at: datetime) -> CalculationOutcome:
    clock = time.perf_counter()
    with transaction(engine) as cur:
        store.begin_snapshot(cur)
        fingerprints = store.current_fingerprints(cur, year)
        changed: list[str] = []
        vanished: list[str] = []
        if run_type == INCREMENTAL:
            changed, vanished = diff_fingerprints(fingerprints, store.stored_fingerprints(cur, year))
            fingerprints = fingerprints[fingerprints["leaid"].isin(changed)]
        detect_seconds = time.perf_counter() - clock
        clock = time.perf_counter()
        inputs = store.load_inputs(cur, year, changed if run_type == INCREMENTAL else None)
    read_seconds = time.perf_counter() - clock

    clock = time.perf_counter()
    if run_type == INCREMENTAL and not changed:
        rows = store.YearRows(
            calculations=pd.DataFrame(columns=list(CONTRACT_COLUMNS)),
            lct_full=pd.Series(dtype="float64"),
            not_calculable=pd.DataFrame(columns=list(NOT_CALCULABLE_COLUMNS)),
            fingerprints=fingerprints,
        )
    else:
        result = calculate_lct(**inputs.frames(), year=year)
        rows = store.YearRows(result.calculations, result.lct_full, result.not_calculable, fingerprints)
    compute_seconds = time.perf_counter() - clock

    clock = time.perf_counter()
    with transaction(engine) as cur:
        if run_type == FULL:
            store.write_year(cur, year, rows, run_id)
        else:
            store.write_districts(cur, year, changed + vanished, rows, run_id)
        write_seconds = time.perf_counter() - clock
        if run_type == FULL:
            qa = store.QaInputs(rows.calculations, rows.lct_full, rows.not_calculable, inputs.directory)
        else:
            # Only the recomputed districts are in memory: the report reads the whole year as stored, at full
            # precision, with every not-calculable pair of the year.
            qa = store.qa_inputs_for_year(cur, year)
        report = build_qa_report(qa.calculations, qa.not_calculable, year, lct_full=qa.lct_full, directory=qa.directory)
        status = STATUS_BLOCKED if report["status"] == STATUS_FAIL else STATUS_SUCCESS
        processed = int(rows.calculations["district_id"].nunique())
        store.finish_run(
            cur,
            run_id,
            status=status,
            started_at=started_at,
            districts_processed=processed,
            calculations_created=len(rows.calculations),
            input_sha256=store.input_hash(inputs),
            qa_summary=summarize_for_audit(report),
        )
    return CalculationOutcome(
        run_id=run_id,
        year=year,
        run_type=run_type,
        status=status,
        report=report,
        calculations=rows.calculations,
        qa_rows=qa.calculations,
        qa_lct=qa.lct_full,
        districts_processed=processed,
        changed=changed,
        vanished=vanished,
        detect_seconds=detect_seconds,
        read_seconds=read_seconds,
        compute_seconds=compute_seconds,
        write_seconds=write_seconds,
    )
