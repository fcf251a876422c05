"""The audit row of a calculation tells how its Dagster run ended: a run that died or failed is never 'success'.

The calculation step records 'success' when its rows are committed; the views and exports come after it. A
run that then fails (an export error) or dies (kill -9, PostgreSQL stopped under it) must not stay 'success',
and a row left 'running' by a process that vanished must not stay 'running'. The Dagster side (which runs
ended how) is the caller's: this module only reads and writes `lct.calculation_runs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.sqlfiles import load_sql

# Rows older than this are settled: their Dagster runs ended long ago and were reconciled then.
RECONCILE_DAYS = 7
RECONCILE_LIMIT = 500


@dataclass(frozen=True)
class UnsettledRun:
    run_id: str
    dagster_run_id: str
    status: str


def unsettled_runs(cur: PgCursor, *, days: int = RECONCILE_DAYS, limit: int = RECONCILE_LIMIT) -> list[UnsettledRun]:
    """Recent rows still 'running' or 'success' that belong to a Dagster run, newest first."""
    cur.execute(load_sql("lct/unsettled_runs.sql"), {"days": days, "limit": limit})
    return [UnsettledRun(*row) for row in cur.fetchall()]


def fail_calculation_runs(cur: PgCursor, dagster_run_ids: list[str]) -> list[str]:
    """Mark the 'running' or 'success' rows of these Dagster runs 'failed'; the calculation run ids changed."""
    if not dagster_run_ids:
        return []
    cur.execute(
        load_sql("lct/fail_calculation_runs.sql"), {"dagster_run_ids": dagster_run_ids, "now": datetime.now(UTC)}
    )
    return [row[0] for row in cur.fetchall()]
