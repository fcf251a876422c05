"""The rollups: incrementally maintained tables in `analytics`, created idempotently, read without blocking.

Each rollup's SQL lives in `sql/warehouse/rollups/<name>.sql` (table, generated columns, unique index,
query indexes, and a header saying what one row is); its full build in `sql/warehouse/rollups/build/`.
Why tables and not materialized views, and how they are kept up to date: `warehouse/incremental.py`
and docs/warehouse.md.
"""

from __future__ import annotations

from typing import Any

from psycopg2 import sql as pgsql
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.db.matviews import count_rows
from lct_pipelines.db.sqlfiles import compose_sql, load_sql

ANALYTICS_SCHEMA = "analytics"

# The four rollups of the specification.
SPEC_ROLLUPS = ("student_grade_summary", "class_progress_summary", "teacher_workload", "subject_performance")
# Read by no query: the basis of a count another rollup holds.
INTERNAL_ROLLUPS = ("student_class_week", "subject_students")
# Every rollup, each after the rollups it reads (the order of the full build and of the assets' outputs).
ROLLUPS: list[str] = [
    "subject_students",
    "student_class_week",
    "teacher_daily_workload",
    "student_grade_summary",
    "class_progress_summary",
    "teacher_workload",
    "subject_performance",
    "student_attendance_windows",
    "student_attendance_grades",
    "student_subject_windows",
    "student_engagement_windows",
    "class_period_trends",
]
# What each rollup is computed from (lineage): platform tables and other rollups. The grade rollups read
# the submissions through their assignments (a submission's class); class, subject and teacher
# attributions through classes.
_SUBMISSIONS = ["assignments", "submissions"]
ROLLUP_INPUTS: dict[str, dict[str, list[str]]] = {
    "subject_students": {"platform": ["class_enrollments", "classes"], "analytics": []},
    "teacher_daily_workload": {"platform": [*_SUBMISSIONS, "classes"], "analytics": []},
    "student_grade_summary": {"platform": [*_SUBMISSIONS, "classes"], "analytics": []},
    "class_progress_summary": {
        "platform": [*_SUBMISSIONS, "class_enrollments", "classes"],
        "analytics": ["student_class_week"],
    },
    "teacher_workload": {"platform": ["teachers"], "analytics": ["teacher_daily_workload"]},
    "subject_performance": {"platform": [*_SUBMISSIONS, "classes", "subjects"], "analytics": ["subject_students"]},
    "student_attendance_windows": {"platform": [*_SUBMISSIONS, "attendance"], "analytics": []},
    "student_attendance_grades": {"platform": [], "analytics": ["student_attendance_windows"]},
    "student_subject_windows": {"platform": [*_SUBMISSIONS, "classes"], "analytics": []},
    "student_engagement_windows": {"platform": ["submissions"], "analytics": []},
    "class_period_trends": {"platform": _SUBMISSIONS, "analytics": []},
    "student_class_week": {"platform": _SUBMISSIONS, "analytics": []},
}
# How many leading columns of each rollup form its unique key (the build inserts in that order).
KEY_COLUMNS: dict[str, int] = {
    "subject_students": 2,
    "teacher_daily_workload": 2,
    "student_grade_summary": 2,
    "class_progress_summary": 1,
    "teacher_workload": 1,
    "subject_performance": 1,
    "student_attendance_windows": 1,
    "student_attendance_grades": 2,
    "student_subject_windows": 3,
    "student_engagement_windows": 2,
    "class_period_trends": 3,
    "student_class_week": 2,
}
# Rollups without a unique index: their key is kept by the refresh (deltas grouped by KEY_COLUMNS, one refresh
# at a time), as a unique index would double the index writes of their nightly updates (see their SQL files).
KEYED_BY_REFRESH = ("student_subject_windows",)
# Rollups of earlier versions (materialized views) that no longer exist: dropped on deploy.
OBSOLETE = ("student_class_bands",)
STATE_TABLE = "refresh_state"


