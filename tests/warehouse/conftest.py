"""Warehouse fixtures: demo databases, Redis and service factories (the replica and the reader role: tests/conftest.py).

Each module that needs data gets its own database cloned from the migrated
template and filled with a few hundred demo students (~40,000 submissions),
so the rollups and queries have skew to show and the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2
import pytest
import redis

from lct_pipelines.demo.platform import generate_platform_data
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.services.ports import free_port
from lct_pipelines.warehouse.incremental import refresh
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.views import create_views
from tests.conftest import (  # noqa: F401  (re-exported: the warehouse tests import them from here)
    REPLICA_SLOT,
    create_database,
    drop_database,
    primary_lsn,
    streaming_replica,
    wait_for_replay,
)

DEMO_STUDENTS = 400
# The warehouse tests keep their cache entries in their own Redis database of the session server.
REDIS_DB = 9


@dataclass(frozen=True)
class WarehouseDb:
    name: str
    admin_url: str
    reader_url: str
    counts: dict[str, int]
    as_of: dt.datetime

    @property
    def admin_dsn(self) -> str:
        return self.admin_url.replace("postgresql+psycopg2://", "postgresql://")


@contextmanager
def replay_paused(replica: EmbeddedPostgres) -> Iterator[psycopg2.extensions.connection]:
    """Replay paused on the replica (as superuser) for the block; resumed whatever happens."""
    conn = psycopg2.connect(replica.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        yield conn
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
        conn.close()


def wait_received_not_replayed(replica_conn: psycopg2.extensions.connection, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with replica_conn.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")
            if cur.fetchone()[0]:
                return
            time.sleep(0.02)
    raise TimeoutError("the replica never received the write")


def touch_primary(db: WarehouseDb) -> None:
    """A commit on the primary, written out when COMMIT returns (the test server commits asynchronously
    otherwise, and pg_current_wal_lsn() would not pass it for up to wal_writer_delay)."""
    conn = psycopg2.connect(db.admin_dsn)
    with conn, conn.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = on")
        cur.execute("UPDATE platform.subjects SET name = name")
    conn.close()


def build_warehouse_db(server: EmbeddedPostgres, reader_password: str, students: int = DEMO_STUDENTS) -> WarehouseDb:
    name = create_database(server)
    admin_url = server.url(name)
    as_of = dt.datetime.now(dt.UTC).replace(microsecond=0)
    counts = generate_platform_data(admin_url, students=students, seed=7, as_of=as_of)
    conn = psycopg2.connect(server.dsn(name))
    try:
        create_views(conn)
    finally:
        conn.close()
    refresh(lambda: psycopg2.connect(server.dsn(name)))  # the first refresh: a full build
    return WarehouseDb(name, admin_url, server.url(name, user=READER_ROLE, password=reader_password), counts, as_of)


@pytest.fixture(scope="module")
def warehouse_db(pg_server: EmbeddedPostgres, reader_password: str) -> Iterator[WarehouseDb]:
    """A database of this module's own with demo data and every rollup created and built."""
    db = build_warehouse_db(pg_server, reader_password)
    yield db
    drop_database(pg_server, db.name)


@pytest.fixture
def redis_url(redis_server: EmbeddedRedis) -> str:
    """The session's Redis, in a database of the warehouse tests' own, emptied for this test."""
    url = redis_server.url(db=REDIS_DB)
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def own_redis(tmp_path) -> Iterator[EmbeddedRedis]:
    """A Redis of this test's own, which it may stop and start."""
    server = EmbeddedRedis(tmp_path / "redis", free_port(), "test-" + os.urandom(6).hex())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def service_factory() -> Iterator:
    """Builds WarehouseServices and closes them after the test."""
    made: list[WarehouseService] = []

    def make(primary_url: str, **kwargs) -> WarehouseService:
        service = WarehouseService(primary_url, **kwargs)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()
