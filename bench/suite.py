"""The benchmarks of the suite, in run order, and what each measures against what."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    from bench.context import Bench


@dataclass(frozen=True)
class Benchmark:
    id: str
    title: str
    module: str  # its `run(bench) -> list[Figure]`, and `profile_target(bench)` when it can be profiled
    ours: str
    against: str
    goal: str
    quick: bool = True  # part of `--quick` (small data)

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)

    def run(self, bench: Bench) -> list[Figure]:
        return self.load().run(bench)

    def profile_target(self, bench: Bench) -> Callable[[], Any] | None:
        make = getattr(self.load(), "profile_target", None)
        return make(bench) if make is not None else None


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "P1",
        "NCES membership import",
        "bench.p1_import",
        "read_membership on the --scale full membership zip, to district x grade counts",
        "pandas read_csv(chunksize=100_000) + filter + groupby; a bare streaming pyarrow parse",
        ">= 2x pandas; within 1.2x of the bare parse; peak RSS <= 300 MB and flat as the file grows",
    ),
    Benchmark(
        "P2",
        "LCT calculation",
        "bench.p2_calculate",
        "calculate_lct: seven scopes x every district, minutes, validity, flags",
        "per district a minutes query, scopes in Python loops",
        "< 0.2 s; >= 100x",
    ),
    Benchmark(
        "P3",
        "writing the calculations",
        "bench.p3_write",
        "lct.store.write_year (DELETE the year, one COPY from Arrow-written CSV)",
        "DataFrame.to_sql",
        ">= 10x",
    ),
    Benchmark(
        "P4",
        "incremental run",
        "bench.p4_incremental",
        "run_calculation incremental after one bell-schedule edit",
        "run_calculation full",
        "compute+write <= 2% of full (the daemon's edit to views: P4b, with P9)",
    ),
    Benchmark(
        "P5",
        "warehouse queries at two scales",
        "bench.p5_warehouse",
        "the eight queries from the rollups (primary and replica), cache hits; at 20,000 and 200,000 students",
        "the same answers from raw joins",
        "p95 < 20 ms on primary and replica at both scales; aggregate-heavy >= 20x raw; cache hit p95 < 1 ms",
    ),
    Benchmark(
        "P6",
        "make demo from a fresh clone",
        "bench.fresh_clone_demo",
        "git clone && make install && make demo",
        "(absolute)",
        "< 5 min including install; the main job < 90 s",
        quick=False,
    ),
    Benchmark(
        "P9",
        "the UI's paths: edit to views (P4b), asset page against job (P9)",
        "bench.p9_ui_paths",
        "`lct ui` running: a bell-schedule save to refreshed views; one partition of lct_calculations materialized "
        "from its asset page (GraphQL, the implicit asset job)",
        "the lct_recompute job of the same partition, launched the same way",
        "P4b median < 20 s; P9 <= 1.2x the job",
        quick=False,
    ),
    Benchmark(
        "P7",
        "Parquet exports",
        "bench.p7_parquet",
        "exports.parquet.write_year (zstd)",
        "the same tables as CSV",
        "report the size ratio (the replaced system claimed 70-80% smaller)",
    ),
    Benchmark(
        "P10",
        "50 readers during a rollup refresh",
        "bench.p10_load",
        "50 threads through one WarehouseService (no cache) while refresh_rollups(full=True) runs",
        "the same readers with no refresh",
        "0 errors; p95 and max reported",
    ),
    Benchmark(
        "P8",
        "nightly warehouse refresh",
        "bench.p8_refresh",
        "the nightly refresh after one day of activity (1/365 of each table, updates and deletes too)",
        "the full rebuild at the same as_of (and its rows: compared)",
        "< 10 s at 200,000 students; >= 10x faster than the full rebuild; same rows",
    ),
)
BY_ID: dict[str, Benchmark] = {b.id: b for b in BENCHMARKS}
