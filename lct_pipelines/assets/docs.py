"""The data dictionary: Markdown of every table and materialized view, regenerated weekly."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from pydantic import Field

from lct_pipelines.assets.constants import DOCS_GROUP
from lct_pipelines.db.data_dictionary import read_views, render_data_dictionary, write_data_dictionary
from lct_pipelines.db.models import Base
from lct_pipelines.project import data_dictionary_dir
from lct_pipelines.resources import PostgresResource

DATA_DICTIONARY_KEY = dg.AssetKey(["docs", "data_dictionary"])


class DataDictionaryConfig(dg.Config):
    output_dir: str = Field(
        default="", description="folder for the Markdown (default: <project>/docs/data-dictionaries)"
    )


@dg.asset(
    key=DATA_DICTIONARY_KEY,
    group_name=DOCS_GROUP,
    kinds={"markdown"},
    description="docs/data-dictionaries/database_schema_<timestamp>.md and database_schema_latest.md: tables, "
    "columns, types, constraints and relationships from the models, and the materialized views from the catalogs.",
)
def data_dictionary(config: DataDictionaryConfig, postgres: PostgresResource) -> dg.MaterializeResult:
    folder = Path(config.output_dir) if config.output_dir else data_dictionary_dir()
    generated_at = datetime.now(UTC)
    with postgres.transaction() as cur:
        views = read_views(cur)
    markdown = render_data_dictionary(Base.metadata, views, generated_at)
    stamped, latest = write_data_dictionary(folder, markdown, generated_at)
    return dg.MaterializeResult(
        metadata={
            "tables": len(Base.metadata.tables),
            "materialized_views": len(views),
            "path": dg.MetadataValue.path(str(stamped)),
            "latest": dg.MetadataValue.path(str(latest)),
        }
    )


DOCS_ASSETS = [data_dictionary]
