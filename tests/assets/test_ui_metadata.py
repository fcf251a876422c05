"""What the UI shows about the assets: the columns of every table with their meanings, charts as pictures."""

from __future__ import annotations

import base64
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from lct_pipelines.assets.metadata import markdown_image, model_meanings
from lct_pipelines.db.models import Base
from lct_pipelines.definitions import defs
from lct_pipelines.exports.summaries import SUMMARY_COLUMN_MEANINGS, summary_by_scope, summary_by_state
from lct_pipelines.lct.calculate import CONTRACT_COLUMNS

TABLES = sorted(Base.metadata.tables)


@pytest.mark.parametrize("table", TABLES)
def test_every_column_of_the_data_model_has_a_meaning(table: str) -> None:
    assert [c.name for c in Base.metadata.tables[table].columns if not c.comment] == []


def _table_assets() -> dict[str, dg.TableSchema]:
    """dagster/table_name -> the dagster/column_schema its asset declares, for every asset naming a table."""
    graph = defs.get_repository_def().asset_graph
    found = {}
    for key in graph.get_all_asset_keys():
        metadata = graph.get(key).metadata
        table = str(metadata.get("dagster/table_name", ""))
        if table in Base.metadata.tables:
            schema = metadata["dagster/column_schema"]
            found[table] = schema.schema if isinstance(schema, dg.TableSchemaMetadataValue) else schema
    return found


def test_every_table_asset_shows_each_column_with_its_meaning() -> None:
    assets = _table_assets()
    # the NCES imports, the calculations, the enrichment inputs and the platform's eight tables
    assert {"nces.lea_directory", "lct.lct_calculations", "lct.bell_schedules", "platform.submissions"} <= set(assets)
    assert len(assets) == 14
    for table, schema in assets.items():
        model = Base.metadata.tables[table]
        assert [c.name for c in schema.columns] == [c.name for c in model.columns], table
        assert all(c.description for c in schema.columns), table


def test_every_export_column_has_a_meaning() -> None:
    """The exports are the contract columns (those of lct.lct_calculations) and the summaries' figures."""
    meanings = {**model_meanings("lct.lct_calculations"), **SUMMARY_COLUMN_MEANINGS}
    rows = pd.DataFrame(
        {
            "year": ["2023-24"],
            "state": ["WI"],
            "staff_scope": ["all"],
            "lct_value": [20.0],
            "is_valid": [True],
        }
    )
    columns = {*CONTRACT_COLUMNS, *summary_by_scope(rows).columns, *summary_by_state(rows).columns}
    assert sorted(c for c in columns if c not in meanings) == []


def test_a_chart_is_markdown_with_the_png_inlined(tmp_path: Path) -> None:
    png = tmp_path / "chart.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    value = markdown_image(png, "LCT distribution")
    prefix = "![LCT distribution](data:image/png;base64,"
    assert value.value.startswith(prefix) and value.value.endswith(")")
    assert base64.b64decode(value.value[len(prefix) : -1]) == png.read_bytes()
