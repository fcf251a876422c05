"""Dead runs and busy years, on a Dagster instance in PostgreSQL: which runs are judged dead, what is failed, what
the calculation rows become, and which runs make a year busy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import dagster as dg
import psutil
import pytest
from sqlalchemy import create_engine, text

from lct_pipelines.definitions import defs
from lct_pipelines.jobs import (
    LCT_PIPELINE_JOB,
    PARTITION_TAG,
    WORKER_HOST_TAG,
    WORKER_PID_TAG,
    WORKER_STARTED_TAG,
)
from lct_pipelines.resources import PostgresResource
from lct_pipelines.sensors.dead_runs import dead_run_sensor, reap, worker_gone, worker_tags
from lct_pipelines.sensors.runs import year_is_busy
from lct_pipelines.services.settings import Settings
from lct_pipelines.services.up import prepare_dagster_home

YEAR = "2023-24"


@pytest.fixture
def instance(dagster_env: dict[str, str]) -> Iterator[dg.DagsterInstance]:
    prepare_dagster_home(Settings.from_env())
    with dg.DagsterInstance.get() as instance:
        yield instance


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _run(instance: dg.DagsterInstance, tags: dict[str, str], status=dg.DagsterRunStatus.STARTED) -> dg.DagsterRun:
    job = defs.resolve_job_def(LCT_PIPELINE_JOB)
    return instance.create_run_for_job(job_def=job, tags={PARTITION_TAG: YEAR, **tags}, status=status)


def _calculation(url: str, run_id: str, dagster_run_id: str, status: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO lct.calculation_runs (run_id, year, run_type, status, started_at, dagster_run_id) "
                "VALUES (:r, :y, 'full', :s, now(), :d)"
            ),
            {"r": run_id, "y": YEAR, "s": status, "d": dagster_run_id},
        )
    engine.dispose()


def _statuses(url: str) -> dict[str, str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT run_id, status FROM lct.calculation_runs")).all())
    engine.dispose()
    return rows


def test_which_worker_is_gone() -> None:
    mine = worker_tags()
    assert not worker_gone(mine)
    assert worker_gone({**mine, WORKER_PID_TAG: str(_dead_pid())})
    recycled = psutil.Process().create_time() - 3600  # our pid, but a process started an hour earlier
    assert worker_gone({**mine, WORKER_STARTED_TAG: f"{recycled:.2f}"})
    assert not worker_gone({**mine, WORKER_HOST_TAG: socket.gethostname() + "-elsewhere"})
    assert not worker_gone({})  # a run the daemon launched: Dagster's to judge


def test_reap_fails_only_the_dead_runs_of_this_host_and_settles_their_calculation_rows(
    instance: dg.DagsterInstance, dagster_env: dict[str, str]
) -> None:
    url = dagster_env["LCT_DATABASE_URL"]
    dead = _run(instance, {**worker_tags(), WORKER_PID_TAG: str(_dead_pid())})
    alive = _run(instance, worker_tags())
    elsewhere = _run(instance, {**worker_tags(), WORKER_HOST_TAG: "another-host", WORKER_PID_TAG: str(_dead_pid())})
    done = _run(instance, {}, status=dg.DagsterRunStatus.SUCCESS)
    _calculation(url, "20260101T000001Z", dead.run_id, "success")  # killed in the exports
    _calculation(url, "20260101T000002Z", alive.run_id, "running")
    _calculation(url, "20260101T000003Z", done.run_id, "success")
    engine = create_engine(url)
    try:
        reaped = reap(instance, engine, by="a test")
    finally:
        engine.dispose()
    assert [r.run_id for r in reaped.dead_runs] == [dead.run_id]
    assert reaped.failed_calculations == ["20260101T000001Z"]
    statuses = {r.run_id: instance.get_run_by_id(r.run_id).status for r in (dead, alive, elsewhere, done)}
    assert statuses == {
        dead.run_id: dg.DagsterRunStatus.FAILURE,
        alive.run_id: dg.DagsterRunStatus.STARTED,
        elsewhere.run_id: dg.DagsterRunStatus.STARTED,
        done.run_id: dg.DagsterRunStatus.SUCCESS,
    }
    [failure] = instance.all_logs(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    assert f"pid {dead.tags[WORKER_PID_TAG]}" in failure.dagster_event.message
    assert "Marked failed by a test" in failure.dagster_event.message
    assert _statuses(url) == {
        "20260101T000001Z": "failed",
        "20260101T000002Z": "running",
        "20260101T000003Z": "success",
    }


def test_the_sensor_settles_a_row_left_running_by_a_run_that_failed_and_keeps_a_blocked_one(
    instance: dg.DagsterInstance, dagster_env: dict[str, str]
) -> None:
    url = dagster_env["LCT_DATABASE_URL"]
    failed = _run(instance, {}, status=dg.DagsterRunStatus.FAILURE)  # e.g. its worker died under the daemon
    blocked = _run(instance, {}, status=dg.DagsterRunStatus.FAILURE)
    _calculation(url, "20260101T000004Z", failed.run_id, "running")
    _calculation(url, "20260101T000005Z", blocked.run_id, "blocked")
    with dg.build_sensor_context(instance=instance, resources={"postgres": PostgresResource(url=url)}) as context:
        result = dead_run_sensor(context)
    assert "calculation run(s) 20260101T000004Z marked failed" in result.skip_message
    assert _statuses(url) == {"20260101T000004Z": "failed", "20260101T000005Z": "blocked"}


def test_a_year_is_busy_with_any_run_of_its_partition_also_one_without_our_tags(instance: dg.DagsterInstance) -> None:
    assert not year_is_busy(instance, YEAR)
    from_the_ui = _run(instance, {})  # started, with only dagster/partition among the tags that matter here
    assert year_is_busy(instance, YEAR)
    assert not year_is_busy(instance, "2022-23")
    instance.report_run_failed(from_the_ui)
    assert not year_is_busy(instance, YEAR)


def test_worker_tags_name_this_process() -> None:
    tags = worker_tags()
    assert tags[WORKER_HOST_TAG] == socket.gethostname() and tags[WORKER_PID_TAG] == str(os.getpid())
