"""The data dictionary asset on a real database: every model table and every materialized view, described."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg2

from lct_pipelines.assets.docs import data_dictionary
from lct_pipelines.assets.lct.views import LCT_VIEWS
from lct_pipelines.db.matviews import ensure_and_refresh
from lct_pipelines.db.models import Base
from lct_pipelines.resources import PostgresResource


def test_the_dictionary_lists_tables_columns_constraints_and_views(database_url: str, tmp_path: Path) -> None:
    conn = psycopg2.connect(database_url.replace("postgresql+psycopg2://", "postgresql://"))
    with conn, conn.cursor() as cur:
        for name in LCT_VIEWS:
            ensure_and_refresh(cur, f"lct.{name}", f"lct/views/{name}.sql")
    conn.close()

    result = dg.materialize(
        [data_dictionary],
        resources={"postgres": PostgresResource(url=database_url)},
        run_config={"ops": {"docs__data_dictionary": {"config": {"output_dir": str(tmp_path)}}}},
    )
    assert result.success
    metadata = result.asset_materializations_for_node("docs__data_dictionary")[0].metadata
    assert metadata["tables"].value == len(Base.metadata.tables)
    assert metadata["materialized_views"].value == len(LCT_VIEWS)

    (stamped,) = tmp_path.glob("database_schema_2*.md")
    latest = tmp_path / "database_schema_latest.md"
    text = latest.read_text()
    assert stamped.read_text() == text
    for table in Base.metadata.tables.values():
        assert f"### {table.fullname}\n" in text
    assert "| leaid (PK) | VARCHAR(7) | no |  | NCES LEA id, 7 chars, leading zeros kept |" in text
    assert "CHECK ck_calculation_runs_run_type_known: `run_type IN ('full', 'incremental')`" in text
    section = text[text.index("### lct.mv_lct_summary_stats (materialized view)") :]
    assert "| median_lct | double precision |" in section
    assert "CREATE UNIQUE INDEX ux_mv_lct_summary_stats" in section
    assert "Reads: lct.lct_calculations." in section
    assert "Per school year and staff scope" in section  # the comment at the top of its sql/ file
    assert "Read by the views: lct.mv_districts_with_lct_data, lct.mv_lct_summary_stats." in text
