"""The Parquet exports of a school year: every calculation, the valid ones, and two summaries (the export contract).

They read the year's stored rows after the blocking checks passed, and record what they wrote on the
calculation run that produced them.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg
import pandas as pd

from lct_pipelines.assets.constants import LCT_EXPORTS_GROUP
from lct_pipelines.assets.freshness import LCT_OUTPUT_FRESHNESS
from lct_pipelines.assets.lct.calculations import CALCULATIONS_KEY, CALCULATIONS_TABLE
from lct_pipelines.assets.locks import holding
from lct_pipelines.assets.metadata import column_schema, model_meanings
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.db.write_locks import exports_resource
from lct_pipelines.exports.parquet import write_year
from lct_pipelines.exports.summaries import SUMMARY_COLUMN_MEANINGS, summary_by_scope, summary_by_state
from lct_pipelines.lct import store
from lct_pipelines.resources import LandingZoneResource, PostgresResource

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
            freshness_policy=LCT_OUTPUT_FRESHNESS,
            description=f"$LCT_DATA_DIR/exports/lct/{name}/year={{year}}/ (Parquet, zstd)",
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
    with holding(context, postgres, exports_resource(year)):
        yield from _export_year(context, config, postgres, landing)


def _export_year(
    context: dg.AssetExecutionContext, config: ExportConfig, postgres: PostgresResource, landing: LandingZoneResource
):
    year = context.partition_key
    with postgres.transaction() as cur:
        calculations = store.calculations_for_year(cur, year)
        recorded = store.run_qa_summary(cur, context.run.run_id)
    root = landing.exports_dir / "lct"
    meanings = {**model_meanings(CALCULATIONS_TABLE), **SUMMARY_COLUMN_MEANINGS}
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
                "dagster/column_schema": column_schema(frame, meanings),
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
