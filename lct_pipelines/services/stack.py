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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql as pgsql
from sqlalchemy.engine import make_url

from lct_pipelines.db.sqlfiles import compose_sql, load_sql
from lct_pipelines.db.urls import libpq_dsn, redacted, with_database
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres, machine_tuning
from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.services.pg_tuning import SIZED_SETTINGS, detect_machine
from lct_pipelines.services.ports import free_port, port_is_free
from lct_pipelines.services.replica import adopt_replication_role, create_replica
from lct_pipelines.services.replica_lag import replica_lags
from lct_pipelines.services.secrets_store import get_or_create_secret, read_secret
from lct_pipelines.services.settings import Settings, SettingsError
from lct_pipelines.warehouse.settings import WarehouseSettings

DATA_DATABASE = "lct"
DAGSTER_DATABASE = "dagster"
# The warehouse's read-only role (migration 0003) and where `lct up` keeps its generated password.
READER_ROLE = "lct_reader"
READER_SECRET = "reader_password"


def replica_slot(number: int) -> str:
    """The replication slot of embedded replica `number` (1, 2, ...) on the primary."""
    return f"lct_replica{number}"


Progress = Callable[[str], None]


class PortTakenError(SettingsError):
    """An embedded server's port is held by another program."""


@dataclass
class StackState:
    postgres_port: int | None = None
    redis_port: int | None = None
    replica_port: int | None = None  # replica 1 (`postgres/replica`), as before there were several
    more_replica_ports: list[int] = field(default_factory=list)  # replicas 2, 3, ... (`postgres/replica2`, ...)

    @property
    def replica_ports(self) -> list[int]:
        return ([self.replica_port] if self.replica_port is not None else []) + self.more_replica_ports

    def set_replica_port(self, number: int, port: int) -> None:
        """Record replica `number`'s port (an existing one, or the next one)."""
        if number == 1:
            self.replica_port = port
        elif number - 2 < len(self.more_replica_ports):
            self.more_replica_ports[number - 2] = port
        else:
            self.more_replica_ports.append(port)

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
    replica_url: str | None  # the first of replica_urls, as before there were several
    reader_url: str | None = None
    replica_urls: tuple[str, ...] = ()


def embedded_postgres(settings: Settings, state: StackState | None = None) -> EmbeddedPostgres:
    state = state or StackState.load(settings.home)
    return EmbeddedPostgres(
        data_dir=settings.home / "postgres" / "primary",
        port=state.postgres_port or 0,
        password=get_or_create_secret(settings.home, "postgres_password"),
        tuning=machine_tuning(),
    )


def embedded_redis(settings: Settings, state: StackState | None = None) -> EmbeddedRedis:
    state = state or StackState.load(settings.home)
    return EmbeddedRedis(
        data_dir=settings.home / "redis",
        port=state.redis_port or 0,
        password=get_or_create_secret(settings.home, "redis_password"),
    )


