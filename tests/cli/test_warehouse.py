"""`lct warehouse demo-data | refresh | QUERY` through the CLI's main(), against the real embedded servers."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import psycopg2
import pytest

from lct_pipelines.cli.main import main
from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.services.warehouse import build_warehouse_service
from lct_pipelines.warehouse.params import QUERY_NAMES, QUERY_SPECS
from lct_pipelines.warehouse.queries import answer
from lct_pipelines.warehouse.views import ROLLUPS

STUDENTS = 300


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, dagster_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """dagster_env, with the variables `lct` exports into os.environ restored after the test."""
    for name in ("DAGSTER_HOME", "LCT_READER_URL"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return dagster_env


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _busiest(database_url: str) -> dict[str, int]:
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT student_id FROM platform.submissions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
            return {"student_id": cur.fetchone()[0], "class_id": 1, "teacher_id": 1}
    finally:
        conn.close()


def test_demo_data_refresh_and_every_query_from_the_command_line(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "warehouse", "demo-data", "--students", str(STUDENTS), "--seed", "5")
    assert code == 0
    assert f"students {STUDENTS:,}" in out and "rows into platform.submissions" in out  # progress, then summary

    code, out, _ = _run(capsys, "warehouse", "demo-data", "--if-empty")
    assert code == 0 and f"already holds {STUDENTS:,} students" in out

    code, out, _ = _run(capsys, "warehouse", "refresh")
    assert code == 0, out
    for name in ROLLUPS:
        assert f"analytics/{name}" in out
    assert "query cache: invalidated" in out and "warehouse refresh: done" in out

    # With no option: the replaced service's defaults, 10 rows of pairs with >= 3 graded in the last 90 days.
    code, out, err = _run(capsys, "warehouse", "top_performers", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert {k: payload[k] for k in ("limit", "min_submissions", "days_back", "subject_id")} == {
        "limit": 10,
        "min_submissions": 3,
        "days_back": 90,
        "subject_id": None,
    }
    assert len(payload["performers"]) == 10 and min(r["graded_count"] for r in payload["performers"]) >= 3
    assert "rows from the primary" in err
    code, out, _ = _run(capsys, "warehouse", "top_performers")
    assert code == 0 and "(10 rows from the" in out.splitlines()[-1]

    code, out, err = _run(
        capsys, "warehouse", "top_performers", "--limit", "5", "--days-back", "365", "--format", "json"
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["limit"] == 5 and payload["days_back"] == 365 and len(payload["performers"]) == 5
    assert "from the primary" in err and "the next one: --offset 5" in err
    conn = psycopg2.connect(libpq_dsn(cli_env["LCT_DATABASE_URL"]))
    with conn.cursor() as cur:
        expected = answer(cur, "top_performers", limit=5, days_back=365)
    conn.close()
    assert [r["student_id"] for r in payload["performers"]] == [r["student_id"] for r in expected]
    assert [r["avg_grade"] for r in payload["performers"]] == [float(r["avg_grade"]) for r in expected]

    # The same question again is a cache hit (the refresh emptied the cache, the first ask filled it), and the
    # replaced service's method answers with exactly the document the command printed.
    code, out, err = _run(
        capsys, "warehouse", "top_performers", "--limit", "5", "--days_back", "365", "--format", "json"
    )
    assert "from the cache" in err and json.loads(out) == payload
    env = {**os.environ, **cli_env}
    with build_warehouse_service(cli_env["LCT_DATABASE_URL"], env) as service:
        assert service.get_top_performers(None, 5, None, 365) == payload

    # teacher_workload over the last 7 days is the date range ending today.
    code, out, err = _run(capsys, "warehouse", "teacher_workload", "--days-back", "7", "--format", "json")
    assert code == 0, err
    by_days = json.loads(out)
    today = dt.datetime.now(dt.UTC).date()
    assert (by_days["date_from"], by_days["date_to"], by_days["days_back"]) == (
        str(today - dt.timedelta(days=6)),
        str(today),
        7,
    )
    code, out, _ = _run(
        capsys, "warehouse", "teacher_workload", "--date-from", by_days["date_from"], "--format", "json"
    )
    by_dates = json.loads(out)
    assert by_days["teachers"] and by_dates["teachers"] == by_days["teachers"]

    ids = _busiest(cli_env["LCT_DATABASE_URL"])
    for name in QUERY_NAMES:
        required = [f"--{p.name.replace('_', '-')}={ids[p.name]}" for p in QUERY_SPECS[name].params if p.required]
        code, out, err = _run(capsys, "warehouse", name, *required)
        assert code == 0, (name, err)
        header = out.splitlines()[0]
        assert header.split()[0] in {"student_id", "period_start", "subject_id", "teacher_id", "bucket", "class_id"}
        assert "rows from the" in out.splitlines()[-1], name


def test_a_limit_over_10000_is_refused_with_the_paging_hint(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "warehouse", "student_engagement", "--limit", "20000")
    assert code == 2
    assert "maximum of 10000" in err and "offset" in err


def test_a_window_that_is_not_precomputed_is_refused_naming_the_available_ones(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("top_performers", "bottom_performers", "student_engagement", "attendance_vs_grades"):
        code, _, err = _run(capsys, "warehouse", name, "--days-back", "14")
        assert code == 2 and "days_back 14 is not a precomputed window; available: 7, 30, 90, 365 days" in err, name


def test_teacher_workload_refuses_days_back_together_with_a_date_range(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "warehouse", "teacher_workload", "--days-back", "7", "--date-from", "2024-01-01")
    assert code == 2 and "either days_back or date_from/date_to" in err


def test_a_malformed_or_hostile_value_is_refused_before_any_sql(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "warehouse", "teacher_workload", "--date-from", "2024-01-01'; DROP TABLE x; --")
    assert code == 2 and "date_from must be a date" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["warehouse", "student_progress", "--student-id", "1 OR 1=1"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        main(["warehouse", "class_trends", "--granularity", "year"])
    assert "invalid choice" in capsys.readouterr().err


def test_help_lists_every_query_with_its_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["warehouse", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    listing = out.split("queries and their parameters", 1)[1].splitlines()
    for name, spec in QUERY_SPECS.items():
        [line] = [line for line in listing if line.split()[:1] == [name]]
        for param in spec.params:
            assert f"--{param.name.replace('_', '-')}" in line, (name, param.name)
    assert "demo-data" in out and "refresh" in out
