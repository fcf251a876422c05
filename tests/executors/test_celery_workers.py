"""LCT_EXECUTOR=celery: a backfill's steps run in two `lct worker` processes on the embedded Redis, and stopping the
workers mid-run fails the run instead of leaving it STARTED.

Everything is real: two Celery workers (`lct worker`), the Dagster daemon (queue, backfills) on the Celery shape's
instance (deploy/dagster.celery.yaml), `dagster job backfill` of the `nces_import` job (six steps a year, three of
them parallel: the lean end-to-end path) and the test's PostgreSQL and Redis. The sensors are stopped first
(`dagster sensor stop`): the landing sensor would otherwise launch its own runs of the landed years beside the
backfill. The deadlines only stop a hung test.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from lct_pipelines.assets.partitions import SCHOOL_YEAR_PARTITIONS_NAME
from lct_pipelines.cli.worker import node_name
from lct_pipelines.executors import CELERY, EXECUTOR_VARIABLE, WORKER_TIMEOUT_VARIABLE
from lct_pipelines.executors.celery import build_worker_app
from lct_pipelines.jobs import NCES_IMPORT_JOB
from lct_pipelines.project import workspace_yaml
from lct_pipelines.sensors.enrichment_changes import SENSOR_NAME as ENRICHMENT_SENSOR
from lct_pipelines.sensors.nces_landing import SENSOR_NAME as LANDING_SENSOR
from tests.ccd_factory import unified_district, write_ccd_files

T = TypeVar("T")
YEARS = ("2022-23", "2023-24")
WORKERS = ("w1", "w2")
WORKER_TIMEOUT_SECONDS = 15
GIVE_UP_AFTER = 600.0
BIN = Path(sys.executable).parent
CELERY_INSTANCE = Path(__file__).resolve().parents[2] / "deploy" / "dagster.celery.yaml"
UNFINISHED = {
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
}


def _spawn(command: list[str], log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    # Its own session: one signal reaches the process and its children (code server, pool processes).
    return subprocess.Popen(
        command, env=dict(os.environ), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 120) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _dagster_process(*args: str) -> subprocess.Popen:
    command = [str(BIN / "dagster"), *args, "-w", str(workspace_yaml())]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _dagster(*args: str) -> None:
    process = _dagster_process(*args)
    output, _ = process.communicate(timeout=GIVE_UP_AFTER)
    assert process.returncode == 0, output


def _wait(what: str, condition: Callable[[], T], timeout: float = GIVE_UP_AFTER, logs: Sequence[Path] = ()) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(1)
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in logs if log.exists())
    raise AssertionError(f"{what}: not within {timeout:.0f} s\n{tails}")


def _workers_of(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    """The Celery workers the run's steps executed in, from dagster-celery's 'Executing steps' engine events."""
    names = set()
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = record.dagster_event.engine_event_data if record.dagster_event else None
        if data is not None and "Celery worker" in data.metadata:
            names.add(data.metadata["Celery worker"].value)
    return names


def _runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(job_name=NCES_IMPORT_JOB)))


@pytest.fixture
def celery_stack(
    dagster_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[dict[str, subprocess.Popen], list[Path]]]:
    """Two landed school years, two workers, the sensors stopped, the daemon running."""
    monkeypatch.setenv(EXECUTOR_VARIABLE, CELERY)
    monkeypatch.setenv(WORKER_TIMEOUT_VARIABLE, str(WORKER_TIMEOUT_SECONDS))
    # A loaded machine (2 shared cores) can take over Dagster's 60 s to answer a code-server call.
    monkeypatch.setenv("DAGSTER_GRPC_TIMEOUT_SECONDS", "300")
    for year in YEARS:
        districts = [unified_district(f"55{n:05d}", f"WI {n}", "WI", per_grade=90 + n) for n in range(1, 4)]
        write_ccd_files(Path(dagster_env["LCT_DATA_DIR"], "raw", "nces_ccd", year), districts, year=year)
    # The instance of the Celery shape (deploy/dagster.celery.yaml), not the local one: it runs here for real.
    dagster_home = Path(dagster_env["DAGSTER_HOME"])
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CELERY_INSTANCE, dagster_home / "dagster.yaml")
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(SCHOOL_YEAR_PARTITIONS_NAME, list(YEARS))
    workers = {name: _spawn([str(BIN / "lct"), "worker", "--name", name], tmp_path / f"{name}.log") for name in WORKERS}
    logs = [tmp_path / f"{name}.log" for name in WORKERS] + [tmp_path / "daemon.log"]
    daemon = None
    try:
        app = build_worker_app(dagster_env["LCT_REDIS_URL"])
        expected = {node_name(name) for name in WORKERS}
        _wait(
            "both workers answer a ping",
            lambda: expected <= {host for reply in app.control.ping(timeout=1) or [] for host in reply},
            timeout=240,
            logs=logs,
        )
        stopping = [_dagster_process("sensor", "stop", sensor) for sensor in (LANDING_SENSOR, ENRICHMENT_SENSOR)]
        for process in stopping:
            assert process.wait(timeout=GIVE_UP_AFTER) == 0, process.stdout.read() if process.stdout else ""
        daemon = _spawn([str(BIN / "dagster-daemon"), "run", "-w", str(workspace_yaml())], tmp_path / "daemon.log")
        yield workers, logs
    finally:
        for process in [*workers.values(), daemon]:
            if process is not None:
                _stop(process, signal.SIGKILL if process is daemon else signal.SIGTERM)


@pytest.mark.timeout(1200)  # a hung test; on a quiet machine it takes ~2 min, on a loaded one several times that
def test_a_backfill_runs_its_steps_in_both_workers_and_stopped_workers_leave_no_run_started(
    celery_stack: tuple[dict[str, subprocess.Popen], list[Path]], dagster_env: dict[str, str]
) -> None:
    workers, logs = celery_stack
    _dagster("job", "backfill", "-j", NCES_IMPORT_JOB, "--partitions", ",".join(YEARS), "--noprompt")
    with dg.DagsterInstance.get() as instance:

        def finished() -> list[dg.DagsterRun] | None:
            runs = _runs(instance)
            return runs if len(runs) == 2 and not any(r.status in UNFINISHED for r in runs) else None

        runs = _wait("the backfill's two runs finish", finished, logs=logs)
        assert {r.tags.get("dagster/partition") for r in runs} == set(YEARS)
        assert {r.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}, [(r.run_id, r.status) for r in runs]
        ran_in = set().union(*(_workers_of(instance, r.run_id) for r in runs))
        assert ran_in == {node_name(name) for name in WORKERS}
        engine = create_engine(dagster_env["LCT_DATABASE_URL"])
        with engine.connect() as conn:
            years = conn.execute(text("SELECT DISTINCT school_year FROM nces.lea_directory")).scalars().all()
        engine.dispose()
        assert sorted(years) == list(YEARS)

        # Stop both workers while a run is executing: it must end, not wait for ever.
        done = {r.run_id for r in runs}
        _dagster("job", "backfill", "-j", NCES_IMPORT_JOB, "--partitions", YEARS[0], "--noprompt")

        def executing() -> dg.DagsterRun | None:
            return next((r for r in _runs(instance) if r.run_id not in done and _workers_of(instance, r.run_id)), None)

        run = _wait("the third run executes a step in a worker", executing, logs=logs)
        # SIGTERM to each worker's main process, as systemd's KillMode=mixed does (deploy/systemd/lct-worker@.service):
        # the step in progress finishes, the steps after it find no worker.
        for process in workers.values():
            process.send_signal(signal.SIGTERM)
        for process in workers.values():
            process.wait(timeout=GIVE_UP_AFTER)
        finished = _wait(
            "the run whose workers stopped ends",
            lambda: (r := instance.get_run_by_id(run.run_id)) and r.status not in UNFINISHED and r,
            timeout=WORKER_TIMEOUT_SECONDS + 240,
            logs=logs,
        )
        assert finished.status == dg.DagsterRunStatus.FAILURE
        failure = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        messages = " ".join(str(r.dagster_event.event_specific_data) for r in failure if r.dagster_event)
        assert "Celery worker" in messages, messages
        assert not [r.run_id for r in _runs(instance) if r.status in UNFINISHED]
