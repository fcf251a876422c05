"""The warehouse demo platforms the benchmarks read, loaded once and kept between runs.

At 200,000 students the demo load takes ~5 minutes (20 M submissions, 30 M attendance rows), so each
scale is loaded once into a database of a PostgreSQL cluster kept under `bench/.cache/` (ignored by
git), with its parameters and the load's `as_of` in `bench/.cache/platforms.json`. A benchmark gets a
copy of it (`CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY`: a file copy, seconds), so what it
writes never reaches the cached rows. The cluster runs with the machine-sized settings of `lct up`,
fsync on. `python -m bench --rebuild-cache` (or deleting the folder) loads them anew.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# LCT_BENCH_CACHE puts it elsewhere (e.g. a second cache holding only the small platform and its replica).
CACHE_DIR = Path(os.environ.get("LCT_BENCH_CACHE") or REPO / "bench" / ".cache")
SEED = 42

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CachedPlatform:
    """A loaded demo platform in the cache cluster: its template database, what it holds, when it was drawn."""

    database: str
    students: int
    counts: dict[str, int]
    as_of: dt.datetime
    load_seconds: float


class PlatformCache:
    """The cache cluster (started on first use, stopped by `close`) and its loaded platforms."""

    def __init__(self, say: Progress, root: Path = CACHE_DIR) -> None:
        self.root = root
        self.say = say
        self._pg: Any = None
        self._replica: Any = None
        self._started_pg = self._started_replica = False
        self._numbers = 0

    @property
    def _index_path(self) -> Path:
        return self.root / "platforms.json"

    def _index(self) -> dict[str, Any]:
        return json.loads(self._index_path.read_text()) if self._index_path.exists() else {}

    def server(self) -> Any:
        """The cache's PostgreSQL, initialised on first use, its settings sized from the machine."""
        if self._pg is None:
            from lct_pipelines.services.embedded_postgres import EmbeddedPostgres, machine_tuning
            from lct_pipelines.services.ports import free_port
            from lct_pipelines.services.secrets_store import get_or_create_secret

            self.root.mkdir(parents=True, exist_ok=True)
            # A fixed port (kept in ports.json): the replica streams from it across runs.
            pg = EmbeddedPostgres(
                data_dir=self.root / "postgres",
                port=self._port("primary", free_port),
                password=get_or_create_secret(self.root, "postgres_password"),
                tuning=machine_tuning(),
            )
            if not pg.is_initialized():
                self.say(f"cache: initialising a PostgreSQL cluster in {pg.data_dir}")
                pg.initialize()
            else:
                pg.apply_tuning()
            # Running already (another benchmark run, or one that was killed): used as it is, left running.
            self._started_pg = not pg.is_running()
            if self._started_pg:
                pg.start()
            self._pg = pg
        return self._pg

    def _port(self, name: str, pick: Callable[[], int]) -> int:
        path = self.root / "ports.json"
        ports = json.loads(path.read_text()) if path.exists() else {}
        if name not in ports:
            ports[name] = pick()
            path.write_text(json.dumps(ports, indent=2) + "\n")
        return int(ports[name])

    def replica(self) -> Any:
        """A streaming replica of the cache cluster (made once with pg_basebackup, kept and restarted after)."""
        if self._replica is None:
            from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
            from lct_pipelines.services.ports import free_port
            from lct_pipelines.services.replica import create_replica

            pg = self.server()
            data_dir = self.root / "replica"
            port = self._port("replica", free_port)
            if (data_dir / "PG_VERSION").exists():
                replica = EmbeddedPostgres(data_dir=data_dir, port=port, password=pg.password, tuning=dict(pg.tuning))
                replica.apply_tuning()
                self._started_replica = not replica.is_running()
                if self._started_replica:
                    replica.start()
            else:
                self.say(f"cache: making a streaming replica of the cache cluster in {data_dir} (once)")
                replica = create_replica(pg, data_dir, port, slot="bench_cache_replica")
                self._started_replica = True
            self._replica = replica
        return self._replica

    def platform(self, students: int) -> CachedPlatform:
        """The platform of `students` demo students (seed 42), loading it into the cache if it is not there."""
        import psycopg2

        from lct_pipelines.db import migrate
        from lct_pipelines.demo.platform import generate_platform_data

        pg = self.server()
        name = f"platform_{students}"
        entry = self._index().get(name)
        if entry is not None and self._exists(name):
            migrate.upgrade(pg.url(name))  # the cached rows stay; new migrations (and their triggers) apply
            return CachedPlatform(
                name, students, entry["counts"], dt.datetime.fromisoformat(entry["as_of"]), entry["load_seconds"]
            )
        conn = psycopg2.connect(pg.dsn())
        conn.autocommit = True
        from psycopg2 import sql as pgsql

        with conn.cursor() as cur:
            cur.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))
            cur.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
        conn.close()
        migrate.upgrade(pg.url(name))
        as_of = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.say(f"cache: loading the demo platform of {students:,} students into {name} (once; kept in {self.root})")
        started = time.perf_counter()
        counts = generate_platform_data(pg.url(name), students=students, seed=SEED, as_of=as_of, progress=self.say)
        seconds = time.perf_counter() - started
        index = self._index()
        index[name] = {"counts": counts, "as_of": as_of.isoformat(), "load_seconds": round(seconds, 1), "seed": SEED}
        self._index_path.write_text(json.dumps(index, indent=2) + "\n")
        return CachedPlatform(name, students, counts, as_of, seconds)

    def copy(self, platform: CachedPlatform, prefix: str) -> str:
        """A database of its own holding the cached platform's rows (a file copy of its template); its URL."""
        import psycopg2
        from psycopg2 import sql as pgsql

        pg = self.server()
        self._numbers += 1
        name = f"{prefix}_{os.getpid()}_{self._numbers}"
        conn = psycopg2.connect(pg.dsn())
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))
                cur.execute(
                    pgsql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                        pgsql.Identifier(name), pgsql.Identifier(platform.database)
                    )
                )
        finally:
            conn.close()
        return pg.url(name)

    def drop(self, url: str) -> None:
        import psycopg2
        from psycopg2 import sql as pgsql
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        conn = psycopg2.connect(self.server().dsn())
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name)))
        finally:
            conn.close()

    def _exists(self, name: str) -> bool:
        import psycopg2

        conn = psycopg2.connect(self.server().dsn())
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                return cur.fetchone() is not None
        finally:
            conn.close()

    def clear(self) -> None:
        """Forget every cached platform (the next use loads it anew)."""
        self.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def close(self) -> None:
        """Stop the servers this object started (one found running is left running)."""
        if self._replica is not None and self._started_replica:
            self._replica.stop("fast")
        if self._pg is not None and self._started_pg:
            self._pg.stop("fast")
        self._replica = self._pg = None
