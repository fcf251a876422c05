"""LCT end to end through `lct run` on the embedded servers: exports, gating, reruns."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text

from lct_pipelines.cli.main import main
from tests.ccd_factory import District, unified_district, write_ccd_files

YEAR = "2023-24"
CONTRACT_SCHEMA = pa.schema(
    [
        ("district_id", pa.string()),
        ("district_name", pa.string()),
        ("state", pa.string()),
        ("year", pa.string()),
        ("staff_scope", pa.string()),
        ("staff_count", pa.float64()),
        ("enrollment", pa.int64()),
        ("enrollment_type", pa.string()),
        ("instructional_minutes", pa.float64()),
        ("instructional_minutes_source", pa.string()),
        ("lct_value", pa.float64()),
        ("is_valid", pa.bool_()),
        ("qa_flags", pa.string()),
    ]
)
EXPORTS = ("calculations", "calculations_valid", "summary_by_scope", "summary_by_state")
VIEWS = (
    "mv_districts_with_lct_data",
    "mv_state_enrichment_progress",
    "mv_unenriched_districts",
    "mv_lct_summary_stats",
)


def _districts() -> list[District]:
    return [unified_district(f"55{n:05d}", f"District {n}", "WI", per_grade=80 + 10 * n) for n in range(1, 9)]


def _landing(env: dict[str, str]) -> Path:
    return Path(env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR)


def _exports(env: dict[str, str]) -> Path:
    return Path(env["LCT_DATA_DIR"], "exports", "lct")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def _query(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def test_run_writes_contract_exports_and_views_and_a_rerun_changes_nothing(
    dagster_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_ccd_files(_landing(dagster_env), _districts())
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 0
    out = capsys.readouterr().out
    assert "LCT QA 2023-24: PASS" in out and "Hierarchy checks: 6/6" in out

    files = list((_exports(dagster_env) / "calculations" / f"year={YEAR}").glob("*.parquet"))
    assert files
    for path in files:
        assert pq.read_schema(path).remove_metadata() == CONTRACT_SCHEMA
    table = pq.read_table(files[0])
    assert table.num_rows == 8 * 7
    assert set(table.column("district_id").to_pylist()) == {f"55{n:05d}" for n in range(1, 9)}
    for name in EXPORTS:
        assert list((_exports(dagster_env) / name / f"year={YEAR}").glob("*.parquet")), name
    url = dagster_env["LCT_DATABASE_URL"]
    for view in VIEWS:
        assert _query(url, f"SELECT count(*) FROM lct.{view}")[0][0] > 0, view

    calculations = (
        "SELECT to_jsonb(c) - 'run_id' FROM lct.lct_calculations c ORDER BY district_id, staff_scope"  # all but run_id
    )
    before_rows = _query(url, calculations)
    before_files = _digest(_exports(dagster_env))
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 0
    assert _query(url, calculations) == before_rows
    assert _digest(_exports(dagster_env)) == before_files
    runs = _query(
        url,
        "SELECT run_type, status, districts_processed, calculations_created, input_hash "
        "FROM lct.calculation_runs ORDER BY started_at",
    )
    assert [r[:4] for r in runs] == [("full", "success", 8, 56)] * 2
    assert runs[0][4] == runs[1][4] and len(runs[0][4]) == 64
    # Every file the run wrote is listed on its audit row: the QA JSON, Markdown and chart, and the exports.
    [(listed,)] = _query(url, "SELECT output_files FROM lct.calculation_runs ORDER BY started_at DESC LIMIT 1")
    assert set(listed) == {
        *EXPORTS,
        *(f"qa_{kind}" for name in ("report", "markdown", "chart") for kind in (name, f"latest_{name}")),
    }
    assert all(Path(entry["path"]).exists() for entry in listed.values())
    assert Path(listed["qa_markdown"]["path"]).read_text().startswith("# LCT QA 2023-24: **PASS**")


def test_a_failed_hierarchy_check_stops_views_and_exports_and_the_run_is_recorded_blocked(
    dagster_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Secondary teachers far above elementary ones: teachers_secondary's mean exceeds teachers_only's.
    districts = [
        unified_district(f"55{n:05d}", f"D{n}", "WI", elementary_teachers=5.0, secondary_teachers=60.0)
        for n in range(1, 5)
    ]
    no_staff = unified_district("5500009", "No Staff", "WI")
    no_staff.staff = {}  # in all three files' districts, but never calculated: not counted as processed
    write_ccd_files(_landing(dagster_env), [*districts, no_staff])
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 1
    out = capsys.readouterr().out
    assert "LCT QA 2023-24: FAIL" in out and "✗ teachers_secondary < teachers_only" in out
    assert not _exports(dagster_env).exists()
    url = dagster_env["LCT_DATABASE_URL"]
    assert _query(url, "SELECT count(*) FROM pg_matviews WHERE schemaname = 'lct'")[0][0] == 0
    assert _query(url, "SELECT count(*) FROM lct.lct_calculations")[0][0] == 4 * 7  # computed, not published
    [(status, processed, with_calculation, not_calculable)] = _query(
        url,
        "SELECT status, districts_processed, (SELECT count(DISTINCT district_id) FROM lct.lct_calculations), "
        "(qa_summary -> 'totals' -> 'not_calculable' ->> 'total')::int FROM lct.calculation_runs",
    )
    assert status == "blocked"
    assert processed == with_calculation == 4
    assert not_calculable == 7  # the district without staff, in every scope
