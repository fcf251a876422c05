"""The embedded stack under `$LCT_HOME`: which servers run where, and the URLs everything else uses.

State (ports) lives in `$LCT_HOME/services.json`; passwords in
`$LCT_HOME/secrets/` (0600). A URL set in the environment wins and then
nothing is started for that server.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql as pgsql
from sqlalchemy.engine import make_url

from lct_pipelines.db.sqlfiles import compose_sql, load_sql
from lct_pipelines.db.urls import libpq_dsn, redacted, with_database
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.services.ports import free_port, port_is_free
from lct_pipelines.services.replica import adopt_replication_role, create_replica
from lct_pipelines.services.secrets_store import get_or_create_secret, read_secret
from lct_pipelines.services.settings import Settings, SettingsError

DATA_DATABASE = "lct"
DAGSTER_DATABASE = "dagster"
# The warehouse's read-only role (migration 0003) and where `lct up` keeps its generated password.
READER_ROLE = "lct_reader"
READER_SECRET = "reader_password"
REPLICA_SLOT = "lct_replica1"

Progress = Callable[[str], None]


class PortTakenError(SettingsError):
    """An embedded server's port is held by another program."""


@dataclass
class StackState:
    postgres_port: int | None = None
    redis_port: int | None = None
    replica_port: int | None = None

    @classmethod
    def load(cls, home: Path) -> StackState:
        path = home / "services.json"
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text()))

    def save(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "services.json").write_text(json.dumps(asdict(self), indent=2) + "\n")


@dataclass(frozen=True)
class Urls:
    database_url: str
    dagster_database_url: str
    redis_url: str
    replica_url: str | None
    reader_url: str | None = None


def embedded_postgres(settings: Settings, state: StackState | None = None) -> EmbeddedPostgres:
    state = state or StackState.load(settings.home)
    return EmbeddedPostgres(
        data_dir=settings.home / "postgres" / "primary",
        port=state.postgres_port or 0,
        password=get_or_create_secret(settings.home, "postgres_password"),
    )


def embedded_redis(settings: Settings, state: StackState | None = None) -> EmbeddedRedis:
    state = state or StackState.load(settings.home)
    return EmbeddedRedis(
        data_dir=settings.home / "redis",
        port=state.redis_port or 0,
        password=get_or_create_secret(settings.home, "redis_password"),
    )


def embedded_replica(settings: Settings, state: StackState | None = None) -> EmbeddedPostgres:
    """The streaming replica `lct up --replica` made of the embedded primary (its own folder and port)."""
    state = state or StackState.load(settings.home)
    primary = embedded_postgres(settings, state)
    return EmbeddedPostgres(
        data_dir=settings.home / "postgres" / "replica",
        port=state.replica_port or 0,
        password=primary.password,
        tuning=dict(primary.tuning),
    )


def resolve_urls(settings: Settings) -> Urls:
    """URLs of every server, from the environment or from the embedded stack's state (nothing is started)."""
    state = StackState.load(settings.home)
    if settings.database_url:
        database_url = settings.database_url
    else:
        if state.postgres_port is None:
            raise RuntimeError(
                f"No database configured: set LCT_DATABASE_URL or run `lct up` (LCT_HOME={settings.home})."
            )
        database_url = embedded_postgres(settings, state).url(DATA_DATABASE)
    dagster_url = settings.dagster_database_url or with_database(database_url, DAGSTER_DATABASE)
    if settings.redis_url:
        redis_url = settings.redis_url
    elif state.redis_port is not None:
        redis_url = embedded_redis(settings, state).url()
    else:
        redis_url = ""
    # The warehouse reads as the read-only role; its password exists once `lct up` has set it.
    reader_password = read_secret(settings.home, READER_SECRET) if settings.database_url is None else None
    reader_url = settings.reader_url
    if reader_url is None and reader_password is not None:
        reader_url = embedded_postgres(settings, state).url(DATA_DATABASE, user=READER_ROLE, password=reader_password)
    replica_url = settings.replica_url
    if replica_url is None and settings.database_url is None and state.replica_port is not None:
        replica = embedded_replica(settings, state)
        if reader_password is not None:
            replica_url = replica.url(DATA_DATABASE, user=READER_ROLE, password=reader_password)
        else:
            replica_url = replica.url(DATA_DATABASE)
    return Urls(database_url, dagster_url, redis_url, replica_url, reader_url)


