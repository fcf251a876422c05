"""PostgreSQL settings sized from the machine: memory and cores, as `lct up` applies them to the embedded server.

PostgreSQL's defaults (128 MB shared buffers, 4 MB work_mem, 2 parallel workers per gather) suit a
server with a few hundred MB; the warehouse at 200,000 students aggregates tens of millions of rows
and its rollups exceed 300 MB each. The embedded primary and its replica share one machine with the
Dagster processes, so each server takes an eighth of the memory for shared buffers (a quarter for the
pair) and assumes half of it is the OS page cache's; external servers are never touched (the values
for them are in docs/warehouse.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
GB = 1024 * MB

# The settings this module sizes (shown by `lct status`).
SIZED_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "max_worker_processes",
    "max_parallel_workers",
    "max_parallel_workers_per_gather",
    "max_parallel_maintenance_workers",
)


@dataclass(frozen=True)
class Machine:
    memory_bytes: int
    cores: int

    def describe(self) -> str:
        return f"{self.memory_bytes / GB:.1f} GiB, {self.cores} core{'s' if self.cores != 1 else ''}"


def _cgroup_limit() -> int | None:
    """The cgroup v2 memory limit of this process, when one is set."""
    try:
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None


def detect_machine() -> Machine:
    """Total memory (the cgroup limit when lower) and the cores this process may run on."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limit = _cgroup_limit()
    if limit is not None:
        memory = min(memory, limit)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return Machine(memory_bytes=memory, cores=max(1, cores))


def _mb(value: int) -> str:
    return f"{value // MB}MB"


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def sized_settings(machine: Machine) -> dict[str, str]:
    """The memory and parallelism settings for `machine` (see the module docstring for the reasoning).

    - shared_buffers: 1/8 of memory, 128 MB to 8 GB (primary and replica on one machine: 1/4 together)
    - effective_cache_size: 1/2 of memory (planner hint: what the OS caches besides)
    - work_mem: 1/256 of memory, 4 MB to 256 MB (per sort or hash, per process: aggregates of the full
      rebuild stay in memory, 200 connections cannot exhaust the machine)
    - maintenance_work_mem: 1/32 of memory, 64 MB to 2 GB (index builds of the demo load and rollups)
    - parallel workers: every core for the server, a gather may use all but one beside its leader
    """
    memory, cores = machine.memory_bytes, machine.cores
    return {
        "shared_buffers": _mb(_clamp(memory // 8, 128 * MB, 8 * GB)),
        "effective_cache_size": _mb(_clamp(memory // 2, 512 * MB, 64 * GB)),
        "work_mem": _mb(_clamp(memory // 256, 4 * MB, 256 * MB)),
        "maintenance_work_mem": _mb(_clamp(memory // 32, 64 * MB, 2 * GB)),
        "max_worker_processes": str(max(8, cores + 4)),
        "max_parallel_workers": str(cores),
        "max_parallel_workers_per_gather": str(max(1, cores - 1)),
        "max_parallel_maintenance_workers": str(max(1, cores - 1)),
    }
