"""ensure_reader_role: the service's role logs in with the given password and can only read."""

from __future__ import annotations

import psycopg2
import psycopg2.errors
import pytest
from sqlalchemy.engine import make_url

from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.warehouse.roles import READER_ROLE, ensure_reader_role
from tests.warehouse.conftest import WarehouseDb


def test_the_returned_url_is_the_reader_on_the_same_server_and_database(
    pg_server: EmbeddedPostgres, warehouse_db: WarehouseDb, reader_password: str
) -> None:
    url = ensure_reader_role(warehouse_db.admin_url, reader_password)
    parsed, admin = make_url(url), make_url(warehouse_db.admin_url)
    assert (parsed.username, parsed.password) == (READER_ROLE, reader_password)
    assert (parsed.host, parsed.port, parsed.database) == (admin.host, admin.port, admin.database)
    conn = psycopg2.connect(libpq_dsn(url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, count(*) FROM platform.students")
            assert cur.fetchone() == (READER_ROLE, warehouse_db.counts["students"])
            cur.execute("SELECT count(*) FROM analytics.subject_performance")
            assert cur.fetchone() == (warehouse_db.counts["subjects"],)
    finally:
        conn.close()


def test_the_reader_cannot_write_even_after_lifting_read_only(warehouse_db: WarehouseDb) -> None:
    conn = psycopg2.connect(libpq_dsn(warehouse_db.reader_url))
    try:
        with conn.cursor() as cur, pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            cur.execute("DELETE FROM platform.students")
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute("SET transaction_read_only = off")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("DELETE FROM platform.students")
        conn.rollback()
    finally:
        conn.close()


def test_a_changed_password_replaces_the_old_one(pg_server: EmbeddedPostgres, reader_password: str) -> None:
    admin = pg_server.url("postgres")
    new_url = ensure_reader_role(admin, "rotated-" + reader_password)
    try:
        psycopg2.connect(libpq_dsn(new_url)).close()
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
            psycopg2.connect(libpq_dsn(pg_server.url("postgres", user=READER_ROLE, password=reader_password)))
    finally:
        ensure_reader_role(admin, reader_password)  # the session's other tests use the original


def test_an_empty_password_is_refused(pg_server: EmbeddedPostgres) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        ensure_reader_role(pg_server.url("postgres"), "")
