"""An LCT view refresh never blocks a concurrent reader (two connections, the refresh held open).

The refresher's transaction stays open after `REFRESH ... CONCURRENTLY`, so it
keeps every lock the refresh took; the reader on a second connection must
still answer. The control case (a plain, non-concurrent refresh) shows the
test can fail: its ACCESS EXCLUSIVE lock makes the same reader time out.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg2
import pytest
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.assets.lct.views import LCT_VIEWS
from lct_pipelines.db.matviews import ensure_and_refresh

SCOPES = ("teachers_only", "teachers_core", "instructional")
INSERT_CALCULATION = """
INSERT INTO lct.lct_calculations
    (year, district_id, staff_scope, district_name, state, staff_count, enrollment, enrollment_type,
     instructional_minutes, instructional_minutes_source, lct_value, is_valid, qa_flags, run_id)
VALUES ('2023-24', %(district)s, %(scope)s, 'District', 'WI', 10, 200, 'k12', 360, 'state_requirement',
        %(lct)s, true, '', '20260101T000000Z')
"""
READ_TIMEOUT = "SET lock_timeout = '3s'"


@pytest.fixture
def conn_pair(database_url: str) -> Iterator[tuple[PgConnection, PgConnection]]:
    libpq_url = database_url.replace("postgresql+psycopg2://", "postgresql://")
    refresher = psycopg2.connect(libpq_url)
    reader = psycopg2.connect(libpq_url)
    reader.autocommit = True
    yield refresher, reader
    refresher.close()
    reader.close()


def _create_views_with_rows(conn: PgConnection) -> None:
    with conn, conn.cursor() as cur:
        for n in range(40):
            for scope in SCOPES:
                cur.execute(INSERT_CALCULATION, {"district": f"55{n:05d}", "scope": scope, "lct": 10 + n})
        for name in LCT_VIEWS:
            assert ensure_and_refresh(cur, f"lct.{name}", f"lct/views/{name}.sql").created


@pytest.mark.parametrize("view", sorted(LCT_VIEWS))
def test_a_concurrent_refresh_held_open_does_not_block_a_reader(
    conn_pair: tuple[PgConnection, PgConnection], view: str
) -> None:
    refresher, reader = conn_pair
    _create_views_with_rows(refresher)
    with reader.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM lct.{view}")
        before = cur.fetchone()[0]

    with refresher.cursor() as cur:  # a transaction opens here and stays open until rollback
        refresh = ensure_and_refresh(cur, f"lct.{view}", f"lct/views/{view}.sql")
        assert not refresh.created
        with reader.cursor() as rcur:
            rcur.execute(READ_TIMEOUT)
            rcur.execute(f"SELECT count(*) FROM lct.{view}")
            assert rcur.fetchone()[0] == before
        cur.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass AND granted",
            (f"lct.{view}",),
        )
        held = {row[0] for row in cur.fetchall()}
        assert "ExclusiveLock" in held and "AccessExclusiveLock" not in held
    refresher.rollback()


def test_control_a_plain_refresh_does_block_the_reader(conn_pair: tuple[PgConnection, PgConnection]) -> None:
    refresher, reader = conn_pair
    _create_views_with_rows(refresher)
    with refresher.cursor() as cur:
        cur.execute("REFRESH MATERIALIZED VIEW lct.mv_lct_summary_stats")
        with reader.cursor() as rcur, pytest.raises(psycopg2.errors.LockNotAvailable):
            rcur.execute(READ_TIMEOUT)
            rcur.execute("SELECT count(*) FROM lct.mv_lct_summary_stats")
    refresher.rollback()
