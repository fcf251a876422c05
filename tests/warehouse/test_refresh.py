"""refresh_all: every rollup refreshed after the ones it reads, failures reported and contained."""

from __future__ import annotations

import threading
from typing import Any

import psycopg2
import pytest
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.warehouse import refresh, views
from lct_pipelines.warehouse.refresh import refresh_all
from tests.warehouse.conftest import WarehouseDb


def test_refresh_all_refreshes_every_rollup_after_its_inputs(
    warehouse_db: WarehouseDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    finished: set[str] = set()
    lock = threading.Lock()
    real = refresh.refresh_view

    def watched(conn: PgConnection, name: str, concurrently: bool = True) -> dict[str, Any]:
        with lock:
            assert all(d in finished for d in views.ROLLUP_DEPENDENCIES.get(name, ())), name
            started.append(name)
        result = real(conn, name, concurrently=concurrently)
        with lock:
            finished.add(name)
        return result

    monkeypatch.setattr(refresh, "refresh_view", watched)
    report = refresh_all(lambda: psycopg2.connect(warehouse_db.admin_dsn), workers=2)
    assert [r["view"] for r in report] == views.ROLLUPS
    assert sorted(started) == sorted(views.ROLLUPS)
    concurrent = {r["view"]: r["concurrently"] for r in report}
    assert concurrent == {name: name not in views.INTERNAL_ROLLUPS for name in views.ROLLUPS}


def test_a_failed_rollup_skips_the_ones_built_from_it(
    warehouse_db: WarehouseDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = refresh.refresh_view

    def failing(conn: PgConnection, name: str, concurrently: bool = True) -> dict[str, Any]:
        if name == "student_class_bands":
            raise psycopg2.errors.DiskFull("could not extend file")
        return real(conn, name, concurrently=concurrently)

    monkeypatch.setattr(refresh, "refresh_view", failing)
    report = {r["view"]: r for r in refresh_all(lambda: psycopg2.connect(warehouse_db.admin_dsn), workers=1)}
    assert report["student_class_bands"]["error"] == "DiskFull: could not extend file"
    built_from_it = {n for n, deps in views.ROLLUP_DEPENDENCIES.items() if "student_class_bands" in deps}
    assert {n for n, r in report.items() if "skipped" in r} == built_from_it
    assert all("seconds" in report[n] for n in set(views.ROLLUPS) - built_from_it - {"student_class_bands"})


def test_only_the_named_rollups_are_refreshed(warehouse_db: WarehouseDb) -> None:
    report = refresh_all(lambda: psycopg2.connect(warehouse_db.admin_dsn), names=["teacher_workload"])
    assert [r["view"] for r in report] == ["teacher_workload"]
    with pytest.raises(ValueError, match="unknown rollup"):
        refresh_all(lambda: psycopg2.connect(warehouse_db.admin_dsn), names=["nope"])


def test_the_longest_chain_starts_first() -> None:
    sizes = {name: 1 for name in views.ROLLUPS} | {"class_period_trends": 100}
    chains = refresh._chain_lengths(views.ROLLUPS, sizes)
    built_from_bands = [n for n, deps in views.ROLLUP_DEPENDENCIES.items() if "student_class_bands" in deps]
    assert chains["student_class_bands"] == 2  # itself plus the longest chain built from it (one rollup)
    assert chains["class_period_trends"] == 100
    assert max(chains, key=chains.get) == "class_period_trends"
    assert all(chains[n] == 1 for n in built_from_bands)