def embedded_replica(settings: Settings, state: StackState | None = None, number: int = 1) -> EmbeddedPostgres:
    """Streaming replica `number` that `lct up --replicas N` made of the embedded primary (own folder and port)."""
    state = state or StackState.load(settings.home)
    primary = embedded_postgres(settings, state)
    ports = state.replica_ports
    return EmbeddedPostgres(
        data_dir=settings.home / "postgres" / ("replica" if number == 1 else f"replica{number}"),
        port=ports[number - 1] if number <= len(ports) else 0,
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
    replica_urls = settings.read_replica_urls
    if not replica_urls and settings.database_url is None:
        replicas = [embedded_replica(settings, state, n) for n in range(1, len(state.replica_ports) + 1)]
        if reader_password is not None:
            replica_urls = tuple(r.url(DATA_DATABASE, user=READER_ROLE, password=reader_password) for r in replicas)
        else:
            replica_urls = tuple(r.url(DATA_DATABASE) for r in replicas)
    replica_url = replica_urls[0] if replica_urls else None
    return Urls(database_url, dagster_url, redis_url, replica_url, reader_url, replica_urls)


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
    if urls.replica_urls:
        env["LCT_REPLICA_URLS"] = ",".join(urls.replica_urls)
        env["LCT_REPLICA_URL"] = urls.replica_urls[0]  # for what reads only the single variable
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
        # Replicas 2, 3, ... get a free port when made: only services.json chooses another.
        variable = f"{PORT_VARIABLES[name]} on a fresh LCT_HOME, or " if name in PORT_VARIABLES else ""
        raise PortTakenError(
            f"{name} cannot start: port {server.port} on 127.0.0.1 is taken by another program\n"
            f"  stop that program, or choose another port: {variable}the port in {home / 'services.json'}"
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


def up(settings: Settings, progress: Progress = print, replicas: int = 0) -> Urls:
    """Start what is not external (idempotent), create the two databases, return the URLs.

    `replicas`: make streaming replicas of the embedded primary until there are that many. Replicas made
    before are started again whether or not they are asked for (none is removed).
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    state = StackState.load(settings.home)
    if settings.uses_embedded_postgres:
        if state.postgres_port is None:
            state.postgres_port = _chosen_port("LCT_PG_PORT")
            state.save(settings.home)
        server = embedded_postgres(settings, state)
        _check_port("postgres", server, settings.home)  # before initdb, which takes seconds
        fresh = not server.is_initialized()
        if fresh:
            progress(f"postgres: initialising {server.data_dir}")
            server.initialize()
        retuned = server.apply_tuning()
        if retuned or fresh:
            progress(f"postgres: settings sized for this machine: {tuning_summary(server)}")
        if server.is_running() and retuned:
            # shared_buffers and the worker counts take effect only at a start; the replicas follow.
            for number in range(1, len(state.replica_ports) + 1):
                replica = embedded_replica(settings, state, number)
                if replica.is_running():
                    replica.stop()
            server.stop()
            server.start()
            progress(f"postgres: restarted on 127.0.0.1:{server.port} with the new settings")
        else:
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
        if _up_replicas(settings, state, wanted=replicas, progress=progress):
            urls = resolve_urls(settings)
    elif replicas:
        progress("postgres replica: the primary is external (LCT_DATABASE_URL): set LCT_REPLICA_URLS, nothing started")
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    return urls


def replica_name(number: int) -> str:
    return "postgres replica" if number == 1 else f"postgres replica {number}"


def _up_replicas(settings: Settings, state: StackState, *, wanted: int, progress: Progress) -> bool:
    """Start the embedded replicas made before, then make more until there are `wanted`; True if one was made."""
    made_one = False
    for number in range(1, max(wanted, len(state.replica_ports)) + 1):
        replica = embedded_replica(settings, state, number)
        if replica.is_initialized() and number <= len(state.replica_ports):
            name, slot = replica_name(number), replica_slot(number)
            if replica.apply_tuning() and replica.is_running():
                replica.stop()  # machine-sized settings changed: they take effect at the start below
            _ensure_running(name, replica, settings.home, progress)
            if adopt_replication_role(embedded_postgres(settings, state), replica, slot):
                progress(f"{name}: now streams as its own role {slot}, no longer as the superuser")
            continue
        _make_replica(settings, state, number, progress)
        made_one = True
    return made_one


def _make_replica(settings: Settings, state: StackState, number: int, progress: Progress) -> None:
    replica = embedded_replica(settings, state, number)
    primary = embedded_postgres(settings, state)
    # A copy that failed half-way is ours to remove, and so is the slot it left on the primary.
    if replica.data_dir.exists():
        replica.stop()
        shutil.rmtree(replica.data_dir)
    _drop_slot(primary, replica_slot(number))
    port = _chosen_port("LCT_REPLICA_PORT") if number == 1 else free_port()
    name = replica_name(number)
    progress(f"{name}: base backup of 127.0.0.1:{primary.port} into {replica.data_dir}")
    made = create_replica(primary, replica.data_dir, port, slot=replica_slot(number))
    state.set_replica_port(number, made.port)
    state.save(settings.home)
    progress(f"{name}: streaming, started on 127.0.0.1:{made.port} ({made.data_dir})")


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
    for number in range(1, len(state.replica_ports) + 1):
        replica = embedded_replica(settings, state, number)
        if replica.is_running():
            replica.stop()
            progress(f"{replica_name(number)}: stopped")
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
    detail: str = ""  # a replica's lag, or why reads skip it


def tuning_summary(server: EmbeddedPostgres) -> str:
    """The machine-sized settings the server's lct.conf holds, with the machine they were sized for."""
    configured = server.configured_tuning()
    values = ", ".join(f"{name}={configured[name]}" for name in SIZED_SETTINGS if name in configured)
    return f"{values} (for {detect_machine().describe()})"


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
        if server.is_initialized():
            rows.append(ServiceStatus("settings", "embedded", None, tuning_summary(server)))
    else:
        rows.append(ServiceStatus("postgres", "external", None, redacted(settings.database_url or "")))
        rows.append(ServiceStatus("settings", "external", None, "left as they are (values to set: docs/warehouse.md)"))
    rows.extend(_replica_status(settings, state))
    if settings.uses_embedded_redis and state.redis_port is None:
        rows.append(ServiceStatus("redis", "embedded", False, "not set up (`lct up`)"))
    elif settings.uses_embedded_redis:
        cache = embedded_redis(settings, state)
        rows.append(ServiceStatus("redis", "embedded", cache.is_running(), f"127.0.0.1:{cache.port}"))
    else:
        rows.append(ServiceStatus("redis", "external", None, redacted(settings.redis_url or "")))
    return rows


def _replica_status(settings: Settings, state: StackState) -> list[ServiceStatus]:
    """One row per replica (`replica`, `replica2`, ...), each with its lag against the primary as the warehouse
    measures it."""
    max_lag = WarehouseSettings.from_env().max_replica_lag_seconds
    if settings.read_replica_urls:
        primary_url = settings.reader_url or settings.database_url
        if primary_url is None and state.postgres_port is not None:
            primary_url = embedded_postgres(settings, state).url(DATA_DATABASE)
        lags = replica_lags(primary_url, settings.read_replica_urls, max_lag)
        return [
            ServiceStatus(_status_name(number), "external", None, redacted(url), lag)
            for number, (url, lag) in enumerate(zip(settings.read_replica_urls, lags, strict=True), start=1)
        ]
    if not settings.uses_embedded_postgres or not state.replica_ports:
        return []
    primary = embedded_postgres(settings, state)
    replicas = [embedded_replica(settings, state, number) for number in range(1, len(state.replica_ports) + 1)]
    running = [replica.is_running() for replica in replicas]
    measured = [replica.url(DATA_DATABASE) for replica, up in zip(replicas, running, strict=True) if up]
    lags = iter(replica_lags(primary.url(DATA_DATABASE) if primary.is_running() else None, measured, max_lag))
    rows = []
    for number, (replica, up) in enumerate(zip(replicas, running, strict=True), start=1):
        where = f"127.0.0.1:{replica.port} ({replica.data_dir}, replica of postgres)"
        rows.append(ServiceStatus(_status_name(number), "embedded", up, where, next(lags) if up else ""))
    return rows


def _status_name(number: int) -> str:
    return "replica" if number == 1 else f"replica{number}"
