"""A SIGSTOPped WAL receiver: seen as lag before its rows are older than the threshold, and queries go to the primary.

Before the fix lag was measured on the replica alone: with the receiver stopped it received nothing, so it had
replayed all it received, lag read 0, and 43 s old rows were served with a 30 s threshold. Now the replica's
replay position is compared with the primary's: every probe reports a lag at least as large as the true
staleness (the time since the primary committed what the replica lacks), so a replica is never judged usable
with rows older than the threshold; the invariant holds however slow the machine is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg2
import pytest

from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.service import WarehouseService
from tests.conftest import drop_database, wait_for_replay, wal_receiver_stopped
from tests.faults.processes import GIVE_UP_AFTER
from tests.faults.state import platform_counts
from tests.warehouse.conftest import WarehouseDb, build_warehouse_db

THRESHOLD_SECONDS = 2.0
STUDENTS = 60


@pytest.fixture
def small_warehouse(pg_server: EmbeddedPostgres, reader_password: str) -> Iterator[WarehouseDb]:
    db = build_warehouse_db(pg_server, reader_password, students=STUDENTS)
    yield db
    drop_database(pg_server, db.name)


def _commit_on_primary(db: WarehouseDb) -> float:
    """A synchronous commit on the primary (written when COMMIT returns); the time it returned."""
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = on")
            cur.execute("UPDATE platform.subjects SET name = name || ''")
    finally:
        conn.close()
    return time.time()


def test_a_stopped_wal_receiver_is_lag_within_the_threshold_and_queries_go_to_the_primary(
    small_warehouse: WarehouseDb, pg_server: EmbeddedPostgres, replica_server: EmbeddedPostgres, reader_password: str
) -> None:
    wait_for_replay(pg_server, replica_server)
    replica_url = replica_server.url(small_warehouse.name, user=READER_ROLE, password=reader_password)
    service = WarehouseService(
        small_warehouse.reader_url,
        replica_url=replica_url,
        max_replica_lag_seconds=THRESHOLD_SECONDS,
        replica_health_ttl_seconds=0,
    )
    before = platform_counts(small_warehouse.admin_url)
    try:
        expected = service.query("attendance_vs_grades")
        assert expected.source == "replica"
        with wal_receiver_stopped(replica_server):
            committed = _commit_on_primary(small_warehouse)
            probes = []
            deadline = time.monotonic() + GIVE_UP_AFTER
            while time.monotonic() < deadline:
                staleness = time.time() - committed  # at least this old, before the probe starts
                health = service.health()["replica"]
                probes.append((health["ok"], health["lag_seconds"], staleness))
                if not health["ok"]:
                    break
                time.sleep(0.1)
            usable, lag, staleness = probes[-1]
            assert not usable and "lagging" in service.health()["replica"]["reason"]
            for usable, lag, staleness in probes:
                assert lag is not None and lag >= staleness  # never under-reported: a stalled receiver cannot hide
                assert not usable or staleness < THRESHOLD_SECONDS  # never usable with rows past the threshold
            answer = service.query("attendance_vs_grades")
            assert (answer.source, answer.rows) == ("primary", expected.rows)
        wait_for_replay(pg_server, replica_server, timeout=GIVE_UP_AFTER)
        assert service.health()["replica"]["ok"]
        assert service.query("top_performers").source == "replica"
    finally:
        service.close()
    assert platform_counts(small_warehouse.admin_url) == before  # nothing lost on the primary
