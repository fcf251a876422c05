"""`lct query ...` on the demo data after `lct run`: the four LCT query utilities as commands, table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lct_pipelines.cli.main import main
from lct_pipelines.demo.nces_files import write_demo_data
from lct_pipelines.lct import queries

YEAR = "2023-24"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    capsys.readouterr()
    assert main(["query", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_query_commands_answer_on_the_demo_data_and_see_a_bell_schedule_edit_at_once(
    dagster_env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_demo_data(Path(dagster_env["LCT_DATA_DIR"]), scale="small", seed=42)
    assert main(["run"]) == 0
    url = dagster_env["LCT_DATABASE_URL"]

    capsys.readouterr()
    assert main(["query", "next-candidates", "--state", "WI", "--year", "2025-26"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["school_year", "leaid", "lea_name"] and "(9 rows)" in table
    candidates = _json(capsys, "next-candidates", "--state", "WI", "--year", "2025-26")
    assert len(candidates) == 9
    assert [c["enrollment_rank"] for c in candidates] == list(range(1, 10))
    assert {c["state"] for c in candidates} == {"WI"} and {c["school_year"] for c in candidates} == {YEAR}
    assert [c["leaid"] for c in candidates] == queries.get_next_enrichment_candidates(
        url, "WI", "2025-26"
    ).leaid.tolist()
    expected = queries.get_districts_needing_calculation(url, YEAR).to_dict("records")
    assert _json(capsys, "needing-calculation") == [
        {k: None if pd.isna(v) else v for k, v in r.items()} for r in expected
    ]
    assert {row["reason"] for row in expected} == {"never_calculated"}  # the demo's not-calculable districts

    # A bell schedule saved for the largest candidate: its inputs changed since its last calculation.
    edited = candidates[0]
    bells = tmp_path / "bells.csv"
    bells.write_text(
        "district_id,district_name,state,year,grade_level,instructional_minutes,start_time,end_time,"
        "lunch_duration,source,confidence,method,notes\n"
        f"{edited['leaid']},{edited['lea_name']},WI,2025-26,high,371,,,,district website,high,manual_entry,\n"
    )
    assert main(["enrich", "import", str(bells)]) == 0
    needing = _json(capsys, "needing-calculation")
    assert [(row["leaid"], row["reason"]) for row in needing if row["reason"] == "inputs_changed"] == [
        (edited["leaid"], "inputs_changed")
    ]
    capsys.readouterr()
    assert main(["query", "needing-calculation", "--year", YEAR]) == 0
    assert any(edited["leaid"] in line and "inputs_changed" in line for line in capsys.readouterr().out.splitlines())
    after = _json(capsys, "next-candidates", "--state", "WI", "--year", "2025-26")
    assert edited["leaid"] not in [c["leaid"] for c in after] and after[0] == {**candidates[1], "enrollment_rank": 1}

    summary = _json(capsys, "summary", "--year", YEAR)
    assert [row["staff_scope"] for row in summary][:2] == ["teachers_only", "teachers_core"]
    progress = _json(capsys, "campaign-progress", "--state", "wi")
    assert [row["state"] for row in progress] == ["WI"]


def test_query_commands_explain_what_they_answer_and_refuse_a_bad_year(
    lct_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["query", "needing-calculation", "--help"])
    assert "inputs_changed" in capsys.readouterr().out
    assert main(["query", "next-candidates", "--state", "WI", "--year", "2025-27"]) == 2
    assert "not a school year like 2025-26" in capsys.readouterr().err
