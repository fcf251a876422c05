"""The enrichment tool's database side on a real PostgreSQL: the work list, the minutes shown, atomic saves.

The crafted-data helpers here (`seed_wisconsin`, `insert_*`, `bell_rows`, `create_views`) are shared by
test_interactive.py and tests/lct/test_queries.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import psycopg2
import pytest
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.matviews import ensure_and_refresh
from lct_pipelines.db.staging import transaction
from lct_pipelines.enrichment.campaign import (
    District,
    LevelMinutes,
    current_minutes,
    find_district,
    latest_school_year,
    save_district_minutes,
    state_counts,
    unenriched_candidates,
)

YEAR = "2023-24"
OLDER_YEAR = "2022-23"
# WI district number -> K-12 students; 12 is the state's one enriched district.
WI_SIZES = {1: 5000, 2: 12000, 3: 800, 4: 30000, 5: 7000, 6: 15000, 7: 2500, 8: 9000, 9: 400, 10: 20000, 11: 1200}
WI_ENRICHED = 12
# The 9 largest unenriched WI districts, largest first.
WI_TOP9 = [4, 10, 6, 2, 8, 5, 1, 7, 11]
WI_MINUTES = (315.0, 379.0, 379.0)


@dataclass(frozen=True)
class Crafted:
    """One district of the directory, with its enrollment bands (no membership row when `membership` is False)."""

    leaid: str
    name: str
    state: str = "WI"
    elementary: float = 0.0
    middle: float = 0.0
    high: float = 0.0
    school_year: str = YEAR
    membership: bool = True


def wi(n: int, school_year: str = YEAR) -> Crafted:
    """WI district n of WI_SIZES: half elementary, a fifth middle, the rest high."""
    total = WI_SIZES.get(n, 50000)
    elementary, middle = total // 2, total // 5
    return Crafted(f"55{n:05d}", f"District {n}", "WI", elementary, middle, total - elementary - middle, school_year)


def wi_leaid(n: int) -> str:
    return f"55{n:05d}"


def _cursor_run(url: str, statement: str, rows: Iterable[dict[str, object]]) -> None:
    engine = build_engine(url, pool_size=1)
    try:
        with transaction(engine) as cur:
            for row in rows:
                cur.execute(statement, row)
    finally:
        engine.dispose()


def insert_districts(url: str, districts: Iterable[Crafted]) -> None:
    districts = list(districts)
    _cursor_run(
        url,
        "INSERT INTO nces.lea_directory (school_year, leaid, state, lea_name) "
        "VALUES (%(school_year)s, %(leaid)s, %(state)s, %(name)s)",
        [vars(d) for d in districts],
    )
    _cursor_run(
        url,
        "INSERT INTO nces.lea_enrollment (school_year, leaid, enrollment_k12, enrollment_elementary, "
        "enrollment_middle, enrollment_high, enrollment_secondary) VALUES (%(school_year)s, %(leaid)s, "
        "%(elementary)s + %(middle)s + %(high)s, %(elementary)s, %(middle)s, %(high)s, %(middle)s + %(high)s)",
        [vars(d) for d in districts if d.membership],
    )


def insert_requirements(url: str, rows: Iterable[tuple[str, str, float, float, float]]) -> None:
    _cursor_run(
        url,
        "INSERT INTO lct.state_requirements (state, state_name, elementary_minutes, middle_minutes, high_minutes) "
        "VALUES (%(s)s, %(n)s, %(e)s, %(m)s, %(h)s)",
        [dict(zip("snemh", row, strict=True)) for row in rows],
    )


def insert_bell(
    url: str, leaid: str, level: str, minutes: float, *, year: str = "2024-25", confidence: str = "high"
) -> None:
    _cursor_run(
        url,
        "INSERT INTO lct.bell_schedules (leaid, year, grade_level, instructional_minutes, confidence, method) "
        "VALUES (%(leaid)s, %(year)s, %(level)s, %(minutes)s, %(confidence)s, 'web_scraping')",
        [{"leaid": leaid, "year": year, "level": level, "minutes": minutes, "confidence": confidence}],
    )


def insert_staff(url: str, rows: Iterable[tuple[str, str, str, float | None]]) -> None:
    """(school_year, leaid, category, fte) rows of nces.lea_staff."""
    _cursor_run(
        url,
        "INSERT INTO nces.lea_staff (school_year, leaid, category, tier, fte) "
        "VALUES (%(y)s, %(l)s, %(c)s, 'teacher', %(f)s)",
        [dict(zip("ylcf", row, strict=True)) for row in rows],
    )


def bell_rows(url: str) -> list[tuple]:
    """(leaid, district_name, state, year, grade_level, minutes, source, confidence, method), sorted."""
    engine = build_engine(url, pool_size=1)
    try:
        with transaction(engine) as cur:
            cur.execute(
                "SELECT leaid, district_name, state, year, grade_level, instructional_minutes, source, confidence, "
                "method FROM lct.bell_schedules ORDER BY leaid, year, grade_level"
            )
            return [tuple(row) for row in cur.fetchall()]
    finally:
        engine.dispose()


def create_views(url: str, *views: str) -> None:
    """Create (or refresh) the named lct views from their SQL files, as the pipeline does."""
    engine = build_engine(url, pool_size=1)
    try:
        with transaction(engine) as cur:
            for view in views:
                ensure_and_refresh(cur, f"lct.{view}", f"lct/views/{view}.sql")
    finally:
        engine.dispose()


def seed_wisconsin(url: str) -> None:
    """11 unenriched WI districts + 1 enriched, a bigger IL district, a WI district only in an older year."""
    insert_districts(
        url,
        [
            *(wi(n) for n in [*WI_SIZES, WI_ENRICHED]),
            wi(99, school_year=OLDER_YEAR),
            Crafted("1700001", "Chicago-ish", "IL", 100000, 50000, 60000),
        ],
    )
    insert_requirements(url, [("WI", "Wisconsin", *WI_MINUTES), ("IL", "Illinois", 300, 330, 360)])
    insert_bell(url, wi_leaid(WI_ENRICHED), "high", 400)


@pytest.fixture
def cursor(database_url: str):
    engine = build_engine(database_url, pool_size=1)
    with transaction(engine) as cur:
        yield cur
    engine.dispose()


def _leaids(districts: list[District]) -> list[str]:
    return [d.leaid for d in districts]


def test_candidates_are_the_largest_unenriched_of_the_newest_year_largest_first(database_url: str) -> None:
    seed_wisconsin(database_url)
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        top = unenriched_candidates(cur, "WI", limit=9)
        everyone = unenriched_candidates(cur, "WI", limit=None)
        older = unenriched_candidates(cur, "WI", limit=None, school_year=OLDER_YEAR)
    engine.dispose()
    assert _leaids(top) == [wi_leaid(n) for n in WI_TOP9]
    assert _leaids(everyone) == [wi_leaid(n) for n in [*WI_TOP9, 3, 9]]
    assert _leaids(older) == [wi_leaid(99)]
    assert top[0] == District(
        "5500004", "District 4", "WI", YEAR, 30000.0, {"elementary": 15000.0, "middle": 6000.0, "high": 9000.0}
    )
    assert top[0].search_query == "District 4 WI bell schedule"


def test_a_district_saved_after_the_view_refresh_is_no_longer_a_candidate(database_url: str) -> None:
    seed_wisconsin(database_url)
    create_views(database_url, "mv_unenriched_districts")
    insert_bell(database_url, wi_leaid(4), "elementary", 360)
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        top = unenriched_candidates(cur, "WI", limit=3)
        cur.execute("SELECT count(*) FROM lct.mv_unenriched_districts WHERE leaid = '5500004'")
        still_in_view = cur.fetchone()[0]
    engine.dispose()
    assert still_in_view == 1
    assert _leaids(top) == [wi_leaid(10), wi_leaid(6), wi_leaid(2)]


def test_a_district_without_membership_counts_zero_students_and_comes_last(database_url: str) -> None:
    insert_districts(
        database_url,
        [Crafted("5500001", "No Members", membership=False), Crafted("5500002", "Small", elementary=10)],
    )
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        candidates = unenriched_candidates(cur, "WI", limit=None)
    engine.dispose()
    assert [(d.leaid, d.enrollment) for d in candidates] == [("5500002", 10.0), ("5500001", 0.0)]


def test_current_minutes_take_bell_schedule_then_state_requirement_then_default(database_url: str) -> None:
    seed_wisconsin(database_url)
    insert_districts(database_url, [Crafted("1100030", "DC Public", "DC", 100, 100, 100)])
    insert_bell(database_url, wi_leaid(4), "middle", 350, year="2023-24", confidence="high")
    insert_bell(database_url, wi_leaid(4), "middle", 340, year="2024-25", confidence="low")
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        wisconsin = current_minutes(cur, find_district(cur, wi_leaid(4)))
        dc = current_minutes(cur, find_district(cur, "1100030"))
    engine.dispose()
    assert wisconsin == [
        LevelMinutes("elementary", 315.0, "state_requirement"),
        LevelMinutes("middle", 340.0, "bell_schedule"),
        LevelMinutes("high", 379.0, "state_requirement"),
    ]
    assert dc == [LevelMinutes(level, 300.0, "default") for level in ("elementary", "middle", "high")]


def test_find_district_uses_its_newest_directory_year_and_none_when_unknown(database_url: str) -> None:
    insert_districts(
        database_url,
        [Crafted("5500001", "Old Name", elementary=5, school_year=OLDER_YEAR), Crafted("5500001", "New Name", high=7)],
    )
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        found = find_district(cur, "5500001")
        missing = find_district(cur, "5599999")
        newest = latest_school_year(cur)
    engine.dispose()
    assert found == District("5500001", "New Name", "WI", YEAR, 7.0, {"elementary": 0.0, "middle": 0.0, "high": 7.0})
    assert missing is None
    assert newest == YEAR


def test_state_counts_read_the_live_bell_schedules(database_url: str) -> None:
    seed_wisconsin(database_url)
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        before = state_counts(cur, "WI")
    insert_bell(database_url, wi_leaid(3), "high", 380)
    with transaction(engine) as cur:
        after = state_counts(cur, "WI")
        nowhere = state_counts(cur, "TX")
    engine.dispose()
    assert (before.districts, before.enriched) == (12, 1)
    assert (after.districts, after.enriched) == (12, 2)
    assert (nowhere.districts, nowhere.enriched) == (0, 0)


def test_save_writes_the_answered_levels_with_method_manual_entry(database_url: str) -> None:
    seed_wisconsin(database_url)
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        district = find_district(cur, wi_leaid(4))
        counts = save_district_minutes(
            cur, district, {"elementary": 360, "high": 380.5}, year="2024-25", source="site", confidence="medium"
        )
    engine.dispose()
    assert (counts.added, counts.updated, counts.unchanged) == (2, 0, 0)
    assert [row for row in bell_rows(database_url) if row[0] == "5500004"] == [
        ("5500004", "District 4", "WI", "2024-25", "elementary", 360.0, "site", "medium", "manual_entry"),
        ("5500004", "District 4", "WI", "2024-25", "high", 380.5, "site", "medium", "manual_entry"),
    ]


def test_a_failing_level_leaves_none_of_the_district_saved(database_url: str) -> None:
    seed_wisconsin(database_url)
    engine = build_engine(database_url)
    # 2000 minutes breaks the table's check constraint on the second row: the first must roll back with it.
    with pytest.raises(psycopg2.errors.CheckViolation), transaction(engine) as cur:
        district = find_district(cur, wi_leaid(4))
        save_district_minutes(
            cur, district, {"elementary": 360, "middle": 2000}, year="2024-25", source="s", confidence="high"
        )
    engine.dispose()
    assert [row[0] for row in bell_rows(database_url)] == [wi_leaid(WI_ENRICHED)]


def test_save_refuses_no_minutes_and_unknown_levels(cursor: PgCursor) -> None:
    district = District("5500001", "D", "WI", YEAR, 1.0, {"elementary": 1.0, "middle": 0.0, "high": 0.0})
    with pytest.raises(ValueError, match="no minutes"):
        save_district_minutes(cursor, district, {}, year="2024-25", source="s", confidence="high")
    with pytest.raises(ValueError, match="unknown grade levels"):
        save_district_minutes(cursor, district, {"kindergarten": 300}, year="2024-25", source="s", confidence="high")
