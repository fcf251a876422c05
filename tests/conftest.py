"""Fixtures: a real PostgreSQL and a real Redis, embedded, started on free ports for the session.

Each test that needs the database gets its own, cloned from a migrated
template (CREATE DATABASE ... TEMPLATE takes ~0.1 s), so tests never share rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql as pgsql

from lct_pipelines.db import migrate
from lct_pipelines.services.embedded_postgres import DEFAULT_TUNING, EmbeddedPostgres
from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.services.ports import free_port
from lct_pipelines.services.replica import create_replica, drop_replica
from lct_pipelines.warehouse.roles import ensure_reader_role

TEMPLATE_DATABASE = "lct_template"
_database_numbers = itertools.count(1)

# Test servers trade durability for speed; production defaults keep fsync on.
TEST_TUNING = {**DEFAULT_TUNING, "fsync": "off", "full_page_writes": "off", "shared_buffers": "128MB"}

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REPLICA_SLOT = "lct_test_replica"


def server_root(prefix: str) -> Path:
    """A folder for a server's data outside pytest's tmp root.

    pytest (of any concurrent session) resets its tmp root to 0700, and when we are root the servers
    run as another user (embedded_postgres), who then can no longer reach its own files.
    """
    return Path(tempfile.mkdtemp(prefix=prefix))


@pytest.fixture
def server_dir() -> Iterator[Path]:
    """A fresh folder for this test's servers (see server_root), removed afterwards."""
    root = server_root("lct-test-srv-")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[EmbeddedPostgres]:
    # Not under pytest's tmp root: pytest (of any concurrent session) resets that to 0700, and the server
    # runs as another user (embedded_postgres) when we are root.
    root = Path(tempfile.mkdtemp(prefix="lct-test-pg-"))
    server = EmbeddedPostgres(
        data_dir=root / "primary",
        port=free_port(),
        password="test-" + os.urandom(8).hex(),
        tuning=TEST_TUNING,
    )
    server.initialize()
    server.start()
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(TEMPLATE_DATABASE)))
    conn.close()
    migrate.upgrade(server.url(TEMPLATE_DATABASE))
    yield server
    server.stop("immediate")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), free_port(), "test-" + os.urandom(8).hex())
    server.start()
    yield server
    server.stop()


def create_database(server: EmbeddedPostgres, template: str = TEMPLATE_DATABASE) -> str:
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            pgsql.SQL("CREATE DATABASE {} TEMPLATE {}").format(pgsql.Identifier(name), pgsql.Identifier(template))
        )
    conn.close()
    return name


def drop_database(server: EmbeddedPostgres, name: str) -> None:
    """Drop a test's database (FORCE: whatever it left connected), so the cluster stays small.

    A replica made during the session base-backs up the whole cluster: every database left behind
    makes that copy slower (~40 s at the end of the suite when none were dropped).
    """
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))
    conn.close()


@pytest.fixture
def database_url(pg_server: EmbeddedPostgres) -> Iterator[str]:
    """A fresh, migrated database of its own for this test (dropped afterwards)."""
    name = create_database(pg_server)
    yield pg_server.url(name)
    drop_database(pg_server, name)


@pytest.fixture
def lct_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, redis_server: EmbeddedRedis
) -> dict[str, str]:
    """The environment `lct` and Dagster read, pointed at the test servers and a temp landing folder."""
    env = {
        "LCT_HOME": str(tmp_path / "lct_home"),
        "LCT_DATA_DIR": str(tmp_path / "data"),
        "LCT_DATABASE_URL": database_url,
        "LCT_REDIS_URL": redis_server.url(),
        # Never the project's docs/data-dictionaries: `lct db upgrade` and a migrating `lct up` write there.
        "LCT_DATA_DICTIONARY_DIR": str(tmp_path / "data-dictionaries"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("LCT_REPLICA_URL", raising=False)
    monkeypatch.delenv("LCT_REPLICA_URLS", raising=False)
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    return env


@pytest.fixture
def dagster_env(
    monkeypatch: pytest.MonkeyPatch, lct_env: dict[str, str], pg_server: EmbeddedPostgres
) -> Iterator[dict[str, str]]:
    """lct_env plus a Dagster instance storage of its own (a fresh database, dropped afterwards)."""
    name = create_database(pg_server, template="postgres")
    url = pg_server.url(name)
    monkeypatch.setenv("DAGSTER_PG_URL", url)
    # Where `lct` puts it; set here so the test's environment is restored afterwards (bring_up exports it).
    dagster_home = str(Path(lct_env["LCT_HOME"], "dagster"))
    monkeypatch.setenv("DAGSTER_HOME", dagster_home)
    yield {**lct_env, "DAGSTER_PG_URL": url, "DAGSTER_HOME": dagster_home}
    drop_database(pg_server, name)


# --- the session's streaming replica and read-only role (the warehouse and fault tests) ------------------


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


@contextmanager
def wal_receiver_stopped(replica: EmbeddedPostgres) -> Iterator[int]:
    """The replica's WAL receiver frozen (SIGSTOP) for the block, continued (SIGCONT) whatever happens; its pid.

    A stalled receiver, not a paused replay: the replica receives nothing, so it has replayed all it received
    and only a comparison with the primary's position shows it behind."""
    conn = psycopg2.connect(replica.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_wal_receiver")
            pid = cur.fetchone()[0]
    finally:
        conn.close()
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


@contextmanager
def streaming_replica(primary: EmbeddedPostgres, slot: str) -> Iterator[EmbeddedPostgres]:
    """A streaming replica of `primary` on slot `slot` for the block; stopped, its slot dropped, removed after."""
    root = server_root(f"{slot}-")
    replica = create_replica(primary, root / "replica", free_port(), slot)
    try:
        yield replica
    finally:
        drop_replica(primary, replica, slot)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def replica_server(pg_server: EmbeddedPostgres) -> Iterator[EmbeddedPostgres]:
    with streaming_replica(pg_server, REPLICA_SLOT) as replica:
        yield replica


@pytest.fixture(scope="session")
def reader_password(pg_server: EmbeddedPostgres) -> str:
    password = "reader-" + os.urandom(8).hex()
    ensure_reader_role(pg_server.url("postgres"), password)
    return password
