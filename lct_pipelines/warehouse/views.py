"""The rollups: materialized views in `analytics`, created idempotently and refreshed without blocking readers.

Each view's SQL (definition, unique index, query indexes, and a header saying
what one row is) lives in `sql/warehouse/views/<name>.sql`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from psycopg2 import sql as pgsql
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.db.matviews import count_rows, matview_populated, refresh_matview
from lct_pipelines.db.sqlfiles import compose_sql, load_sql

ANALYTICS_SCHEMA = "analytics"

# The four rollups of the specification.
SPEC_ROLLUPS = ("student_grade_summary", "class_progress_summary", "teacher_workload", "subject_performance")
# Read by no query, so refreshed plainly (no diff against the old rows: ~3x faster); five rollups are
# built from it, so the 2,000,000 submissions are scanned once instead of five times per refresh.
INTERNAL_ROLLUPS = ("student_class_bands",)
# Which rollups each one is built from: refresh those first.
ROLLUP_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "student_grade_summary": ("student_class_bands",),
    "class_progress_summary": ("student_class_bands",),
    "subject_performance": ("student_class_bands",),
    "student_attendance_grades": ("student_class_bands",),
    "student_subject_windows": ("student_class_bands",),
    "teacher_workload": ("teacher_daily_workload",),
}
# Every rollup after the ones it reads (a valid sequential refresh order). teacher_daily_workload feeds
# teacher_workload and answers the teacher_workload query; the last four exist so queries stay under 20 ms.
ROLLUPS: list[str] = [
    "student_class_bands",
    "teacher_daily_workload",
    "student_grade_summary",
    "class_progress_summary",
    "teacher_workload",
    "subject_performance",
    "student_attendance_grades",
    "student_subject_windows",
    "student_engagement_windows",
    "class_period_trends",
]


_READS = re.compile(r"\b(platform|analytics)\.([a-z_][a-z0-9_]*)\b")


def view_inputs(name: str) -> dict[str, list[str]]:
    """What rollup `name` reads, from its SQL file: {'platform': [tables], 'analytics': [rollups]} (lineage)."""
    if name not in ROLLUPS:
        raise ValueError(f"unknown rollup {name!r}; known: {', '.join(ROLLUPS)}")
    code = "\n".join(line.split("--", 1)[0] for line in load_sql(f"warehouse/views/{name}.sql").splitlines())
    reads: dict[str, set[str]] = {"platform": set(), "analytics": set()}
    for schema, relation in _READS.findall(code):
        if (schema, relation) != (ANALYTICS_SCHEMA, name):
            reads[schema].add(relation)
    return {schema: sorted(relations) for schema, relations in reads.items()}


def view_header(name: str) -> str:
    """The comment block that opens the rollup's SQL file: what one row is and what each column means."""
    lines = []
    for line in load_sql(f"warehouse/views/{name}.sql").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].rstrip().removeprefix(" "))
    return "\n".join(lines)


def _checked(name: str) -> str:
    if name not in ROLLUPS:
        raise ValueError(f"unknown rollup {name!r}; known: {', '.join(ROLLUPS)}")
    return name


def _view(name: str) -> pgsql.Identifier:
    return pgsql.Identifier(ANALYTICS_SCHEMA, _checked(name))


def create_views(conn: PgConnection) -> list[str]:
    """Create every missing rollup with its indexes (populated), grant the reader, commit; returns the new ones."""
    created = []
    with conn.cursor() as cur:
        cur.execute(load_sql("warehouse/existing_rollups.sql"))
        existing = {row[0] for row in cur.fetchall()}
        for name in ROLLUPS:
            cur.execute(load_sql(f"warehouse/views/{name}.sql"))
            if name not in existing:
                created.append(name)
        # Default privileges cover views created by the migrating role only; grant explicitly for any owner.
        cur.execute(load_sql("warehouse/grant_reader.sql"))
    conn.commit()
    return created


def is_populated(conn: PgConnection, name: str) -> bool:
    with conn.cursor() as cur:
        populated = matview_populated(cur, f"{ANALYTICS_SCHEMA}.{_checked(name)}")
    if populated is None:
        raise LookupError(f"rollup analytics.{name} does not exist; run create_views first")
    return populated


def has_rows(conn: PgConnection, name: str) -> bool:
    """Whether the (populated) rollup holds at least one row."""
    with conn.cursor() as cur:
        cur.execute(compose_sql("warehouse/rollup_has_rows.sql", view=_view(name)))
        return bool(cur.fetchone()[0])


def refresh_view(conn: PgConnection, name: str, concurrently: bool = True) -> dict[str, Any]:
    """Refresh one rollup and commit, then VACUUM (ANALYZE) it; CONCURRENTLY unless it holds no row.

    CONCURRENTLY (readers never blocked) refuses a view that holds no data (created WITH NO DATA or
    emptied by REFRESH ... WITH NO DATA), so that first refresh runs plainly. A populated view without
    a row (created before the platform had data, as `lct up` does on deploy) is refreshed plainly too:
    readers have nothing to keep reading meanwhile, and diffing against nothing costs twice the time
    (measured: every rollup at 20,000 students, 17 s plainly against 35 s concurrently). The vacuum
    sets the visibility map, so the ranking queries run as index-only scans, and the analyze gives the
    planner the new data's statistics; neither blocks readers (the vacuum does not truncate: that would).
    """
    view = _view(name)
    concurrent = concurrently and is_populated(conn, name) and has_rows(conn, name)
    conn.commit()  # leave the catalog read's transaction: the refresh gets its own
    started = time.perf_counter()
    with conn.cursor() as cur:
        refresh_matview(cur, f"{ANALYTICS_SCHEMA}.{name}", concurrently=concurrent)
    conn.commit()
    refreshed = time.perf_counter()
    autocommit, conn.autocommit = conn.autocommit, True  # VACUUM cannot run in a transaction
    try:
        with conn.cursor() as cur:
            cur.execute(compose_sql("warehouse/vacuum_analyze.sql", view=view))
    finally:
        conn.autocommit = autocommit
    return {
        "view": name,
        "concurrently": concurrent,
        "seconds": round(time.perf_counter() - started, 3),
        "refresh_seconds": round(refreshed - started, 3),
    }


def view_statistics(conn: PgConnection) -> list[dict[str, Any]]:
    """Size and row count of every rollup and platform table.

    Sizes are pg_total_relation_size (heap + indexes + TOAST). Row counts: exact count(*) for the
    rollups (refresh does not update pg_class.reltuples, and they are small); the catalog estimate
    pg_class.reltuples for the platform tables (ANALYZEd after each load), or count(*) when never analysed.
    """
    with conn.cursor() as cur:
        cur.execute(load_sql("warehouse/relation_sizes.sql"))
        columns = [d.name for d in cur.description]
        relations = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        for rel in relations:
            exact = rel["kind"] == "materialized_view" or rel["estimated_rows"] < 0
            if exact and rel["kind"] == "materialized_view" and not rel["populated"]:
                rel["row_count"], rel["row_count_exact"] = None, True
            elif exact:
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
        cur.execute(load_sql("warehouse/view_columns.sql"))
        for view, column, kind in cur.fetchall():
            columns.setdefault(view, []).append((column, kind))
    conn.commit()
    return columns
