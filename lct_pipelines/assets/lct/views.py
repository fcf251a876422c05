"""The four materialized views over the calculations, one asset each, refreshed CONCURRENTLY (sql/lct/views/)."""

import dagster as dg

from lct_pipelines.assets.constants import LCT_VIEWS_GROUP
from lct_pipelines.assets.freshness import LCT_OUTPUT_FRESHNESS
from lct_pipelines.assets.lct.calculations import CALCULATIONS_KEY
from lct_pipelines.assets.locks import holding
from lct_pipelines.assets.metadata import Column, table_schema
from lct_pipelines.db.data_dictionary import read_views
from lct_pipelines.db.matviews import ensure_and_refresh
from lct_pipelines.db.write_locks import LCT_VIEWS_RESOURCE
from lct_pipelines.resources import PostgresResource

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
        freshness_policy=LCT_OUTPUT_FRESHNESS,
        description=f"{description} Materialized view lct.{name}, refreshed CONCURRENTLY (sql/lct/views/).",
    )
    def _view(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:
        # Two runs creating a view at once collide in the catalogs (pg_type): one writer of the views at a time.
        with holding(context, postgres, LCT_VIEWS_RESOURCE), postgres.transaction() as cur:
            refresh = ensure_and_refresh(cur, f"lct.{name}", f"lct/views/{name}.sql")
            columns = next(view.columns for view in read_views(cur) if view.qualified == f"lct.{name}")
        context.log.info(f"lct.{name}: {'created' if refresh.created else 'refreshed'} in {refresh.seconds:.2f}s")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": refresh.rows,
                "dagster/table_name": f"lct.{name}",
                "dagster/column_schema": table_schema(Column(column, kind) for column, kind in columns),
                "created": refresh.created,
                "seconds": round(refresh.seconds, 3),
            }
        )

    return _view


VIEW_ASSETS = [_build_view_asset(name, description) for name, description in LCT_VIEWS.items()]
