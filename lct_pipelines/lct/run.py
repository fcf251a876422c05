"""One LCT calculation run of a school year, full or incremental, with its audit row.

Full: every district of the year is computed and the year's rows replaced.
Incremental: the per-district input fingerprints (sql/lct/district_fingerprints.sql)
are compared with those stored by the last run; only the districts whose
fingerprint changed are recomputed, the rows of districts that vanished are
removed, and the result is upserted. The same QA rules then apply to the whole
year's stored rows.
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
from lct_pipelines.lct.calculate import NOT_CALCULABLE_COLUMNS, calculate_lct
from lct_pipelines.lct.incremental import diff_fingerprints
from lct_pipelines.lct.qa import build_qa_report

FULL = "full"
INCREMENTAL = "incremental"
RUN_TYPES = (FULL, INCREMENTAL)


@dataclass
class CalculationOutcome:
    run_id: str
    year: str
    run_type: str
    report: dict[str, Any]
    calculations: pd.DataFrame  # the rows written by this run
    qa_rows: pd.DataFrame  # the rows the QA report describes (the whole year)
    qa_lct: pd.Series  # their LCT as the report used it (unrounded in a full run)
    districts_processed: int
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
                status="failed",
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
        result = None
        calculations = pd.DataFrame()
        lct_full = pd.Series(dtype="float64")
    else:
        result = calculate_lct(**inputs.frames(), year=year)
        calculations, lct_full = result.calculations, result.lct_full
    compute_seconds = time.perf_counter() - clock

    clock = time.perf_counter()
    with transaction(engine) as cur:
        if run_type == FULL:
            store.write_year(cur, year, calculations, fingerprints, run_id)
        else:
            store.write_districts(cur, year, changed + vanished, calculations, fingerprints, run_id)
        write_seconds = time.perf_counter() - clock
        if run_type == FULL:
            assert result is not None
            report = build_qa_report(
                calculations, result.not_calculable, year, lct_full=lct_full, directory=inputs.directory
            )
            qa_rows, qa_lct = calculations, lct_full
        else:
            # Only the recomputed districts are in memory: QA reads the whole year as stored (rounded
            # values; not-calculable reasons are those of the districts recomputed now).
            stored = store.calculations_for_year(cur, year)
            not_calculable = (
                result.not_calculable if result is not None else pd.DataFrame(columns=list(NOT_CALCULABLE_COLUMNS))
            )
            report = build_qa_report(stored, not_calculable, year)
            qa_rows, qa_lct = stored, stored["lct_value"]
        processed = len(fingerprints)
        store.finish_run(
            cur,
            run_id,
            status="success",
            started_at=started_at,
            districts_processed=processed,
            calculations_created=len(calculations),
            input_sha256=store.input_hash(inputs),
            qa_summary=summarize_for_audit(report),
        )
    return CalculationOutcome(
        run_id=run_id,
        year=year,
        run_type=run_type,
        report=report,
        calculations=calculations,
        qa_rows=qa_rows,
        qa_lct=qa_lct,
        districts_processed=processed,
        changed=changed,
        vanished=vanished,
        detect_seconds=detect_seconds,
        read_seconds=read_seconds,
        compute_seconds=compute_seconds,
        write_seconds=write_seconds,
    )
