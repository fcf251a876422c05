"""One writer at a time per thing, whatever launched it: PostgreSQL advisory locks held for a whole step.

The run queue allows one run per school year (dagster.yaml), but `lct run` executes in-process and never
passes through the queue, so two writers of one year met in the tables (UniqueViolation on the swap). Every
step that writes something shared takes its lock first: the NCES import and the calculation of a year, the
year's exports, the shared enrichment inputs, the LCT views. A second writer waits, saying who it waits for,
then does its work on what the first one left. The lock lives on a connection of its own, so it is released
when the step ends or, if the process dies (kill -9), when the server sees its connection close.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg2

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.urls import libpq_dsn

# PostgreSQL keeps 63 bytes of an application_name.
APPLICATION_NAME_LIMIT = 63


def year_resource(year: str) -> str:
    """The rows of one school year (NCES import and calculations)."""
    return f"school year {year}"


def exports_resource(year: str) -> str:
    """The export folders of one school year."""
    return f"exports {year}"


ENRICHMENT_INPUTS_RESOURCE = "enrichment inputs"
LCT_VIEWS_RESOURCE = "lct views"


@contextmanager
def write_lock(
    database_url: str, resource: str, *, holder: str, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock on `resource` for the block; `holder` (e.g. 'run 1a2b3c4d lct_calculations') is what a
    waiting writer is told. `on_wait` hears, once, who is waited for, and then how long it took."""
    name = f"lct {resource}: {holder}"[:APPLICATION_NAME_LIMIT]
    conn = psycopg2.connect(libpq_dsn(database_url), application_name=name)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql("common/locks/try_lock.sql"), {"resource": resource})
            if not cur.fetchone()[0]:
                cur.execute(load_sql("common/locks/holder.sql"), {"resource": resource})
                found = cur.fetchone()
                other = f"{found[0] or 'a session'} (server pid {found[1]})" if found else "another writer"
                if on_wait is not None:
                    on_wait(f"{resource} is being written by {other}; waiting for it to finish")
                started = time.monotonic()
                cur.execute(load_sql("common/locks/lock.sql"), {"resource": resource})
                if on_wait is not None:
                    on_wait(f"{resource}: lock taken after {time.monotonic() - started:.1f} s")
        yield
        with conn.cursor() as cur:
            cur.execute(load_sql("common/locks/unlock.sql"), {"resource": resource})
    finally:
        conn.close()