def _check(name: str) -> None:
    if name not in ROLLUPS:
        raise ValueError(f"unknown rollup {name!r}; known: {', '.join(ROLLUPS)}")


def view_inputs(name: str) -> dict[str, list[str]]:
    """What rollup `name` is computed from: {'platform': [tables], 'analytics': [rollups]} (lineage)."""
    _check(name)
    return {schema: sorted(relations) for schema, relations in ROLLUP_INPUTS[name].items()}


def view_header(name: str) -> str:
    """The comment block that opens the rollup's SQL file: what one row is and what each column means."""
    _check(name)
    lines = []
    for line in load_sql(f"warehouse/rollups/{name}.sql").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].rstrip().removeprefix(" "))
    return "\n".join(lines)


def rollup_identifier(name: str) -> pgsql.Identifier:
    _check(name)
    return pgsql.Identifier(ANALYTICS_SCHEMA, name)


def create_views(conn: PgConnection) -> list[str]:
    """Create every missing rollup table with its indexes (empty), grant the reader, commit; returns the new ones.

    A rollup still present as a materialized view (an earlier version) is dropped and created as a table.
    When anything was created the refresh state is cleared, so the next refresh rebuilds everything.
    """
    with conn.cursor() as cur:
        cur.execute(load_sql("warehouse/existing_rollups.sql"))
        existing = {name: kind for name, kind in cur.fetchall()}
        for name, kind in existing.items():
            if kind == "m" and (name in ROLLUPS or name in OBSOLETE):
                cur.execute(compose_sql("warehouse/drop_matview.sql", view=pgsql.Identifier(ANALYTICS_SCHEMA, name)))
        created = [name for name in ROLLUPS if existing.get(name) != "r"]
        for name in ROLLUPS:
            cur.execute(load_sql(f"warehouse/rollups/{name}.sql"))
        cur.execute(load_sql("warehouse/rollups/refresh_state.sql"))
        if created:
            cur.execute(load_sql("warehouse/state/clear.sql"))
        # Default privileges cover tables created by the migrating role only; grant explicitly for any owner.
        cur.execute(load_sql("warehouse/grant_reader.sql"))
    conn.commit()
    return created


def view_statistics(conn: PgConnection) -> list[dict[str, Any]]:
    """Size and row count of every rollup and platform table.

    Sizes are pg_total_relation_size (heap + indexes + TOAST). Row counts: exact count(*) for the
    rollups; the catalog estimate pg_class.reltuples for the platform tables (ANALYZEd after each
    load), or count(*) when never analysed.
    """
    with conn.cursor() as cur:
        cur.execute(load_sql("warehouse/relation_sizes.sql"), {"rollups": list(ROLLUPS)})
        columns = [d.name for d in cur.description]
        relations = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        for rel in relations:
            if rel["schema"] == ANALYTICS_SCHEMA or rel["estimated_rows"] < 0:
                relation = pgsql.Identifier(rel["schema"], rel["name"])
                rel["row_count"], rel["row_count_exact"] = count_rows(cur, relation), True
            else:
                rel["row_count"], rel["row_count_exact"] = int(rel["estimated_rows"]), False
            del rel["estimated_rows"]
    conn.commit()
    return relations


def view_columns(conn: PgConnection) -> dict[str, list[tuple[str, str]]]:
    """Each existing rollup's (column, SQL type) pairs, in column order."""
    columns: dict[str, list[tuple[str, str]]] = {}
    with conn.cursor() as cur:
        cur.execute(load_sql("warehouse/view_columns.sql"), {"rollups": list(ROLLUPS)})
        for view, column, kind in cur.fetchall():
            columns.setdefault(view, []).append((column, kind))
    conn.commit()
    return columns


def stored_columns(conn: PgConnection, name: str) -> list[str]:
    """The rollup's columns a build writes (every column but the generated ones), in table order."""
    with conn.cursor() as cur:
        cur.execute(load_sql("warehouse/stored_columns.sql"), {"relation": f"{ANALYTICS_SCHEMA}.{name}"})
        return [row[0] for row in cur.fetchall()]
