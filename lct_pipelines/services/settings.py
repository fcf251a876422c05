"""Runtime settings, read from the environment when asked for (never at import time).

Every server can be external (its URL variable is set) or embedded (unset: the
servers started by `lct up` under `$LCT_HOME`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = ".lct"
DEFAULT_DATA_DIR = "data"


@dataclass(frozen=True)
class Settings:
    home: Path
    data_dir: Path
    database_url: str | None
    dagster_database_url: str | None
    replica_url: str | None
    redis_url: str | None
    reader_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            home=Path(env.get("LCT_HOME", DEFAULT_HOME)).expanduser().resolve(),
            data_dir=Path(env.get("LCT_DATA_DIR", DEFAULT_DATA_DIR)).expanduser().resolve(),
            database_url=env.get("LCT_DATABASE_URL") or None,
            dagster_database_url=env.get("DAGSTER_PG_URL") or None,
            replica_url=env.get("LCT_REPLICA_URL") or None,
            redis_url=env.get("LCT_REDIS_URL") or None,
            reader_url=env.get("LCT_READER_URL") or None,
        )

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url is None
