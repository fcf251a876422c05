"""create_replica / drop_replica: a real streaming standby with its own slot, retired cleanly."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg2
import pytest

from lct_pipelines.services.embedded_postgres import EmbeddedPostgres, PostgresServiceError
from lct_pipelines.services.ports import free_port
from lct_pipelines.services.replica import PASSFILE_NAME, create_replica, drop_replica
from tests.warehouse.conftest import wait_for_replay

SLOT = "lct_test_throwaway"


def _slots(server: EmbeddedPostgres) -> set[str]:
    conn = psycopg2.connect(server.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT slot_name FROM pg_replication_slots")
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


def test_a_replica_streams_the_primary_and_drop_replica_releases_its_slot(
    pg_server: EmbeddedPostgres, server_dir: Path
) -> None:
    replica = create_replica(pg_server, server_dir / "standby", free_port(), slot=SLOT)
    try:
        assert SLOT in _slots(pg_server)
        conn = psycopg2.connect(pg_server.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE replica_probe")
        conn.close()
        wait_for_replay(pg_server, replica)
        conn = psycopg2.connect(replica.dsn("replica_probe"))
        with conn.cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery()")
            assert cur.fetchone() == (True,)
            with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
                cur.execute("CREATE TABLE t (x int)")
        conn.close()
        passfile = replica.data_dir / PASSFILE_NAME
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
        assert pg_server.password not in (replica.data_dir / "postgresql.auto.conf").read_text()
        assert not (replica.data_dir / "postmaster.pid").read_text().startswith(str(pg_server.pid()))
    finally:
        drop_replica(pg_server, replica, slot=SLOT)
        conn = psycopg2.connect(pg_server.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS replica_probe")
        conn.close()
    assert not replica.is_running()
    assert SLOT not in _slots(pg_server)


def test_a_replica_refuses_a_directory_that_holds_data(pg_server: EmbeddedPostgres, tmp_path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "something").write_text("x")
    with pytest.raises(PostgresServiceError, match="not empty"):
        create_replica(pg_server, target, free_port(), slot="lct_never_made")
    assert "lct_never_made" not in _slots(pg_server)
