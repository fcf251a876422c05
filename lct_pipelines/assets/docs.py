"""The data dictionary: Markdown of every table and materialized view, regenerated weekly (and by `lct db upgrade`,
`lct docs dictionary`)."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from lct_pipelines.assets.constants import DOCS_GROUP
from lct_pipelines.db.data_dictionary import generate_data_dictionary
from lct_pipelines.db.models import Base
from lct_pipelines.project import data_dictionary_dir
from lct_pipelines.resources import PostgresResource

DATA_DICTIONARY_KEY = dg.AssetKey(["docs", "data_dictionary"])


class DataDictionaryConfig(dg.Config):
    output_dir: str = Field(
        default="", description="folder for the Markdown (default: {project}/docs/data-dictionaries)"
    )


@dg.asset(
    key=DATA_DICTIONARY_KEY,
    group_name=DOCS_GROUP,
    kinds={"markdown"},
    description="docs/data-dictionaries/database_schema_{timestamp}.md and database_schema_latest.md: tables, "
    "columns, types, constraints and relationships from the models, and the materialized views and warehouse rollup "
    "tables from the catalogs.",
)
def data_dictionary(config: DataDictionaryConfig, postgres: PostgresResource) -> dg.MaterializeResult:
    folder = Path(config.output_dir) if config.output_dir else data_dictionary_dir()
    with postgres.transaction() as cur:
        written = generate_data_dictionary(cur, Base.metadata, folder)
    return dg.MaterializeResult(
        metadata={
            "tables": written.tables,
            "materialized_views": written.views,
            "rollup_tables": written.rollup_tables,
            "path": dg.MetadataValue.path(str(written.stamped)),
            "latest": dg.MetadataValue.path(str(written.latest)),
        }
    )


DOCS_ASSETS = [data_dictionary]
