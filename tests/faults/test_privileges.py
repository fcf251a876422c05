"""Least privilege: the replica streams as a role of its own, the read-only role is bounded and cannot write.

Before the fix the replica replicated as the superuser, and the read-only role had no timeouts of its own
and could create temporary tables.
"""

from __future__ import annotations

import psycopg2
import psycopg2.errors
import pytest

from lct_pipelines.db import migrate
from lct_pipelines.services.embedded_postgres import SUPERUSER, EmbeddedPostgres
from lct_pipelines.services.replica import REPLICATION_GROUP
from lct_pipelines.warehouse.roles import READER_ROLE
from tests.conftest import REPLICA_SLOT, drop_database
from tests.faults.state import table_states


def _one(server: EmbeddedPostgres, query: str, params: tuple = ()) -> tuple:
    conn = psycopg2.connect(server.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchone()
    finally:
        conn.close()


def test_the_replica_streams_as_its_own_replication_role_and_the_superuser_cannot_replicate(
    pg_server: EmbeddedPostgres, replica_server: EmbeddedPostgres
) -> None:
    streaming_as = _one(
        pg_server, "SELECT usename FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1 LIMIT 1"
    )
    assert streaming_as == (REPLICA_SLOT,)
    role = _one(
        pg_server,
        "SELECT rolsuper, rolreplication, rolcreatedb, rolcreaterole, pg_has_role(rolname, %s, 'member') "
        "FROM pg_roles WHERE rolname = %s",
        (REPLICATION_GROUP, REPLICA_SLOT),
    )
    assert role == (False, True, False, False, True)
    with pytest.raises(psycopg2.OperationalError, match=r"pg_hba\.conf"):
        psycopg2.connect(pg_server.dsn() + " replication=true")
    conninfo = (replica_server.data_dir / "postgresql.auto.conf").read_text()
    assert f"user={REPLICA_SLOT} " in conninfo and f"user={SUPERUSER} " not in conninfo


@pytest.fixture
def migrated_database(pg_server: EmbeddedPostgres) -> str:
    """A database migrated from nothing (a clone of the template would not carry its database privileges)."""
    name = "faults_privileges"
    conn = psycopg2.connect(pg_server.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()
    migrate.upgrade(pg_server.url(name))
    yield name
    drop_database(pg_server, name)


def test_the_reader_has_timeouts_of_its_own_and_can_neither_create_temp_tables_nor_write(
    pg_server: EmbeddedPostgres, reader_password: str, migrated_database: str
) -> None:
    before = table_states(pg_server.url(migrated_database))
    conn = psycopg2.connect(
        pg_server.dsn(migrated_database).replace(
            f"user={SUPERUSER} password={pg_server.password}", f"user={READER_ROLE} password={reader_password}"
        )
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW statement_timeout")
            assert cur.fetchone() == ("1min",)
            cur.execute("SHOW idle_in_transaction_session_timeout")
            assert cur.fetchone() == ("1min",)
            with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
                cur.execute("INSERT INTO platform.subjects (subject_id, name) VALUES (999, 'x')")
            # Read-only is only the role's default, which a session may turn off: the grants hold all the same.
            cur.execute("SET default_transaction_read_only = off")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="temporary"):
                cur.execute("CREATE TEMP TABLE scratch (x int)")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("INSERT INTO platform.subjects (subject_id, name) VALUES (999, 'x')")
    finally:
        conn.close()
    owner_temp = _one(pg_server, "SELECT has_database_privilege(%s, %s, 'TEMP')", (SUPERUSER, migrated_database))
    assert owner_temp == (True,)
    assert table_states(pg_server.url(migrated_database)) == before
