"""QA report files: JSON, Markdown and chart per run, listed for the audit row, and the newest ten runs kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lct_pipelines.exports.qa_files import QA_REPORTS_KEPT, prune_qa_files, write_qa_files
from lct_pipelines.lct.qa import render_markdown_dashboard
from tests.lct.test_qa import YEAR, frame, holding_rows, report


def _run_ids(count: int) -> list[str]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    return [(start + timedelta(minutes=n)).strftime("%Y%m%dT%H%M%SZ") for n in range(count)]


def test_a_run_writes_json_markdown_and_chart_and_lists_each_with_its_size(tmp_path: Path) -> None:
    rows = frame(holding_rows())
    qa = report(holding_rows())
    files = write_qa_files(tmp_path, qa, rows, rows["lct_value"], "20250101T000000Z")
    listed = files.output_files()
    assert set(listed) == {
        "qa_report",
        "qa_latest_report",
        "qa_markdown",
        "qa_latest_markdown",
        "qa_chart",
        "qa_latest_chart",
    }
    assert {Path(entry["path"]).name for entry in listed.values()} == {p.name for p in tmp_path.iterdir()}
    assert all(Path(e["path"]).stat().st_size == e["bytes"] > 0 for e in listed.values())
    assert json.loads(files.report.read_text()) == {"run_id": "20250101T000000Z", **qa}
    assert files.markdown.read_text() == render_markdown_dashboard(qa) == files.latest_markdown.read_text()
    assert files.chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _run_files(run_id: str) -> set[str]:
    return {f"lct_qa_{YEAR}_{run_id}.json", f"lct_qa_{YEAR}_{run_id}.md", f"lct_distribution_{YEAR}_{run_id}.png"}


def test_the_newest_ten_runs_of_a_year_are_kept_and_other_years_untouched(tmp_path: Path) -> None:
    ids = _run_ids(QA_REPORTS_KEPT + 3)
    other = {f"lct_qa_2022-23_{ids[0]}.json", f"lct_qa_{YEAR}_latest.json", f"lct_distribution_{YEAR}_latest.png"}
    for name in set().union(other, *(_run_files(run_id) for run_id in ids)):
        (tmp_path / name).write_text("x")

    removed = prune_qa_files(tmp_path, YEAR)

    assert {p.name for p in removed} == set().union(*(_run_files(run_id) for run_id in ids[:3]))
    assert {p.name for p in tmp_path.iterdir()} == other.union(*(_run_files(run_id) for run_id in ids[3:]))
    assert prune_qa_files(tmp_path, YEAR) == []


def test_writing_an_eleventh_run_removes_the_oldest(tmp_path: Path) -> None:
    rows = frame(holding_rows())
    ids = _run_ids(QA_REPORTS_KEPT + 1)
    for run_id in ids:
        write_qa_files(tmp_path, report(holding_rows()), rows, rows["lct_value"], run_id)
    kept = sorted(p.name for p in tmp_path.glob(f"lct_qa_{YEAR}_2*.json"))
    assert kept == [f"lct_qa_{YEAR}_{run_id}.json" for run_id in ids[1:]]
    assert (tmp_path / f"lct_qa_{YEAR}_latest.json").exists()
