"""Writes of the enrichment inputs: bell-schedule upserts and the state-requirements seed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import replace_table


@dataclass
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_bell_schedules(cur: PgCursor, rows: pd.DataFrame) -> UpsertCounts:
    """Insert or update rows by (leaid, year, grade_level), inside the caller's transaction."""
    counts = UpsertCounts()
    statement = load_sql("lct/upsert_bell_schedule.sql")
    for record in rows.astype(object).where(rows.notna(), None).to_dict("records"):
        cur.execute(statement, record)
        result = cur.fetchone()
        if result is None:
            counts.unchanged += 1
        elif result[0]:
            counts.added += 1
        else:
            counts.updated += 1
    return counts


def _seed_file() -> Traversable:
    return resources.files("lct_pipelines.seeds").joinpath("state_requirements.csv")


def state_requirements_seed() -> pd.DataFrame:
    """The statutory minutes shipped with the project (lct_pipelines/seeds/state_requirements.csv)."""
    with _seed_file().open() as handle:
        return pd.read_csv(handle, dtype={"state": str, "state_name": str})


def state_requirements_seed_sha256() -> str:
    return hashlib.sha256(_seed_file().read_bytes()).hexdigest()


def load_state_requirements(cur: PgCursor) -> int:
    seed = state_requirements_seed()
    replace_table(cur, "lct.state_requirements", seed)
    return len(seed)
