"""Materialized views: created from their `sql/` file when missing, refreshed CONCURRENTLY otherwise.

CONCURRENTLY keeps readers unblocked (it needs the view's unique index, which
every view file creates); a view that was just created is already populated.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.sqlfiles import compose_sql, load_sql, table_identifier


@dataclass(frozen=True)
class ViewRefresh:
    view: str
    created: bool
    seconds: float
    rows: int


def ensure_and_refresh(cur: PgCursor, view: str, sql_file: str) -> ViewRefresh:
    """Create `view` (schema.name) from `sql_file` if missing, else refresh it concurrently."""
    schema, name = view.split(".")
    started = time.perf_counter()
    cur.execute(load_sql("common/matview_exists.sql"), {"schema": schema, "name": name})
    found = cur.fetchone()
    # The whole file runs every time: CREATE ... IF NOT EXISTS is a no-op for what exists and adds
    # an index that a newer version of the file declares.
    cur.execute(load_sql(sql_file))
    created = found is None
    if not created:
        statement = "common/refresh_matview.sql" if found[0] else "common/refresh_matview_blocking.sql"
        cur.execute(compose_sql(statement, view=table_identifier(view)))
    seconds = time.perf_counter() - started
    cur.execute(compose_sql("common/count_rows.sql", table=table_identifier(view)))
    return ViewRefresh(view, created, seconds, int(cur.fetchone()[0]))
