"""One day of platform activity on top of the demo rows: what the nightly refresh then has to apply.

Each platform table gets `fraction` of its rows as new ones (1/365 by default: a day of a year's
history), plus updates and deletes: hand-ins and reviews, corrected grades and attendance, new
teachers, students, classes, enrolments and assignments, a class handed to another teacher and
subject, an assignment moved to another class, an enrolment dropped. Written by the platform's own
statements, so the change log's triggers record it as they would in production.
"""

from __future__ import annotations

import datetime as dt

import psycopg2

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.urls import libpq_dsn

DAY_FRACTION = 1 / 365
_STEPS = ("roster", "submissions", "attendance")


def add_demo_day(database_url: str, as_of: dt.datetime, fraction: float = DAY_FRACTION, seed: float = 0.5) -> None:
    """Write one day of changes as of `as_of` (UTC), one transaction per kind; `seed` in [-1, 1] (setseed)."""
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        for step in _STEPS:
            with conn, conn.cursor() as cur:
                cur.execute(
                    load_sql(f"warehouse/demo/day/{step}.sql"), {"as_of": as_of, "fraction": fraction, "seed": seed}
                )
    finally:
        conn.close()
