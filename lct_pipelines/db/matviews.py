"""Materialized views, one way for the whole project: created from their `sql/` file, refreshed CONCURRENTLY.

CONCURRENTLY keeps readers unblocked (it needs the view's unique index, which every view file creates, and a
populated view); a view that holds no data yet is refreshed plainly. A view that was just created is populated.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from psycopg2 import sql as pgsql
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.sqlfiles import compose_sql, load_sql, table_identifier


@dataclass(frozen=True)
class ViewRefresh:
    view: str
    created: bool
    seconds: float
    rows: int


def matview_populated(cur: PgCursor, view: str) -> bool | None:
    """Whether `view` (schema.name) holds data; None when there is no such materialized view."""
    schema, name = view.split(".")
    cur.execute(load_sql("common/matview_populated.sql"), {"schema": schema, "name": name})
    found = cur.fetchone()
    return None if found is None else bool(found[0])


def refresh_matview(cur: PgCursor, view: str, *, concurrently: bool) -> None:
    """REFRESH `view` (schema.name), CONCURRENTLY (readers keep the old rows) or plainly (readers wait)."""
    statement = "common/refresh_matview_concurrently.sql" if concurrently else "common/refresh_matview.sql"
    cur.execute(compose_sql(statement, view=table_identifier(view)))


def count_rows(cur: PgCursor, relation: str | pgsql.Composable) -> int:
    identifier = table_identifier(relation) if isinstance(relation, str) else relation
    cur.execute(compose_sql("common/count_rows.sql", relation=identifier))
    return int(cur.fetchone()[0])


def ensure_and_refresh(cur: PgCursor, view: str, sql_file: str) -> ViewRefresh:
    """Create `view` (schema.name) from `sql_file` if missing, else refresh it (concurrently once populated)."""
    started = time.perf_counter()
    populated = matview_populated(cur, view)
    # The whole file runs every time: CREATE ... IF NOT EXISTS is a no-op for what exists and adds
    # an index that a newer version of the file declares.
    cur.execute(load_sql(sql_file))
    created = populated is None
    if not created:
        refresh_matview(cur, view, concurrently=populated)
    seconds = time.perf_counter() - started
    return ViewRefresh(view, created, seconds, count_rows(cur, view))
