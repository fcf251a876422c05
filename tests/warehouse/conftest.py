"""Warehouse fixtures: a streaming replica of the session's primary, the reader role, and demo databases.

Each module that needs data gets its own database cloned from the migrated
template and filled with a few hundred demo students (~40,000 submissions),
so the rollups and queries have skew to show and the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg2
import pytest
import redis

from lct_pipelines.demo.platform import generate_platform_data
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.services.ports import free_port
from lct_pipelines.services.replica import create_replica, drop_replica
from lct_pipelines.warehouse.roles import READER_ROLE, ensure_reader_role
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.views import create_views
from tests.conftest import create_database, drop_database, server_root

REPLICA_SLOT = "lct_test_replica"
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


def primary_lsn(server: EmbeddedPostgres) -> str:
    conn = psycopg2.connect(server.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_current_wal_lsn()")
            return cur.fetchone()[0]
    finally:
        conn.close()


def wait_for_replay(primary: EmbeddedPostgres, replica: EmbeddedPostgres, timeout: float = 30) -> None:
    """Block until the replica has replayed everything the primary wrote so far."""
    target = primary_lsn(primary)
    deadline = time.monotonic() + timeout
    conn = psycopg2.connect(replica.dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            while True:
                cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))
                if cur.fetchone()[0]:
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"replica did not replay past {target} in {timeout}s")
                time.sleep(0.02)
    finally:
        conn.close()


@pytest.fixture(scope="session")
def replica_server(pg_server: EmbeddedPostgres) -> Iterator[EmbeddedPostgres]:
    root = server_root("lct-test-replica-")
    replica = create_replica(pg_server, root / "replica", free_port(), REPLICA_SLOT)
    yield replica
    drop_replica(pg_server, replica, REPLICA_SLOT)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def reader_password(pg_server: EmbeddedPostgres) -> str:
    password = "reader-" + os.urandom(8).hex()
    ensure_reader_role(pg_server.url("postgres"), password)
    return password


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
    return WarehouseDb(name, admin_url, server.url(name, user=READER_ROLE, password=reader_password), counts, as_of)


@pytest.fixture(scope="module")
def warehouse_db(pg_server: EmbeddedPostgres, reader_password: str) -> Iterator[WarehouseDb]:
    """A database of this module's own with demo data and every rollup created."""
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
