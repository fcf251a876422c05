"""The database side of the enrichment tool: who to ask about, what they use now, and saving the answers.

Everything reads the live tables, never only the materialized views: those refresh when the pipeline runs, and a
district saved a minute ago must not be offered again. Functions take the caller's cursor, so the caller decides
the transaction (one per save: a district's levels are written together or not at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.enrichment.bell_schedule_file import COLUMNS, LEVELS
from lct_pipelines.enrichment.store import UpsertCounts, upsert_bell_schedules
from lct_pipelines.lct.minutes import resolve_minutes
from lct_pipelines.lct.queries import CANDIDATES_SQL

METHOD_MANUAL_ENTRY = "manual_entry"
_BELL_COLUMNS = ["leaid", *(c for c in COLUMNS if c != "district_id")]


@dataclass(frozen=True)
class District:
    """A district as the tool shows it, from one directory year."""

    leaid: str
    name: str
    state: str
    school_year: str
    enrollment: float
    level_enrollment: Mapping[str, float] = field(default_factory=dict)

    def has_level(self, level: str) -> bool:
        return self.level_enrollment.get(level, 0) > 0

    @property
    def search_query(self) -> str:
        """What to paste into a search engine to find the district's schedule."""
        return f"{self.name} {self.state} bell schedule"


@dataclass(frozen=True)
class LevelMinutes:
    """The minutes the calculation would use for one level now, and where they come from."""

    level: str
    minutes: float
    source: str  # bell_schedule, state_requirement or default (lct_pipelines.lct.minutes)


@dataclass(frozen=True)
class StateCounts:
    districts: int
    enriched: int


def _district(row: tuple) -> District:
    school_year, leaid, name, state, enrollment, elementary, middle, high, _rank = row
    levels = dict(zip(LEVELS, (float(elementary), float(middle), float(high)), strict=True))
    return District(leaid, name, state, school_year, float(enrollment), levels)


def latest_school_year(cur: PgCursor) -> str | None:
    """The newest school year of the directory; None before any NCES import."""
    cur.execute(load_sql("enrichment/latest_school_year.sql"))
    return cur.fetchone()[0]


def unenriched_candidates(
    cur: PgCursor, state: str, *, limit: int | None, school_year: str | None = None
) -> list[District]:
    """The largest districts of `state` without any bell schedule (newest directory year unless given)."""
    params = {"state": state, "limit": limit, "school_year": school_year, "collect_year": None}
    cur.execute(load_sql(CANDIDATES_SQL), params)
    return [_district(row) for row in cur.fetchall()]


def find_district(cur: PgCursor, leaid: str) -> District | None:
    """The district as of its newest directory year; None when the directory never listed it."""
    cur.execute(load_sql("enrichment/district.sql"), {"leaid": leaid})
    row = cur.fetchone()
    return _district(row) if row else None


def blocked_leaids(cur: PgCursor, state: str) -> set[str]:
    """The districts of `state` marked blocked (`b` in the campaign): campaigns skip them."""
    cur.execute(load_sql("enrichment/blocked_leaids.sql"), {"state": state})
    return {row[0] for row in cur.fetchall()}


def block_district(cur: PgCursor, district: District, reason: str = "site unreachable") -> datetime:
    """Record `district` as blocked now (inside the caller's transaction); returns the time recorded."""
    now = datetime.now(UTC)
    cur.execute(
        load_sql("enrichment/block_district.sql"),
        {"leaid": district.leaid, "state": district.state, "blocked_at": now, "reason": reason},
    )
    return now


def blocked_counts(cur: PgCursor) -> dict[str, int]:
    """Blocked districts per state."""
    cur.execute(load_sql("enrichment/blocked_counts.sql"))
    return {state: int(count) for state, count in cur.fetchall()}


def directory_states(cur: PgCursor, leaids: list[str]) -> dict[str, str] | None:
    """The state each of `leaids` has in its newest imported directory year (unknown ones absent); None when
    no directory was imported at all."""
    cur.execute(load_sql("enrichment/directory_imported.sql"))
    if not cur.fetchone()[0]:
        return None
    cur.execute(load_sql("enrichment/directory_states.sql"), {"leaids": leaids})
    return dict(cur.fetchall())


def state_counts(cur: PgCursor, state: str) -> StateCounts:
    """Districts of the state in the newest directory year, and how many have a bell schedule (live)."""
    cur.execute(load_sql("enrichment/state_counts.sql"), {"state": state})
    districts, enriched = cur.fetchone()
    return StateCounts(int(districts), int(enriched))


def current_minutes(cur: PgCursor, district: District) -> list[LevelMinutes]:
    """The minutes per level the methodology resolves today (bell schedule, state requirement, 300 default)."""
    cur.execute(load_sql("enrichment/state_requirements.sql"), {"states": [district.state]})
    requirements = pd.DataFrame(
        cur.fetchall(), columns=["state", "elementary_minutes", "middle_minutes", "high_minutes"]
    )
    cur.execute(load_sql("enrichment/bell_schedules.sql"), {"leaids": [district.leaid]})
    bells = pd.DataFrame(
        cur.fetchall(), columns=["leaid", "year", "grade_level", "instructional_minutes", "confidence"]
    ).astype({"leaid": "str", "year": "str", "grade_level": "str", "confidence": "str"})
    resolved = resolve_minutes(
        pd.DataFrame({"leaid": [district.leaid], "state": [district.state]}), requirements, bells
    )
    row = resolved.iloc[0]
    return [LevelMinutes(level, float(row[f"minutes_{level}"]), str(row[f"source_{level}"])) for level in LEVELS]


def bell_schedule_rows(
    district: District, minutes: Mapping[str, float], *, year: str, source: str, confidence: str
) -> pd.DataFrame:
    """The rows an interactive save writes: one per level answered, method `manual_entry`."""
    records = [
        {
            "leaid": district.leaid,
            "district_name": district.name,
            "state": district.state,
            "year": year,
            "grade_level": level,
            "instructional_minutes": float(value),
            "start_time": None,
            "end_time": None,
            "lunch_duration": None,
            "source": source,
            "confidence": confidence,
            "method": METHOD_MANUAL_ENTRY,
            "notes": None,
        }
        for level, value in minutes.items()
    ]
    return pd.DataFrame(records, columns=_BELL_COLUMNS)


def save_district_minutes(
    cur: PgCursor, district: District, minutes: Mapping[str, float], *, year: str, source: str, confidence: str
) -> UpsertCounts:
    """Upsert the district's answered levels inside the caller's transaction (all of them or, on error, none)."""
    if not minutes:
        raise ValueError(f"no minutes to save for {district.leaid}")
    unknown = set(minutes) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown grade levels {sorted(unknown)}")
    rows = bell_schedule_rows(district, minutes, year=year, source=source, confidence=confidence)
    return upsert_bell_schedules(cur, rows)
