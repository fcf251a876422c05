"""Hostile input, table-driven: bad bell-schedule files and bad query parameters, each with its message and exit
code, and nothing saved.

Before the fix `lct enrich import` saved unknown districts (9999999, state ZZ) and an impossible year with exit
0, dropped duplicates silently, and crashed with a traceback on a 3-letter state, a NUL byte or a field over
128 KB; `--subject-id 2147483648`, `--class-id 99999999999` and `--offset 9223372036854775808` ended in
NumericValueOutOfRange tracebacks, and LCT_WAREHOUSE_STATEMENT_TIMEOUT_MS=-1 was accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from lct_pipelines.cli.main import main
from tests.enrichment.test_campaign import seed_wisconsin
from tests.faults.state import data_state

HEADER = (
    "district_id,district_name,state,year,grade_level,instructional_minutes,start_time,end_time,"
    "lunch_duration,source,confidence,method,notes\n"
)
GOOD = "5500001,District 1,WI,2024-25,elementary,360,,,,site,high,web_scraping,\n"


def row(
    district: str = "5500002", state: str = "WI", year: str = "2024-25", minutes: str = "360", notes: str = ""
) -> str:
    return f"{district},District,{state},{year},middle,{minutes},,,,site,high,web_scraping,{notes}\n"


@dataclass(frozen=True)
class BadFile:
    name: str
    content: bytes
    exit_code: int
    message: str


BAD_FILES = [
    BadFile(
        "unknown district",
        (HEADER + GOOD + row("9999999", "ZZ")).encode(),
        1,
        "line 3 (district '9999999'): district 9999999 is in no imported NCES directory",
    ),
    BadFile(
        "state of another district",
        (HEADER + GOOD + row(state="MN")).encode(),
        1,
        "state MN does not match WI, the directory's",
    ),
    BadFile(
        "impossible year",
        (HEADER + GOOD + row(year="2023-25")).encode(),
        1,
        "year '2023-25' is not two consecutive years",
    ),
    BadFile("year without its second half", (HEADER + row(year="2024")).encode(), 1, "year '2024' is not like 2024-25"),
    BadFile(
        "three-letter state",
        (HEADER + GOOD + row(state="WIS")).encode(),
        1,
        "state 'WIS' is not a 2-letter postal code",
    ),
    BadFile(
        "NUL byte",
        (HEADER + GOOD + row(notes="a\x00b")).encode(),
        1,
        "line 3 (district '5500002'): notes holds a control character (NUL)",
    ),
    BadFile(
        "field over 2,000 characters",
        (HEADER + row(notes="x" * 5_000)).encode(),
        1,
        "notes is 5,000 characters long (at most 2,000)",
    ),
    BadFile(
        "field over 128 KB",
        (HEADER + GOOD + row(notes="x" * 140_000)).encode(),
        2,
        "line 3: not readable as CSV (field larger than field limit",
    ),
    BadFile(
        "duplicate row",
        (HEADER + GOOD + row() + row(minutes="370")).encode(),
        1,
        "line 4 (district '5500002'): duplicate of line 3 (5500002, 2024-25, middle)",
    ),
    BadFile(
        "minutes over 600", (HEADER + GOOD + row(minutes="601")).encode(), 1, "instructional_minutes 601 outside 60-600"
    ),
    BadFile(
        "minutes not a number", (HEADER + row(minutes="nan")).encode(), 1, "instructional_minutes nan outside 60-600"
    ),
    BadFile(
        "more fields than the header",
        (HEADER + GOOD.rstrip("\n") + ",extra\n").encode(),
        1,
        "line 2 (district '5500001'): the row has more fields than the header",
    ),
    BadFile(
        "quoted note over two lines, then a bad row",
        (HEADER + '5500001,D,WI,2024-25,high,360,,,,s,high,m,"two\nlines"\n' + row(minutes="59")).encode(),
        1,
        "line 4 (district '5500002'): instructional_minutes 59 outside 60-600",
    ),
    BadFile(
        "not UTF-8",
        HEADER.encode() + "5500001,Caf\u00e9,WI,2024-25,high,360,,,,s,high,m,\n".encode("latin-1"),
        2,
        "not UTF-8 text",
    ),
    BadFile(
        "missing columns",
        b"district_id,year\n5500001,2024-25\n",
        2,
        "line 1: missing column(s) grade_level, instructional_minutes, confidence",
    ),
    BadFile("empty file", b"", 2, "line 1: missing column(s)"),
    BadFile(
        "a zip archive", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xb7\x8d\xff" + bytes(range(256)), 2, "not UTF-8 text"
    ),
]


@pytest.mark.parametrize("bad", BAD_FILES, ids=[b.name for b in BAD_FILES])
def test_a_bad_bell_schedule_file_is_refused_with_file_line_and_exit_code_and_saves_nothing(
    lct_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: BadFile
) -> None:
    url = lct_env["LCT_DATABASE_URL"]
    seed_wisconsin(url)
    path = tmp_path / "bell.csv"
    path.write_bytes(bad.content)
    before = data_state(url, lct_env["LCT_DATA_DIR"])
    assert main(["enrich", "import", str(path)]) == bad.exit_code
    said = capsys.readouterr()
    output = said.out + said.err
    assert bad.message in output, output
    assert "bell.csv" in output and "Traceback" not in output
    assert data_state(url, lct_env["LCT_DATA_DIR"]) == before
    assert len(output.splitlines()) <= 3  # one line per bad row, and the verdict


def test_skip_bad_rows_saves_the_good_rows_and_still_exits_1(
    lct_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = lct_env["LCT_DATABASE_URL"]
    seed_wisconsin(url)
    path = tmp_path / "bell.csv"
    path.write_text(HEADER + GOOD + row("9999999", "ZZ"))
    before = data_state(url, lct_env["LCT_DATA_DIR"]).tables["lct.bell_schedules"][0]
    assert main(["enrich", "import", str(path), "--skip-bad-rows"]) == 1
    assert "import bell.csv: 1 added, 0 updated, 0 unchanged, 1 rejected" in capsys.readouterr().out
    assert data_state(url, lct_env["LCT_DATA_DIR"]).tables["lct.bell_schedules"][0] == before + 1


@dataclass(frozen=True)
class BadQuery:
    name: str
    argv: list[str]
    message: str
    env: dict[str, str] | None = None


BAD_QUERIES = [
    BadQuery(
        "subject id past integer",
        ["top_performers", "--subject-id", "2147483648"],
        "subject_id must be <= 2147483647, got 2147483648",
    ),
    BadQuery("class id past integer", ["class_trends", "--class-id", "99999999999"], "class_id must be <= 2147483647"),
    BadQuery(
        "offset past bigint", ["top_performers", "--offset", "9223372036854775808"], "offset must be <= 2147483647"
    ),
    BadQuery("student id zero", ["student_progress", "--student-id", "0"], "student_id must be >= 1, got 0"),
    BadQuery("page over 10,000 rows", ["class_trends", "--limit", "10001"], "use offset paging with limit <= 10000"),
    BadQuery("impossible date", ["teacher_workload", "--date-from", "2024-13-01"], "date_from must be a date"),
    BadQuery(
        "dates reversed",
        ["teacher_workload", "--date-from", "2024-05-02", "--date-to", "2024-05-01"],
        "date_from 2024-05-02 is after date_to 2024-05-01",
    ),
    BadQuery(
        "window not rolled up",
        ["top_performers", "--days-back", "45"],
        "days_back 45 is not a precomputed window; available: 7, 30, 90, 365 days",
    ),
    BadQuery(
        "injection in a choice",
        ["class_trends", "--granularity", "week'; DROP TABLE platform.students; --"],
        "invalid choice",
    ),
    BadQuery("id not a number", ["subject_comparison", "--student-id", "1 OR 1=1"], "invalid int value"),
    BadQuery(
        "negative statement timeout",
        ["attendance_vs_grades"],
        "LCT_WAREHOUSE_STATEMENT_TIMEOUT_MS (statement_timeout_ms) must be between 1 and 3600000, got -1",
        {"LCT_WAREHOUSE_STATEMENT_TIMEOUT_MS": "-1"},
    ),
    BadQuery(
        "cache TTL not a number",
        ["attendance_vs_grades"],
        "LCT_WAREHOUSE_CACHE_TTL_SECONDS must be a number (int), got 'soon'",
        {"LCT_WAREHOUSE_CACHE_TTL_SECONDS": "soon"},
    ),
    BadQuery(
        "lag threshold NaN",
        ["attendance_vs_grades"],
        "LCT_WAREHOUSE_MAX_REPLICA_LAG_SECONDS (max_replica_lag_seconds) must be a number, got nan",
        {"LCT_WAREHOUSE_MAX_REPLICA_LAG_SECONDS": "nan"},
    ),
]


def _cached_answers(redis_url: str) -> int:
    client = redis.Redis.from_url(redis_url)
    try:
        return sum(1 for _ in client.scan_iter("lct:wh:*"))
    finally:
        client.close()


@pytest.mark.parametrize("bad", BAD_QUERIES, ids=[b.name for b in BAD_QUERIES])
def test_a_bad_query_parameter_or_knob_is_refused_before_any_sql_with_exit_2(
    lct_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: BadQuery
) -> None:
    for variable, value in (bad.env or {}).items():
        monkeypatch.setenv(variable, value)
    before = (
        data_state(lct_env["LCT_DATABASE_URL"], lct_env["LCT_DATA_DIR"]),
        _cached_answers(lct_env["LCT_REDIS_URL"]),
    )
    try:
        code = main(["warehouse", *bad.argv])
    except SystemExit as stopped:  # argparse refuses a value its type or choices exclude
        code = stopped.code
    said = capsys.readouterr()
    assert code == 2
    assert bad.message in said.err, said.err
    assert "Traceback" not in said.out + said.err and said.out == ""
    assert (
        data_state(lct_env["LCT_DATABASE_URL"], lct_env["LCT_DATA_DIR"]),
        _cached_answers(lct_env["LCT_REDIS_URL"]),
    ) == before
