"""`lct enrich` driven through its prompts with scripted answers, on a real PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import transaction
from lct_pipelines.enrichment import interactive
from lct_pipelines.enrichment.bulk_import import import_file
from lct_pipelines.enrichment.interactive import (
    EnrichmentError,
    current_school_year,
    enrich_district,
    print_status,
    run_campaign,
)
from tests.conftest import SHARED_DATA
from tests.enrichment.test_campaign import (
    WI_ENRICHED,
    WI_TOP9,
    Crafted,
    bell_rows,
    create_views,
    insert_bell,
    insert_districts,
    seed_wisconsin,
    wi_leaid,
)

SCHEDULE_YEAR = "2024-25"
FIRST = "elementary minutes (60-600; Enter skips this district, b marks it blocked): "
MIDDLE = "middle minutes (60-600): "
HIGH = "high minutes (60-600): "
SOURCE = "source [manual entry]: "
CONFIDENCE = "confidence (high/medium/low): "
FULL_DISTRICT = [FIRST, MIDDLE, HIGH, SOURCE, CONFIDENCE]
REAL_FILE = SHARED_DATA / "bell_schedules_2024_25.csv"
HEADER = (
    "district_id,district_name,state,year,grade_level,instructional_minutes,start_time,end_time,"
    "lunch_duration,source,confidence,method,notes\n"
)


class Script:
    """An `input` replacement: hands out the answers in order, records the prompts, raises exceptions given."""

    def __init__(self, *answers: str | type[BaseException]) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"prompted once more than scripted: {prompt!r}")
        answer = self.answers.pop(0)
        if isinstance(answer, type):
            raise answer
        return answer


def _row(n: int, level: str, minutes: float, source: str, confidence: str) -> tuple:
    return (wi_leaid(n), f"District {n}", "WI", SCHEDULE_YEAR, level, minutes, source, confidence, "manual_entry")


def _enriched_row() -> tuple:
    return (wi_leaid(WI_ENRICHED), None, None, SCHEDULE_YEAR, "high", 400.0, None, "high", "web_scraping")


def _campaign(url: str, script: Script, **kwargs: object) -> tuple[interactive.CampaignOutcome, str]:
    out = io.StringIO()
    outcome = run_campaign(url, "wi", year=SCHEDULE_YEAR, input_fn=script, out=out, **kwargs)
    return outcome, out.getvalue()


# --- the campaign -------------------------------------------------------------------------------------------


def test_campaign_shows_the_9_largest_unenriched_in_enrollment_order_with_their_search_query(
    database_url: str,
) -> None:
    seed_wisconsin(database_url)
    script = Script(*[""] * 9)
    outcome, out = _campaign(database_url, script)

    overview = [line for line in out.splitlines() if line.startswith("   ") and "District" in line]
    assert [line.split()[1] for line in overview] == [wi_leaid(n) for n in WI_TOP9]
    headers = [line for line in out.splitlines() if line.startswith("[")]
    assert headers[0] == "[1/9] District 4 (LEAID 5500004, WI), 30,000 K-12 students (2023-24)"
    assert [h.split()[2] for h in headers] == [str(n) for n in WI_TOP9]
    searches = [line for line in out.splitlines() if line.startswith("  search: ")]
    assert searches == [f"  search: District {n} WI bell schedule" for n in WI_TOP9]
    assert script.prompts == [FIRST] * 9
    assert [d.leaid for d in outcome.skipped] == [wi_leaid(n) for n in WI_TOP9]
    assert (outcome.saved, outcome.interrupted, outcome.exit_code) == ([], False, 0)
    assert "summary: 0 saved, 9 skipped" in out
    assert "  WI districts with a bell schedule: 1 -> 1 of 12" in out
    assert bell_rows(database_url) == [_enriched_row()]


def test_campaign_shows_each_district_current_minutes_and_their_source(database_url: str) -> None:
    seed_wisconsin(database_url)
    _, out = _campaign(database_url, Script(""), limit=1)
    assert (
        "  level       students  minutes now\n"
        "  elementary    15,000  315 (state requirement)\n"
        "  middle         6,000  379 (state requirement)\n"
        "  high           9,000  379 (state requirement)\n"
    ) in out


def test_bad_minutes_and_confidence_re_prompt_and_the_valid_retry_is_saved(database_url: str) -> None:
    seed_wisconsin(database_url)
    script = Script("abc", "59", "601", "360", "-5", "370.5", "380", "", "sure", "", "H")
    outcome, out = _campaign(database_url, script, target=1)

    assert script.prompts == [FIRST] * 4 + [MIDDLE] * 2 + [HIGH, SOURCE] + [CONFIDENCE] * 3
    assert "  'abc' is not a number of minutes (60-600); try again" in out
    assert "  instructional_minutes 59 outside 60-600; try again" in out
    assert "  instructional_minutes 601 outside 60-600; try again" in out
    assert "  '-5' is not a number of minutes (60-600); try again" in out
    assert "  'sure' is not a confidence: high, medium or low (h, m, l); try again" in out
    assert "  '' is not a confidence: high, medium or low (h, m, l); try again" in out
    assert bell_rows(database_url) == [
        _row(4, "elementary", 360.0, "manual entry", "high"),
        _row(4, "high", 380.0, "manual entry", "high"),
        _row(4, "middle", 370.5, "manual entry", "high"),
        _enriched_row(),
    ]
    assert [s.leaid for s in outcome.saved] == [wi_leaid(4)]


def test_enter_skips_a_district_and_the_campaign_stops_after_3_saves(database_url: str) -> None:
    seed_wisconsin(database_url)
    script = Script(
        "",  # District 4: skipped
        *("300", "310", "320", "district website", "m"),  # District 10
        *("330", "340", "350", "", "low"),  # District 6
        *("360", "370", "380", "  ", "h"),  # District 2
    )
    outcome, out = _campaign(database_url, script)

    assert script.prompts == [FIRST, *FULL_DISTRICT * 3]
    assert "[4/9] District 2 (" in out and "[5/9]" not in out  # District 8, next in line, is never shown
    assert [d.leaid for d in outcome.skipped] == [wi_leaid(4)]
    assert [s.leaid for s in outcome.saved] == [wi_leaid(10), wi_leaid(6), wi_leaid(2)]
    assert (outcome.enriched_before, outcome.enriched_after, outcome.exit_code) == (1, 4, 0)
    assert "3 districts saved: that is this campaign's goal." in out
    assert "summary: 3 saved, 1 skipped" in out
    assert "  saved    5500010  District 10: elementary 300, middle 310, high 320" in out
    assert "  skipped  5500004  District 4" in out
    assert "  WI districts with a bell schedule: 1 -> 4 of 12" in out
    assert bell_rows(database_url) == [
        _row(2, "elementary", 360.0, "manual entry", "high"),
        _row(2, "high", 380.0, "manual entry", "high"),
        _row(2, "middle", 370.0, "manual entry", "high"),
        _row(6, "elementary", 330.0, "manual entry", "low"),
        _row(6, "high", 350.0, "manual entry", "low"),
        _row(6, "middle", 340.0, "manual entry", "low"),
        _row(10, "elementary", 300.0, "district website", "medium"),
        _row(10, "high", 320.0, "district website", "medium"),
        _row(10, "middle", 310.0, "district website", "medium"),
        _enriched_row(),
    ]


def test_a_second_campaign_does_not_offer_the_districts_just_saved(database_url: str) -> None:
    seed_wisconsin(database_url)
    _campaign(database_url, Script("300", "310", "320", "", "h"), target=1)
    script = Script("")
    _, out = _campaign(database_url, script, limit=1)
    assert "[1/1] District 10 (LEAID 5500010" in out


def test_b_marks_a_district_blocked_with_the_time_and_later_campaigns_skip_it(database_url: str) -> None:
    seed_wisconsin(database_url)
    before = datetime.now(UTC)
    outcome, out = _campaign(database_url, Script("b", "B", ""), limit=3)
    assert [d.leaid for d in outcome.blocked] == [wi_leaid(4), wi_leaid(10)]
    assert [d.leaid for d in outcome.skipped] == [wi_leaid(6)]
    assert "summary: 0 saved, 1 skipped, 2 blocked" in out and "  blocked  5500004  District 4" in out
    engine = build_engine(database_url, pool_size=1)
    with transaction(engine) as cur:
        cur.execute("SELECT leaid, state, blocked_at, reason FROM lct.blocked_districts ORDER BY leaid")
        blocked = cur.fetchall()
    engine.dispose()
    assert [(r[0], r[1], r[3]) for r in blocked] == [
        (wi_leaid(4), "WI", "site unreachable"),
        (wi_leaid(10), "WI", "site unreachable"),
    ]
    assert all(before <= r[2] <= datetime.now(UTC) for r in blocked)
    assert bell_rows(database_url) == [_enriched_row()]  # a block saves no minutes
    _, later = _campaign(database_url, Script(""), limit=1)
    assert "[1/1] District 6 (LEAID 5500006" in later  # 4 and 10, larger, are not offered again


@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
@pytest.mark.parametrize("answered", [1, 4], ids=["after-elementary", "at-confidence"])
def test_ctrl_c_or_eof_mid_district_saves_nothing_of_it_and_keeps_the_earlier_ones(
    database_url: str, stop: type[BaseException], answered: int
) -> None:
    seed_wisconsin(database_url)
    district_10 = ["350", "360", "370", "web"][:answered]
    script = Script("300", "310", "320", "", "h", *district_10, stop)
    outcome, out = _campaign(database_url, script)

    assert script.prompts == [*FULL_DISTRICT, *FULL_DISTRICT[: answered + 1]]
    assert (outcome.interrupted, outcome.exit_code) == (True, 130)
    assert [s.leaid for s in outcome.saved] == [wi_leaid(4)]
    assert outcome.interrupted_at is not None and outcome.interrupted_at.leaid == wi_leaid(10)
    assert "interrupted: nothing of 5500010 District 10 was saved; 1 district(s) saved before are kept." in out
    assert "  WI districts with a bell schedule: 1 -> 2 of 12" in out
    assert [row[0] for row in bell_rows(database_url)] == [wi_leaid(4)] * 3 + [wi_leaid(WI_ENRICHED)]


def test_campaign_before_any_import_for_an_absent_or_malformed_state_is_an_error(database_url: str) -> None:
    with pytest.raises(EnrichmentError, match="no NCES directory imported yet"):
        run_campaign(database_url, "WI", input_fn=Script(), out=io.StringIO())
    seed_wisconsin(database_url)
    with pytest.raises(EnrichmentError, match="no district of TX in the 2023-24 directory"):
        run_campaign(database_url, "TX", input_fn=Script(), out=io.StringIO())
    with pytest.raises(EnrichmentError, match="not a 2-letter postal code"):
        run_campaign(database_url, "Wisconsin", input_fn=Script(), out=io.StringIO())


def test_campaign_saves_for_the_current_school_year_by_default(database_url: str) -> None:
    seed_wisconsin(database_url)
    run_campaign(database_url, "WI", input_fn=Script("300", "310", "320", "", "h"), out=io.StringIO(), target=1)
    assert {row[3] for row in bell_rows(database_url) if row[0] == wi_leaid(4)} == {current_school_year()}


# --- one district -------------------------------------------------------------------------------------------


def test_district_accepts_an_unpadded_or_padded_leaid(database_url: str) -> None:
    insert_districts(database_url, [Crafted("0100005", "Albertville City", "AL", 100, 50, 60)])
    for leaid, minutes in (("100005", "300"), ("0100005", "310")):
        outcome = enrich_district(
            database_url,
            leaid,
            year=SCHEDULE_YEAR,
            input_fn=Script(minutes, "320", "330", "", "l"),
            out=io.StringIO(),
        )
        assert [s.leaid for s in outcome.saved] == ["0100005"]
    assert [(r[0], r[4], r[5], r[7]) for r in bell_rows(database_url)] == [
        ("0100005", "elementary", 310.0, "low"),
        ("0100005", "high", 330.0, "low"),
        ("0100005", "middle", 320.0, "low"),
    ]


@pytest.mark.parametrize("leaid", ["5599999", "12345678", "55-001"])
def test_district_with_an_unknown_or_malformed_leaid_is_an_error(database_url: str, leaid: str) -> None:
    seed_wisconsin(database_url)
    with pytest.raises(EnrichmentError, match="LEAID"):
        enrich_district(database_url, leaid, input_fn=Script(), out=io.StringIO())


def test_a_level_without_students_may_be_left_out_but_one_with_students_is_required(database_url: str) -> None:
    insert_districts(
        database_url,
        [Crafted("5500001", "High Only", high=900), Crafted("5500002", "Unified", elementary=1, middle=2, high=3)],
    )
    high_only = Script("390", "", "", "", "m")
    enrich_district(database_url, "5500001", year=SCHEDULE_YEAR, input_fn=high_only, out=io.StringIO())
    assert high_only.prompts == [
        "high minutes (60-600; Enter skips this district, b marks it blocked): ",
        "elementary minutes (60-600; Enter: none, no elementary students): ",
        "middle minutes (60-600; Enter: none, no middle students): ",
        SOURCE,
        CONFIDENCE,
    ]
    unified = Script("300", "", "310", "320", "", "h")
    out = io.StringIO()
    enrich_district(database_url, "5500002", year=SCHEDULE_YEAR, input_fn=unified, out=out)
    assert unified.prompts == [FIRST, MIDDLE, MIDDLE, HIGH, SOURCE, CONFIDENCE]
    assert "  middle is required: the district has 2 middle students; try again" in out.getvalue()
    assert [(r[0], r[4], r[5]) for r in bell_rows(database_url)] == [
        ("5500001", "high", 390.0),
        ("5500002", "elementary", 300.0),
        ("5500002", "high", 320.0),
        ("5500002", "middle", 310.0),
    ]


def test_district_shows_a_bell_schedule_it_already_has_and_updates_it(database_url: str) -> None:
    seed_wisconsin(database_url)
    insert_bell(database_url, wi_leaid(4), "middle", 350, year=SCHEDULE_YEAR)
    out = io.StringIO()
    outcome = enrich_district(
        database_url, "5500004", year=SCHEDULE_YEAR, input_fn=Script("300", "355", "379", "", "h"), out=out
    )
    assert "  middle         6,000  350 (bell schedule)" in out.getvalue()
    counts = outcome.saved[0].counts
    assert (counts.added, counts.updated, counts.unchanged) == (2, 1, 0)


def test_district_interrupted_saves_nothing_and_exits_130(database_url: str) -> None:
    seed_wisconsin(database_url)
    out = io.StringIO()
    outcome = enrich_district(
        database_url, "5500004", year=SCHEDULE_YEAR, input_fn=Script("300", KeyboardInterrupt), out=out
    )
    assert (outcome.interrupted, outcome.exit_code, outcome.saved) == (True, 130, [])
    assert "interrupted: nothing of 5500004 District 4 was saved; none was saved before." in out.getvalue()
    assert bell_rows(database_url) == [_enriched_row()]


# --- status -------------------------------------------------------------------------------------------------


def test_status_prints_the_progress_table_of_every_state_or_one(database_url: str) -> None:
    seed_wisconsin(database_url)
    insert_districts(database_url, [Crafted(f"170000{n}", f"IL {n}", "IL", high=10) for n in range(2, 5)])
    for n in range(2, 5):
        insert_bell(database_url, f"170000{n}", "high", 360)
    create_views(database_url, "mv_state_enrichment_progress")
    enrich_district(database_url, "5500007", year=SCHEDULE_YEAR, input_fn=Script("b"), out=io.StringIO())
    out = io.StringIO()
    assert print_status(database_url, out=out) == 0
    assert out.getvalue() == (
        "bell-schedule campaign, 2023-24 directory (as of the last pipeline run; blocked: now)\n"
        "state  districts  enriched  blocked  percent  complete\n"
        "IL             4         3        0   75.00%  yes\n"
        "WI            12         1        1    8.33%\n"
        "1 of 2 states complete\n"
    )
    one = io.StringIO()
    print_status(database_url, "wi", out=one)
    assert one.getvalue().splitlines()[2:] == ["WI            12         1        1    8.33%"]


def test_status_before_the_first_pipeline_run_or_for_an_unknown_state_is_an_error(database_url: str) -> None:
    seed_wisconsin(database_url)
    with pytest.raises(EnrichmentError, match=r"lct.mv_state_enrichment_progress does not exist yet"):
        print_status(database_url, out=io.StringIO())
    create_views(database_url, "mv_state_enrichment_progress")
    with pytest.raises(EnrichmentError, match="no districts for TX"):
        print_status(database_url, "TX", out=io.StringIO())


# --- import -------------------------------------------------------------------------------------------------


def test_importing_the_81_real_schedules_adds_them_and_a_reimport_changes_nothing(database_url: str) -> None:
    if not REAL_FILE.exists():
        pytest.skip(f"{REAL_FILE} not present (a user's clone has no shared/ folder)")
    with REAL_FILE.open() as handle:  # their districts, as an imported directory would list them
        known = {(row["district_id"].zfill(7), row["state"]) for row in csv.DictReader(handle)}
    insert_districts(database_url, [Crafted(leaid, leaid, state) for leaid, state in sorted(known)])
    out = io.StringIO()
    first = import_file(database_url, REAL_FILE, out=out)
    again = import_file(database_url, REAL_FILE, out=out)
    assert (first.added, first.updated, first.unchanged, first.rejected, first.exit_code) == (81, 0, 0, [], 0)
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 81, [])
    assert out.getvalue().splitlines() == [
        "import bell_schedules_2024_25.csv: 81 added, 0 updated, 0 unchanged, 0 rejected",
        "import bell_schedules_2024_25.csv: 0 added, 0 updated, 81 unchanged, 0 rejected",
    ]
    assert len(bell_rows(database_url)) == 81


def test_import_with_a_bad_row_saves_nothing_names_file_and_line_and_skip_bad_rows_saves_the_others(
    database_url: str, tmp_path: Path
) -> None:
    seed_wisconsin(database_url)
    path = tmp_path / "bell.csv"
    path.write_text(
        HEADER
        + "5500001,District 1,WI,2024-25,elementary,360,,,,site,high,web_scraping,\n"
        + "5500002,District 2,WI,2024-25,middle,601,,,,site,high,web_scraping,\n"
        + "5500003,District 3,wi,2024-25,high,380,,,,site,m,web_scraping,\n"
    )
    out = io.StringIO()
    outcome = import_file(database_url, path, out=out)
    assert (outcome.saved, outcome.added, outcome.exit_code) == (False, 0, 1)
    assert [(r.line, r.district_id) for r in outcome.rejected] == [(3, "5500002"), (4, "5500003")]
    assert out.getvalue().splitlines() == [
        "bell.csv, line 3 (district '5500002'): instructional_minutes 601 outside 60-600",
        "bell.csv, line 4 (district '5500003'): confidence 'm' is not one of high, medium, low",
        "import bell.csv: nothing saved: 2 bad row(s); fix them, or pass --skip-bad-rows to save the 1 good row(s)",
    ]
    assert bell_rows(database_url) == [_enriched_row()]
    skipped = import_file(database_url, path, skip_bad_rows=True, out=io.StringIO())
    assert (skipped.saved, skipped.added, skipped.exit_code) == (True, 1, 1)
    assert ("5500001", "elementary", 360.0) in [(r[0], r[4], r[5]) for r in bell_rows(database_url)]


def test_import_of_a_missing_or_unreadable_file_is_an_error(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(EnrichmentError, match="no such file"):
        import_file(database_url, tmp_path / "absent.csv", out=io.StringIO())
    bad = tmp_path / "bad.csv"
    bad.write_text("district_id,year\n1,2024-25\n")
    with pytest.raises(EnrichmentError, match="missing column"):
        import_file(database_url, bad, out=io.StringIO())


# --- values -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2026, 11, 24), "2026-27"), (date(2025, 7, 31), "2024-25"), (date(2025, 8, 1), "2025-26")],
)
def test_current_school_year_starts_in_august(today: date, year: str) -> None:
    assert current_school_year(today) == year


@pytest.mark.parametrize("year", ["2024", "2024-26", "24-25", "2099-01"])
def test_a_malformed_year_is_refused(database_url: str, year: str) -> None:
    with pytest.raises(EnrichmentError, match="not a school year"):
        run_campaign(database_url, "WI", year=year, input_fn=Script(), out=io.StringIO())
