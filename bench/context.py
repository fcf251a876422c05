"""What the benchmarks share: options, a work folder, demo data and embedded servers, each made once on demand.

Everything lives in a temporary work folder (removed at the end unless kept): the NCES demo files of the
scale the run needs, an embedded PostgreSQL and Redis started for the run only (never the stack of `lct up`),
and databases cloned from one migrated template, so one benchmark's writes never reach another's data.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import load_average

YEAR = "2023-24"
TEMPLATE_DATABASE = "bench_template"
LCT_DATABASE = "bench_lct"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How a run was asked for (the CLI's flags)."""

    quick: bool
    runs: int
    out_dir: Path
    work_root: Path | None = None
    keep_work: bool = False
    scales: tuple[int, ...] | None = None
    replica_up_to: int | None = None  # P5 reads the replica at scales up to this many students (None: all)

    @property
    def scale(self) -> str:
        """NCES demo-data scale: `full` (~18,000 districts, ~550 MB membership CSV) or `small` (~600)."""
        return "small" if self.quick else "full"

    @property
    def warehouse_scales(self) -> tuple[int, ...]:
        """Warehouse demo platforms, in students: the specified 20,000 (~2 M submissions) and ten times that
        (`--scale` chooses), or a few hundred with --quick."""
        if self.scales:
            return self.scales
        return (400,) if self.quick else (20_000, 200_000)


def stderr_progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Servers:
    """An embedded PostgreSQL and Redis of this run, on free loopback ports, with a migrated template."""

    root: Path
    say: Progress
    pg: Any = None
    redis: Any = None
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> None:
        import psycopg2
        from psycopg2 import sql as pgsql

        from lct_pipelines.db import migrate
        from lct_pipelines.services.embedded_postgres import DEFAULT_TUNING, EmbeddedPostgres
        from lct_pipelines.services.embedded_redis import EmbeddedRedis
        from lct_pipelines.services.ports import free_port

        started = time.perf_counter()
        # The tuning `lct up` uses (fsync on): the figures are those of a developer's stack, not of the tests'.
        self.pg = EmbeddedPostgres(
            data_dir=self.root / "postgres", port=free_port(), password="bench-" + os.urandom(8).hex(),
            tuning=dict(DEFAULT_TUNING),
        )  # fmt: skip
        self.pg.initialize()
        self.pg.start()
        conn = psycopg2.connect(self.pg.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(TEMPLATE_DATABASE)))
        conn.close()
        migrate.upgrade(self.pg.url(TEMPLATE_DATABASE))
        self.redis = EmbeddedRedis(self.root / "redis", free_port(), "bench-" + os.urandom(8).hex())
        self.redis.start()
        self.say(
            f"servers: PostgreSQL on 127.0.0.1:{self.pg.port}, Redis on 127.0.0.1:{self.redis.port} "
            f"({time.perf_counter() - started:.1f}s)"
        )

    def new_database(self, prefix: str, template: str = TEMPLATE_DATABASE) -> str:
        """A fresh migrated database (a clone of the template; `postgres`: an empty one); its SQLAlchemy URL."""
        import psycopg2
        from psycopg2 import sql as pgsql

        name = f"{prefix}_{next(self._numbers)}"
        conn = psycopg2.connect(self.pg.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(
                pgsql.SQL("CREATE DATABASE {} TEMPLATE {}").format(pgsql.Identifier(name), pgsql.Identifier(template))
            )
        conn.close()
        return self.pg.url(name)

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.pg is not None:
            self.pg.stop("fast")


class Bench:
    """One benchmark run: options, progress, and the shared data and servers (made lazily, once)."""

    def __init__(self, options: Options, say: Progress = stderr_progress) -> None:
        self.options = options
        self.say = say
        root = options.work_root
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)
        # Not under pytest's tmp root (reset to 0700): the server runs as another user when we are root.
        self.work = Path(tempfile.mkdtemp(prefix="lct-bench-", dir=root))
        self._servers: Servers | None = None
        self._nces: Any = None
        self._half: Path | None = None
        self._lct_url: str | None = None
        self._platforms: Any = None
        self.datasets: dict[str, Any] = {}
        # Tables a benchmark adds to the report beside its figures (P5's growth between scales).
        self.sections: dict[str, Any] = {}

    # options -------------------------------------------------------------

    @property
    def runs(self) -> int:
        return self.options.runs

    @property
    def quick(self) -> bool:
        return self.options.quick

    # shared data -----------------------------------------------------------

    def nces(self) -> Any:
        """The NCES demo files of this run's scale (`DemoDataSummary`)."""
        if self._nces is None:
            from lct_pipelines.demo.nces_files import write_demo_data

            started = time.perf_counter()
            self._nces = write_demo_data(self.work / "nces", scale=self.options.scale, seed=42, school_year=YEAR)
            s = self._nces
            self.datasets["nces"] = {
                "scale": s.scale,
                "districts": s.districts,
                "rows": s.rows,
                "file_bytes": s.bytes,
                "csv_bytes": s.csv_bytes,
            }
            self.say(
                f"data: NCES demo files, {s.scale} scale: {s.districts:,} districts, membership "
                f"{s.rows['membership']:,} rows, {s.csv_bytes['membership'] / 1e6:,.0f} MB CSV "
                f"({s.bytes['membership'] / 1e6:,.1f} MB zipped), {time.perf_counter() - started:.1f}s"
            )
        return self._nces

    def membership_half(self) -> Path:
        """A membership zip holding the first half of the full file's data lines (same layout and member name)."""
        if self._half is None:
            from bench.data import write_head_zip

            summary = self.nces()
            source = summary.paths["membership"]
            target = self.work / "half" / source.name
            rows, csv_bytes, zip_bytes = write_head_zip(source, target, summary.rows["membership"] // 2)
            self.datasets["membership_half"] = {"rows": rows, "csv_bytes": csv_bytes, "file_bytes": zip_bytes}
            self._half = target
        return self._half

    def servers(self) -> Servers:
        if self._servers is None:
            servers = Servers(self.work / "servers", self.say)
            self._servers = servers
            servers.start()
        return self._servers

    def lct_database(self) -> str:
        """URL of a database holding the demo NCES year, the state requirements and some bell schedules."""
        if self._lct_url is None:
            from bench.data import load_lct_database

            url = self.servers().new_database(LCT_DATABASE)
            started = time.perf_counter()
            counts = load_lct_database(url, self.nces(), YEAR)
            self.datasets["lct_database"] = counts
            self.say(f"data: NCES year {YEAR} loaded into PostgreSQL {counts} ({time.perf_counter() - started:.1f}s)")
            self._lct_url = url
        return self._lct_url

    def platforms(self) -> Any:
        """The cache of loaded warehouse platforms (bench/.cache/), kept between runs (`PlatformCache`)."""
        if self._platforms is None:
            from bench.warehouse_cache import PlatformCache

            self._platforms = PlatformCache(self.say)
        return self._platforms

    def load(self) -> list[float]:
        return load_average()

    def close(self) -> None:
        try:
            if self._platforms is not None:
                self._platforms.close()
            if self._servers is not None:
                self._servers.stop()
        finally:
            if self.options.keep_work:
                self.say(f"work folder kept: {self.work}")
            else:
                shutil.rmtree(self.work, ignore_errors=True)
