"""`lct enrich` as a command: options, their combinations, exit codes, piped answers, the real process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lct_pipelines.cli import enrich
from lct_pipelines.cli import main as cli_main
from lct_pipelines.project import project_root
from lct_pipelines.services.ports import free_port
from tests.enrichment.test_campaign import WI_ENRICHED, bell_rows, seed_wisconsin, wi_leaid
from tests.enrichment.test_interactive import CONFIDENCE, FIRST, HEADER, HIGH, MIDDLE, SCHEDULE_YEAR, SOURCE


def test_main_reads_piped_answers_line_by_line_and_echoes_them(database_url: str) -> None:
    seed_wisconsin(database_url)
    stdin = io.StringIO("\n300\n310\n320\n\nh\n")
    stdout = io.StringIO()
    code = enrich.main(
        ["--state", "WI", "--year", SCHEDULE_YEAR], stdin=stdin, stdout=stdout, database_url=database_url
    )
    out = stdout.getvalue()
    assert code == 130  # the input ended at District 6's first prompt
    assert f"{FIRST}\n  skipped 5500004" in out
    assert f"{FIRST}300\n{MIDDLE}310\n{HIGH}320\n{SOURCE}\n{CONFIDENCE}h\n" in out
    assert "interrupted: nothing of 5500006 District 6 was saved; 1 district(s) saved before are kept." in out
    assert [row[0] for row in bell_rows(database_url)] == [wi_leaid(10)] * 3 + [wi_leaid(WI_ENRICHED)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--district", "5599999"], "unknown LEAID 5599999"),
        (["--state", "WI", "--district", "5500004"], "either --state"),
        (["--status", "--district", "5500004"], "--status takes only --state"),
        (["--state", "WI", "import", "x.csv"], "takes no other option"),
        ([], "say what to do"),
    ],
)
def test_main_reports_user_errors_with_exit_code_2(
    database_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    seed_wisconsin(database_url)
    assert enrich.main(argv, stdin=io.StringIO(), stdout=io.StringIO(), database_url=database_url) == 2
    assert message in capsys.readouterr().err


def test_main_imports_a_file(database_url: str, tmp_path: Path) -> None:
    seed_wisconsin(database_url)
    path = tmp_path / "bell.csv"
    path.write_text(HEADER + "5500001,District 1,WI,2024-25,elementary,360,,,,site,high,web_scraping,\n")
    stdout = io.StringIO()
    assert enrich.main(["import", str(path)], stdin=io.StringIO(), stdout=stdout, database_url=database_url) == 0
    assert stdout.getvalue() == "import bell.csv: 1 added, 0 updated, 0 unchanged, 0 rejected\n"


def test_answers_piped_into_the_real_process_are_saved(database_url: str) -> None:
    seed_wisconsin(database_url)
    result = subprocess.run(
        [sys.executable, "-m", "lct_pipelines.cli.main", "enrich", "--district", "5500004", "--year", "2024-25"],
        input="360\n370\n380\nschool website\nm\n",
        capture_output=True,
        text=True,
        cwd=project_root(),
        env={**os.environ, "LCT_DATABASE_URL": database_url},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{FIRST}360\n{MIDDLE}370\n{HIGH}380\n{SOURCE}school website\n{CONFIDENCE}m\n" in result.stdout
    assert [(r[0], r[4], r[5], r[6], r[7]) for r in bell_rows(database_url) if r[0] == wi_leaid(4)] == [
        ("5500004", "elementary", 360.0, "school website", "medium"),
        ("5500004", "high", 380.0, "school website", "medium"),
        ("5500004", "middle", 370.0, "school website", "medium"),
    ]


def test_main_with_an_unreachable_database_says_so_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://nobody:x@127.0.0.1:{free_port()}/lct"
    assert enrich.main(["--status"], stdin=io.StringIO(), stdout=io.StringIO(), database_url=url) == 2
    assert "cannot reach the database (" in capsys.readouterr().err


def test_lct_enrich_parses_its_options_and_the_import_action() -> None:
    parser = cli_main.build_parser()
    parsed = parser.parse_args(["enrich", "import", "bell.csv"])
    assert (parsed.enrich_action, str(parsed.file)) == ("import", "bell.csv")
    parsed = parser.parse_args(["enrich", "--state", "WI", "--year", "2025-26"])
    assert (parsed.state, parsed.year, parsed.enrich_action) == ("WI", "2025-26", None)
