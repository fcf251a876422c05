"""The LCT step: the seven variants per district and the year's QA report, computed and written together.

One step computes and writes the calculations and the QA report (so the report exists even when a check
fails); the checks (checks.py) then gate the views and exports downstream.
"""

import dagster as dg
from pydantic import Field

from lct_pipelines.assets.constants import LCT_GROUP
from lct_pipelines.assets.enrichment import BELL_SCHEDULES_KEY, STATE_REQUIREMENTS_KEY
from lct_pipelines.assets.locks import holding
from lct_pipelines.assets.metadata import markdown_image, model_schema
from lct_pipelines.assets.nces import DIRECTORY_KEY, ENROLLMENT_KEY, STAFF_KEY
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.db.write_locks import year_resource
from lct_pipelines.exports.qa_files import write_qa_files
from lct_pipelines.lct import store
from lct_pipelines.lct.qa import render_markdown_dashboard
from lct_pipelines.lct.run import FULL, run_calculation
from lct_pipelines.resources import LandingZoneResource, PostgresResource

CALCULATIONS_KEY = dg.AssetKey(["lct", "lct_calculations"])
CALCULATIONS_TABLE = "lct.lct_calculations"
QA_REPORT_KEY = dg.AssetKey(["lct", "lct_qa_report"])
INPUT_KEYS = [DIRECTORY_KEY, ENROLLMENT_KEY, STAFF_KEY, STATE_REQUIREMENTS_KEY, BELL_SCHEDULES_KEY]


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
            metadata={
                "dagster/table_name": CALCULATIONS_TABLE,
                "dagster/column_schema": model_schema(CALCULATIONS_TABLE),
            },
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
    with holding(context, postgres, year_resource(year)):
        outcome = run_calculation(postgres.engine, year, config.mode, context.run.run_id)
        report = outcome.report
        files = write_qa_files(landing.reports_dir / "lct_qa", report, outcome.qa_rows, outcome.qa_lct, outcome.run_id)
        with postgres.transaction() as cur:
            store.record_output_files(cur, outcome.run_id, files.output_files())
    context.log.info(
        f"LCT {year} ({outcome.run_type}): {outcome.districts_processed:,} districts processed, "
        f"{len(outcome.calculations):,} calculations written; compute {outcome.compute_seconds:.3f}s, "
        f"write {outcome.write_seconds:.3f}s; QA {report['status']}, run {outcome.status}"
    )
    yield dg.MaterializeResult(
        asset_key=CALCULATIONS_KEY,
        metadata={
            "dagster/row_count": report["totals"]["calculations"],
            "run_id": outcome.run_id,
            "run_type": outcome.run_type,
            "run_status": outcome.status,
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
            "markdown": dg.MetadataValue.path(str(files.markdown)),
            "latest": dg.MetadataValue.path(str(files.latest_report)),
            "chart": markdown_image(files.chart, f"LCT distribution per staff scope, {year}"),
            "chart_file": dg.MetadataValue.path(str(files.chart)),
            "run_id": outcome.run_id,
        },
    )