def environment(settings: Settings) -> dict[str, str]:
    """The variables Dagster processes and the `lct` commands need, resolved (for child processes)."""
    urls = resolve_urls(settings)
    env = {
        "LCT_HOME": str(settings.home),
        "LCT_DATA_DIR": str(settings.data_dir),
        "LCT_DATABASE_URL": urls.database_url,
        "DAGSTER_PG_URL": urls.dagster_database_url,
        "DAGSTER_HOME": str(settings.dagster_home),
        "LCT_REDIS_URL": urls.redis_url,
    }
    if urls.replica_url:
        env["LCT_REPLICA_URL"] = urls.replica_url
    if urls.reader_url:
        env["LCT_READER_URL"] = urls.reader_url
    return env


def ensure_database(server_url: str, database: str) -> bool:
    """CREATE DATABASE when missing (returns True when created). Needs the right to create databases."""
    conn = psycopg2.connect(libpq_dsn(server_url, "postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(load_sql("common/database_exists.sql"), {"name": database})
            if cur.fetchone():
                return False
            cur.execute(compose_sql("common/create_database.sql", database=pgsql.Identifier(database)))
            return True
    finally:
        conn.close()


def _chosen_port(variable: str) -> int:
    """The port a variable asks for (e.g. LCT_PG_PORT), else a free one; chosen once and kept in services.json."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return free_port()
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{variable} must be a port number (1-65535), got {raw!r}")
    return int(raw)


# server name -> the variable that chooses its port on a fresh LCT_HOME
PORT_VARIABLES = {"postgres": "LCT_PG_PORT", "postgres replica": "LCT_REPLICA_PORT", "redis": "LCT_REDIS_PORT"}


def _check_port(name: str, server: EmbeddedPostgres | EmbeddedRedis, home: Path) -> None:
    """A server that is not running needs its port free: say which, and how to choose another."""
    if not server.is_running() and not port_is_free(server.port):
        raise PortTakenError(
            f"{name} cannot start: port {server.port} on 127.0.0.1 is taken by another program\n"
            f"  stop that program, or choose another port: {PORT_VARIABLES[name]} on a fresh LCT_HOME, or the "
            f"port in {home / 'services.json'}"
        )


def _ensure_running(
    name: str, server: EmbeddedPostgres | EmbeddedRedis, home: Path, progress: Progress, *, where: str = ""
) -> None:
    if server.is_running():
        progress(f"{name}: already running on 127.0.0.1:{server.port}")
        return
    _check_port(name, server, home)
    server.start()
    progress(f"{name}: started on 127.0.0.1:{server.port}{where}")


def up(settings: Settings, progress: Progress = print, replica: bool = False) -> Urls:
    """Start what is not external (idempotent), create the two databases, return the URLs.

    `replica`: also make a streaming replica of the embedded primary if there is none. A replica made
    before is started again whether or not it is asked for.
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    state = StackState.load(settings.home)
    if settings.uses_embedded_postgres:
        if state.postgres_port is None:
            state.postgres_port = _chosen_port("LCT_PG_PORT")
            state.save(settings.home)
        server = embedded_postgres(settings, state)
        _check_port("postgres", server, settings.home)  # before initdb, which takes seconds
        if not server.is_initialized():
            progress(f"postgres: initialising {server.data_dir}")
            server.initialize()
        _ensure_running("postgres", server, settings.home, progress, where=f" ({server.data_dir})")
    else:
        progress("postgres: external (LCT_DATABASE_URL), nothing started")
    if settings.uses_embedded_redis:
        if state.redis_port is None:
            state.redis_port = _chosen_port("LCT_REDIS_PORT")
            state.save(settings.home)
        _ensure_running("redis", embedded_redis(settings, state), settings.home, progress)
    else:
        progress("redis: external (LCT_REDIS_URL), nothing started")
    urls = resolve_urls(settings)
    for name, url in ((DATA_DATABASE, urls.database_url), (DAGSTER_DATABASE, urls.dagster_database_url)):
        database = make_url(url).database or name
        if ensure_database(url, database):
            progress(f"postgres: created database {database}")
    if settings.uses_embedded_postgres:
        if _up_replica(settings, state, create=replica, progress=progress):
            urls = resolve_urls(settings)
    elif replica:
        progress("postgres replica: the primary is external (LCT_DATABASE_URL): set LCT_REPLICA_URL, nothing started")
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    return urls


def _up_replica(settings: Settings, state: StackState, *, create: bool, progress: Progress) -> bool:
    """Start the embedded replica, making it first when `create` and there is none; True if one was made."""
    replica = embedded_replica(settings, state)
    if replica.is_initialized() and state.replica_port is not None:
        _ensure_running("postgres replica", replica, settings.home, progress)
        if adopt_replication_role(embedded_postgres(settings, state), replica, REPLICA_SLOT):
            progress(f"postgres replica: now streams as its own role {REPLICA_SLOT}, no longer as the superuser")
        return False
    if not create:
        return False
    primary = embedded_postgres(settings, state)
    # A copy that failed half-way is ours to remove, and so is the slot it left on the primary.
    if replica.data_dir.exists():
        replica.stop()
        shutil.rmtree(replica.data_dir)
    _drop_slot(primary, REPLICA_SLOT)
    port = _chosen_port("LCT_REPLICA_PORT")
    progress(f"postgres replica: base backup of 127.0.0.1:{primary.port} into {replica.data_dir}")
    made = create_replica(primary, replica.data_dir, port, slot=REPLICA_SLOT)
    state.replica_port = made.port
    state.save(settings.home)
    progress(f"postgres replica: streaming, started on 127.0.0.1:{made.port} ({made.data_dir})")
    return True


def _drop_slot(primary: EmbeddedPostgres, slot: str) -> None:
    conn = psycopg2.connect(primary.dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/replica/drop_slot.sql"), {"slot": slot})
    finally:
        conn.close()


def down(settings: Settings, progress: Progress = print) -> None:
    state = StackState.load(settings.home)
    if state.replica_port is not None:
        replica = embedded_replica(settings, state)
        if replica.is_running():
            replica.stop()
            progress("postgres replica: stopped")
    if state.postgres_port is not None:
        server = embedded_postgres(settings, state)
        if server.is_running():
            server.stop()
            progress("postgres: stopped")
    if state.redis_port is not None:
        cache = embedded_redis(settings, state)
        if cache.is_running():
            cache.stop()
            progress("redis: stopped")


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    kind: str  # 'embedded' | 'external'
    running: bool | None  # None: external, not probed
    where: str


def status(settings: Settings) -> list[ServiceStatus]:
    state = StackState.load(settings.home)
    rows: list[ServiceStatus] = []
    # Servers are built only once set up: building one creates its secret, and `status` writes nothing.
    if settings.uses_embedded_postgres and state.postgres_port is None:
        rows.append(ServiceStatus("postgres", "embedded", False, "not set up (`lct up`)"))
    elif settings.uses_embedded_postgres:
        server = embedded_postgres(settings, state)
        rows.append(
            ServiceStatus("postgres", "embedded", server.is_running(), f"127.0.0.1:{server.port} ({server.data_dir})")
        )
    else:
        rows.append(ServiceStatus("postgres", "external", None, redacted(settings.database_url or "")))
    if settings.replica_url:
        rows.append(ServiceStatus("replica", "external", None, redacted(settings.replica_url)))
    elif state.replica_port is not None and settings.uses_embedded_postgres:
        replica = embedded_replica(settings, state)
        where = f"127.0.0.1:{state.replica_port} ({replica.data_dir}, replica of postgres)"
        rows.append(ServiceStatus("replica", "embedded", replica.is_running(), where))
    if settings.uses_embedded_redis and state.redis_port is None:
        rows.append(ServiceStatus("redis", "embedded", False, "not set up (`lct up`)"))
    elif settings.uses_embedded_redis:
        cache = embedded_redis(settings, state)
        rows.append(ServiceStatus("redis", "embedded", cache.is_running(), f"127.0.0.1:{cache.port}"))
    else:
        rows.append(ServiceStatus("redis", "external", None, redacted(settings.redis_url or "")))
    return rows


