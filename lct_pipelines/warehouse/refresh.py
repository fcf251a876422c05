"""Refreshing every rollup: in dependency order, several at once, longest chains first.

On a two-core server the refresh is CPU-bound, so two workers halve it; the
order matters too: a rollup whose chain (itself plus what is built from it)
is longest starts first, sizes taken from the catalog as the cost estimate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import cache
from typing import Any

from psycopg2.extensions import connection as PgConnection

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.warehouse.views import INTERNAL_ROLLUPS, ROLLUP_DEPENDENCIES, ROLLUPS, refresh_view


def _sizes(connect: Callable[[], PgConnection]) -> dict[str, int]:
    conn = connect()
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/rollup_sizes.sql"))
            return {name: int(size) for name, size in cur.fetchall()}
    finally:
        conn.close()


def _chain_lengths(selected: list[str], sizes: dict[str, int]) -> dict[str, int]:
    """Each rollup's cost plus the longest chain of rollups built from it (critical-path priority)."""
    children = {
        name: [c for c, deps in ROLLUP_DEPENDENCIES.items() if name in deps and c in selected] for name in selected
    }

    @cache
    def chain(name: str) -> int:
        return sizes.get(name, 0) + max((chain(c) for c in children[name]), default=0)

    return {name: chain(name) for name in selected}


def refresh_all(
    connect: Callable[[], PgConnection],
    *,
    concurrently: bool = True,
    workers: int = 2,
    names: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Refresh the rollups (all by default), up to `workers` at a time, each after those it reads.

    Each refresh gets its own connection from `connect` and commits on its own; internal rollups are
    refreshed plainly. A failed rollup is reported with its error and the ones built from it are
    skipped. Results come back in ROLLUPS order.
    """
    wanted = set(ROLLUPS if names is None else names)
    unknown = wanted - set(ROLLUPS)
    if unknown:
        raise ValueError(f"unknown rollup(s) {', '.join(sorted(unknown))}; known: {', '.join(ROLLUPS)}")
    selected = [n for n in ROLLUPS if n in wanted]
    priority = _chain_lengths(selected, _sizes(connect))
    pending = sorted(selected, key=lambda n: -priority[n])
    results: dict[str, dict[str, Any]] = {}
    running: dict[Future[dict[str, Any]], str] = {}
    slots = max(1, workers)

    def one(name: str) -> dict[str, Any]:
        conn = connect()
        try:
            return refresh_view(conn, name, concurrently=concurrently and name not in INTERNAL_ROLLUPS)
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=slots, thread_name_prefix="refresh") as pool:
        while pending or running:
            for name in list(pending):
                deps = [d for d in ROLLUP_DEPENDENCIES.get(name, ()) if d in selected]
                failed = [d for d in deps if "error" in results.get(d, {}) or "skipped" in results.get(d, {})]
                if failed:
                    results[name] = {"view": name, "skipped": f"not refreshed: {', '.join(failed)} failed"}
                    pending.remove(name)
                elif all(d in results for d in deps) and len(running) < slots:
                    running[pool.submit(one, name)] = name
                    pending.remove(name)
            if running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    try:
                        results[name] = future.result()
                    except Exception as error:  # reported per view; the caller decides whether to raise
                        results[name] = {"view": name, "error": f"{type(error).__name__}: {error}"}
    return [results[name] for name in selected]
