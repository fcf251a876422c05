"""Warehouse fixtures: demo databases, Redis and service factories (the replica and the reader role: tests/conftest.py).

Each module that needs data gets its own database cloned from the migrated
template and filled with a few hundred demo students (~40,000 submissions),
so the rollups and queries have skew to show and the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg2
import pytest
import redis

from lct_pipelines.demo.platform import generate_platform_data
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.services.ports import free_port
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.views import create_views
from tests.conftest import (  # noqa: F401  (re-exported: the warehouse tests import them from here)
    REPLICA_SLOT,
    create_database,
    drop_database,
    primary_lsn,
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
