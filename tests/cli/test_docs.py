"""The data dictionary keeps itself current: `lct docs dictionary`, every `lct db upgrade`, a migrating `lct up`."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from lct_pipelines.cli.main import main
from lct_pipelines.db import migrate
from lct_pipelines.db.matviews import ensure_and_refresh
from lct_pipelines.db.models import Base
from lct_pipelines.db.urls import libpq_dsn


def _latest(folder: Path) -> str:
    return (folder / "database_schema_latest.md").read_text()


def test_lct_docs_dictionary_writes_every_table_and_the_views_now_in_the_database(
    lct_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dictionary"
    assert main(["docs", "dictionary", "--output-dir", str(folder)]) == 0
    before = _latest(folder)
    assert all(f"### {table.fullname}\n" in before for table in Base.metadata.tables.values())
    assert "### lct.mv_lct_summary_stats" not in before

    conn = psycopg2.connect(libpq_dsn(lct_env["LCT_DATABASE_URL"]))
    with conn, conn.cursor() as cur:
        ensure_and_refresh(cur, "lct.mv_lct_summary_stats", "lct/views/mv_lct_summary_stats.sql")
    conn.close()
    assert main(["docs", "dictionary", "--output-dir", str(folder)]) == 0
    assert "### lct.mv_lct_summary_stats (materialized view)" in _latest(folder)
    assert f"-> {folder / 'database_schema_latest.md'}" in capsys.readouterr().out


def test_every_db_upgrade_and_a_migrating_up_regenerate_it_and_an_up_with_nothing_to_apply_does_not(
    lct_env: dict[str, str],
) -> None:
    folder = Path(lct_env["LCT_DATA_DICTIONARY_DIR"])
    url = lct_env["LCT_DATABASE_URL"]
    assert main(["db", "upgrade"]) == 0  # nothing to apply: still regenerated
    assert "### lct.not_calculable\n" in _latest(folder)

    (folder / "database_schema_latest.md").unlink()
    migrate.downgrade(url, "0003")
    assert main(["up"]) == 0  # applies 0004_qa_precision to an existing database
    assert migrate.current(url) == migrate.head()
    text = _latest(folder)
    assert "### lct.not_calculable\n" in text and "### analytics.student_attendance_grades" in text

    (folder / "database_schema_latest.md").unlink()
    assert main(["up"]) == 0
    assert not (folder / "database_schema_latest.md").exists()
