"""Runtime settings, read from the environment when asked for (never at import time).

Every server can be external (its URL variable is set) or embedded (unset: the
servers started by `lct up` under `$LCT_HOME`). A URL that cannot be what its
variable says is refused here, naming the variable, before anything connects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from lct_pipelines.db.urls import redacted

DEFAULT_HOME = ".lct"
DEFAULT_DATA_DIR = "data"
POSTGRES_URL_VARIABLES = ("LCT_DATABASE_URL", "DAGSTER_PG_URL", "LCT_REPLICA_URL", "LCT_READER_URL")
POSTGRES_DRIVERS = ("postgresql", "postgresql+psycopg2")
REDIS_SCHEMES = ("redis", "rediss", "unix")
POSTGRES_EXAMPLE = "postgresql+psycopg2://USER:PASSWORD@HOST:5432/DATABASE"


class SettingsError(ValueError):
    """A variable holds something it cannot mean (the message names it and shows the expected form)."""


def check_postgres_url(variable: str, url: str) -> str:
    """`url` if it is a PostgreSQL URL with a valid port, else SettingsError naming `variable`."""
    try:
        parsed = make_url(url)
        port = parsed.port
    except Exception as err:  # sqlalchemy raises ArgumentError or ValueError (a non-numeric port)
        raise SettingsError(f"{variable} is not a database URL ({redacted(url)!r}): write {POSTGRES_EXAMPLE}") from err
    if parsed.drivername not in POSTGRES_DRIVERS:
        raise SettingsError(
            f"{variable} must be a PostgreSQL URL, not {parsed.drivername}:// ({redacted(url)!r}): "
            f"write {POSTGRES_EXAMPLE}"
        )
    if port is not None and not 0 < port < 65536:
        raise SettingsError(f"{variable} has port {port}, outside 1-65535 ({redacted(url)!r})")
    return url


def check_redis_url(variable: str, url: str) -> str:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError as err:  # a non-numeric or out-of-range port
        raise SettingsError(f"{variable} is not a Redis URL ({redacted(url)!r}): {err}") from err
    if parts.scheme not in REDIS_SCHEMES or not (parts.hostname or parts.path):
        raise SettingsError(f"{variable} must be a Redis URL like redis://:PASSWORD@HOST:6379/0, got {redacted(url)!r}")
    return url


def split_urls(urls: str) -> tuple[str, ...]:
    """A comma-separated list of URLs (LCT_REPLICA_URLS), blanks dropped."""
    return tuple(url.strip() for url in urls.split(",") if url.strip())


@dataclass(frozen=True)
class Settings:
    home: Path
    data_dir: Path
    database_url: str | None
    dagster_database_url: str | None
    replica_url: str | None
    redis_url: str | None
    reader_url: str | None = None
    replica_urls: tuple[str, ...] = ()  # LCT_REPLICA_URLS, comma-separated

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        urls = {name: env.get(name) or None for name in (*POSTGRES_URL_VARIABLES, "LCT_REDIS_URL")}
        for name in POSTGRES_URL_VARIABLES:
            if urls[name] is not None:
                check_postgres_url(name, urls[name])
        if urls["LCT_REDIS_URL"] is not None:
            check_redis_url("LCT_REDIS_URL", urls["LCT_REDIS_URL"])
        replica_list = env.get("LCT_REPLICA_URLS", "")
        return cls(
            home=Path(env.get("LCT_HOME", DEFAULT_HOME)).expanduser().resolve(),
            data_dir=Path(env.get("LCT_DATA_DIR", DEFAULT_DATA_DIR)).expanduser().resolve(),
            database_url=urls["LCT_DATABASE_URL"],
            dagster_database_url=urls["DAGSTER_PG_URL"],
            replica_url=urls["LCT_REPLICA_URL"],
            redis_url=urls["LCT_REDIS_URL"],
            reader_url=urls["LCT_READER_URL"],
            replica_urls=tuple(check_postgres_url("LCT_REPLICA_URLS", url) for url in split_urls(replica_list)),
        )

    @property
    def read_replica_urls(self) -> tuple[str, ...]:
        """Every external replica: LCT_REPLICA_URLS, then LCT_REPLICA_URL (the single one, as before), each once."""
        return tuple(dict.fromkeys([*self.replica_urls, *([self.replica_url] if self.replica_url else [])]))

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url is None
