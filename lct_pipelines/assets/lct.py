"""LCT: the seven variants per district, the QA report and its checks, the views and the exports.

One step computes and writes the calculations and the QA report (so the report
exists even when a check fails); the blocking checks then gate the views and
exports downstream. Checks read the QA summary the step recorded for this
Dagster run in `lct.calculation_runs` rather than recomputing it.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg
import pandas as pd
from pydantic import Field

from lct_pipelines.assets.constants import LCT_EXPORTS_GROUP, LCT_GROUP, LCT_VIEWS_GROUP
from lct_pipelines.assets.enrichment import BELL_SCHEDULES_KEY, STATE_REQUIREMENTS_KEY
from lct_pipelines.assets.metadata import column_schema, markdown_table
from lct_pipelines.assets.nces import DIRECTORY_KEY, ENROLLMENT_KEY, STAFF_KEY
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.db.matviews import ensure_and_refresh
from lct_pipelines.exports.parquet import write_year
from lct_pipelines.exports.qa_files import write_qa_files
from lct_pipelines.exports.summaries import summary_by_scope, summary_by_state
from lct_pipelines.lct import store
from lct_pipelines.lct.qa import HIERARCHY, render_markdown_dashboard
from lct_pipelines.lct.run import FULL, run_calculation
from lct_pipelines.resources import LandingZoneResource, PostgresResource

CALCULATIONS_KEY = dg.AssetKey(["lct", "lct_calculations"])
QA_REPORT_KEY = dg.AssetKey(["lct", "lct_qa_report"])
INPUT_KEYS = [DIRECTORY_KEY, ENROLLMENT_KEY, STAFF_KEY, STATE_REQUIREMENTS_KEY, BELL_SCHEDULES_KEY]
PASS_RATE_CHECK = "pass_rate_at_least_95_percent"
OUTLIERS_CHECK = "outliers"
STATE_COVERAGE_CHECK = "state_coverage"


def hierarchy_check_name(left: str, right: str) -> str:
    return f"hierarchy_{left}_lt_{right}"


class CalculationConfig(dg.Config):
    """`full` recomputes every district; `incremental` only those whose input fingerprint changed."""

    mode: str = Field(default=FULL, description="full or incremental")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            CALCULATIONS_KEY,
            deps=INPUT_KEYS,
            group_name=LCT_GROUP,
            kinds={"postgres"},
            description="LCT = daily instructional minutes x staff FTE / students, for every district and the "
            "seven staff scopes (table lct.lct_calculations; see docs/methodology.md).",
        ),
        dg.AssetSpec(
            QA_REPORT_KEY,
            deps=[CALCULATIONS_KEY],
            group_name=LCT_GROUP,
            kinds={"json"},
            description="The QA report of the year: status, pass rate, hierarchy checks, outliers, state coverage, "
            "per-scope statistics; JSON under $LCT_DATA_DIR/reports/lct_qa/ and a distribution chart.",
        ),
    ],
    partitions_def=school_years,
    can_subset=False,
)
def lct_calculations(
    context: dg.AssetExecutionContext,
    config: CalculationConfig,
    postgres: PostgresResource,
    landing: LandingZoneResource,
):
    year = context.partition_key
    outcome = run_calculation(postgres.engine, year, config.mode, context.run.run_id)
    report = outcome.report
    files = write_qa_files(landing.reports_dir / "lct_qa", report, outcome.qa_rows, outcome.qa_lct, outcome.run_id)
    context.log.info(
        f"LCT {year} ({outcome.run_type}): {outcome.districts_processed:,} districts processed, "
        f"{len(outcome.calculations):,} calculations written; compute {outcome.compute_seconds:.3f}s, "
        f"write {outcome.write_seconds:.3f}s; QA {report['status']}"
    )
    yield dg.MaterializeResult(
        asset_key=CALCULATIONS_KEY,
        metadata={
            "dagster/row_count": report["totals"]["calculations"],
            "dagster/column_schema": column_schema(outcome.qa_rows),
            "run_id": outcome.run_id,
            "run_type": outcome.run_type,
            "districts_processed": outcome.districts_processed,
            "calculations_written": len(outcome.calculations),
            "districts_removed": len(outcome.vanished),
            "valid": report["totals"]["valid"],
            "pass_rate_percent": report["totals"]["pass_rate_percent"] or 0.0,
            "detect_seconds": round(outcome.detect_seconds, 4),
            "compute_seconds": round(outcome.compute_seconds, 4),
            "write_seconds": round(outcome.write_seconds, 4),
        },
    )
    yield dg.MaterializeResult(
        asset_key=QA_REPORT_KEY,
        metadata={
            "status": report["status"],
            "pass_rate_percent": report["totals"]["pass_rate_percent"] or 0.0,
            "dashboard": dg.MetadataValue.md(render_markdown_dashboard(report)),
            "report": dg.MetadataValue.path(str(files.report)),
            "latest": dg.MetadataValue.path(str(files.latest_report)),
            "chart": dg.MetadataValue.path(str(files.chart)),
            "run_id": outcome.run_id,
        },
    )


# --- checks ---------------------------------------------------------------------------------------------------


def _recorded_report(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> dict[str, Any] | None:
    with postgres.transaction() as cur:
        found = store.run_qa_summary(cur, context.op_execution_context.run.run_id)
    return found[2] if found else None


def _missing_report() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False, metadata={"problem": "no QA summary recorded by this run's calculation step"}
    )


def _build_hierarchy_check(index: int, left: str, right: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=CALCULATIONS_KEY,
        name=hierarchy_check_name(left, right),
        blocking=True,
        description=f"Hierarchy check {index + 1} of 6: the mean valid LCT of {left} is below that of {right}.",
    )
    def _check(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> dg.AssetCheckResult:
        report = _recorded_report(context, postgres)
        if report is None:
            return _missing_report()
        check = report["hierarchy_checks"][index]
        return dg.AssetCheckResult(
            passed=bool(check["passed"]),
            metadata={
                "left_mean": check["left_mean"] or 0.0,
                "right_mean": check["right_mean"] or 0.0,
                "rule": check["name"],
                "year": report["year"],
            },
        )

    return _check


@dg.asset_check(
    asset=CALCULATIONS_KEY,
    name=PASS_RATE_CHECK,
    blocking=True,
    description="At least 95% of the calculations are valid (0 < LCT <= 360, staff <= enrollment).",
)
def pass_rate_check(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> dg.AssetCheckResult:
    report = _recorded_report(context, postgres)
    if report is None:
        return _missing_report()
    totals = report["totals"]
    rate = totals["pass_rate_percent"]
    return dg.AssetCheckResult(
        passed=rate is not None and totals["valid"] * 100 >= 95 * totals["calculations"],
        metadata={
            "pass_rate_percent": rate or 0.0,
            "valid": totals["valid"],
            "calculations": totals["calculations"],
            "year": report["year"],
        },
    )


@dg.asset_check(
    asset=CALCULATIONS_KEY,
    name=OUTLIERS_CHECK,
    blocking=False,
    description="Valid rows with LCT < 5 or > 200 (a warning that lists them).",
)
def outliers_check(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> dg.AssetCheckResult:
    report = _recorded_report(context, postgres)
    if report is None:
        return _missing_report()
    outliers = report["outliers"]
    return dg.AssetCheckResult(
        passed=outliers["count"] == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "low": outliers["low"],
            "high": outliers["high"],
            "rows": dg.MetadataValue.md(markdown_table(outliers["rows"][:50])),
        },
    )


@dg.asset_check(
    asset=CALCULATIONS_KEY,
    name=STATE_COVERAGE_CHECK,
    blocking=False,
    description="Every state and territory in the inputs has at least one valid row (a warning).",
)
def state_coverage_check(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> dg.AssetCheckResult:
    report = _recorded_report(context, postgres)
    if report is None:
        return _missing_report()
    coverage = report["state_coverage"]
    return dg.AssetCheckResult(
        passed=not coverage["states_without_valid_rows"],
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "covered": coverage["count"],
            "states": ", ".join(coverage["states"]),
            "without_valid_rows": ", ".join(coverage["states_without_valid_rows"]) or "none",
        },
    )


HIERARCHY_CHECKS = [_build_hierarchy_check(i, left, right) for i, (left, right) in enumerate(HIERARCHY)]
LCT_CHECKS = [*HIERARCHY_CHECKS, pass_rate_check, outliers_check, state_coverage_check]


# --- views ----------------------------------------------------------------------------------------------------

LCT_VIEWS = {
    "mv_districts_with_lct_data": "Districts joined with enrollment, the staff scopes, bell-schedule presence "
    "and state minutes.",
    "mv_state_enrichment_progress": "Per state: districts, enriched districts (with a bell schedule), percent, "
    "enrollment; complete once 3 are enriched.",
    "mv_unenriched_districts": "Districts without a bell schedule, ranked by enrollment within their state.",
    "mv_lct_summary_stats": "Per year and scope: mean, median, std, min, max of valid LCT.",
}


def _build_view_asset(name: str, description: str) -> dg.AssetsDefinition:
    key = dg.AssetKey(["lct", name])

    @dg.asset(
        key=key,
        deps=[CALCULATIONS_KEY],
        group_name=LCT_VIEWS_GROUP,
        kinds={"postgres"},
        description=f"{description} Materialized view lct.{name}, refreshed CONCURRENTLY (sql/lct/views/).",
    )
    def _view(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:
        with postgres.transaction() as cur:
            refresh = ensure_and_refresh(cur, f"lct.{name}", f"lct/views/{name}.sql")
        context.log.info(f"lct.{name}: {'created' if refresh.created else 'refreshed'} in {refresh.seconds:.2f}s")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": refresh.rows,
                "created": refresh.created,
                "seconds": round(refresh.seconds, 3),
            }
        )

    return _view


VIEW_ASSETS = [_build_view_asset(name, description) for name, description in LCT_VIEWS.items()]


# --- exports --------------------------------------------------------------------------------------------------

EXPORT_DATASETS = ("calculations", "calculations_valid", "summary_by_scope", "summary_by_state")


class ExportConfig(dg.Config):
    csv: bool = False  # also write CSV copies beside the Parquet files


def _summaries(calculations: pd.DataFrame) -> dict[str, Callable[[], pd.DataFrame]]:
    valid = calculations[calculations["is_valid"]]
    return {
        "calculations": lambda: calculations,
        "calculations_valid": lambda: valid.reset_index(drop=True),
        "summary_by_scope": lambda: summary_by_scope(calculations),
        "summary_by_state": lambda: summary_by_state(calculations),
    }


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["lct", "exports", name],
            deps=[CALCULATIONS_KEY],
            group_name=LCT_EXPORTS_GROUP,
            kinds={"parquet"},
            description=f"$LCT_DATA_DIR/exports/lct/{name}/year=<year>/ (Parquet, zstd)",
        )
        for name in EXPORT_DATASETS
    ],
    partitions_def=school_years,
    can_subset=False,
)
def lct_exports(
    context: dg.AssetExecutionContext, config: ExportConfig, postgres: PostgresResource, landing: LandingZoneResource
):
    year = context.partition_key
    with postgres.transaction() as cur:
        calculations = store.calculations_for_year(cur, year)
        recorded = store.run_qa_summary(cur, context.run.run_id)
    root = landing.exports_dir / "lct"
    outputs: dict[str, Any] = {}
    for name, build in _summaries(calculations).items():
        frame = build()
        written = write_year(root, name, year, frame, csv=config.csv)
        outputs[name] = {
            "path": str(written.path),
            "rows": written.rows,
            "parquet_bytes": written.parquet_bytes,
            "csv_bytes": written.csv_bytes,
        }
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["lct", "exports", name]),
            metadata={
                "dagster/row_count": written.rows,
                "dagster/column_schema": column_schema(frame),
                "path": dg.MetadataValue.path(str(written.path.parent)),
                "parquet_bytes": written.parquet_bytes,
                "csv_bytes_same_data": written.csv_bytes,
                "parquet_vs_csv_percent_smaller": round(100 * (1 - written.parquet_bytes / written.csv_bytes), 1)
                if written.csv_bytes
                else 0.0,
            },
        )
    if recorded is not None:
        with postgres.transaction() as cur:
            store.record_output_files(cur, recorded[0], outputs)


LCT_ASSETS = [lct_calculations, *VIEW_ASSETS, lct_exports]
