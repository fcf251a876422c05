"""LCT_EXECUTOR=celery: a backfill's steps run in two `lct worker` processes on the embedded Redis, and stopping the
workers mid-run fails the run instead of leaving it STARTED; a second run of a school year waits for the first.

Everything is real, in the services + Celery shape of docs/deployment.md: two Celery workers (`lct worker`), a code
server and the Dagster daemon (queue, backfills) loading it over gRPC, on the Celery shape's instance
(deploy/dagster.celery.yaml), `dagster job backfill` of the `nces_import` job (six steps a year, three of
them parallel: the lean end-to-end path) and the test's PostgreSQL and Redis. The sensors are stopped first
(`dagster sensor stop`): the landing sensor would otherwise launch its own runs of the landed years beside the
backfill. The deadlines only stop a hung test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import dagster as dg
import pytest
import yaml
from sqlalchemy import create_engine, text

from lct_pipelines.assets.partitions import SCHOOL_YEAR_PARTITIONS_NAME
from lct_pipelines.cli.worker import node_name
from lct_pipelines.executors import CELERY, EXECUTOR_VARIABLE, WORKER_TIMEOUT_VARIABLE
from lct_pipelines.executors.celery import build_worker_app
from lct_pipelines.jobs import NCES_IMPORT_JOB
from lct_pipelines.sensors.enrichment_changes import SENSOR_NAME as ENRICHMENT_SENSOR
from lct_pipelines.sensors.nces_landing import SENSOR_NAME as LANDING_SENSOR
from lct_pipelines.services.ports import free_port
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


def _dagster_process(workspace: Path, *args: str) -> subprocess.Popen:
    command = [str(BIN / "dagster"), *args, "-w", str(workspace)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _dagster(workspace: Path, *args: str) -> str:
    process = _dagster_process(workspace, *args)
    output, _ = process.communicate(timeout=GIVE_UP_AFTER)
    assert process.returncode == 0, output
    return output


def _wait(
    what: str,
    condition: Callable[[], T],
    timeout: float = GIVE_UP_AFTER,
    logs: Sequence[Path] = (),
    interval: float = 1.0,
) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(interval)
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


def _runs(instance: dg.DagsterInstance, backfill: str | None = None) -> list[dg.DagsterRun]:
    tags = {"dagster/backfill": backfill} if backfill else {}
    return list(instance.get_runs(filters=dg.RunsFilter(job_name=NCES_IMPORT_JOB, tags=tags)))


def _backfill(workspace: Path, partitions: str) -> str:
    """`dagster job backfill` of nces_import; the backfill's id."""
    output = _dagster(workspace, "job", "backfill", "-j", NCES_IMPORT_JOB, "--partitions", partitions, "--noprompt")
    found = re.search(r"Launched backfill job `(\w+)`", output)
    assert found, output
    return found.group(1)


@dataclass
class CeleryStack:
    workers: dict[str, subprocess.Popen]
    workspace: Path
    logs: list[Path]


def _code_server(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """The code location served over gRPC, as deploy/systemd/lct-code-server.service does, and a workspace naming it:
    the daemon and every `dagster` command below load it from there instead of starting a server of their own."""
    port = free_port()
    where = ["--location-name", "lct_pipelines", "--host", "127.0.0.1", "--port", str(port)]
    command = [str(BIN / "dagster"), "code-server", "start", "--module-name", "lct_pipelines.definitions", *where]
    server = _spawn(command, tmp_path / "code-server.log")
    workspace = tmp_path / "workspace.yaml"
    grpc = {"host": "127.0.0.1", "port": port, "location_name": "lct_pipelines"}
    workspace.write_text(yaml.safe_dump({"load_from": [{"grpc_server": grpc}]}))
    health = [str(BIN / "dagster"), "api", "grpc-health-check", "--port", str(port), "--host", "127.0.0.1"]
    _wait(
        "the code server answers",
        lambda: server.poll() is None and subprocess.run(health, capture_output=True).returncode == 0,
        timeout=300,
        logs=[tmp_path / "code-server.log"],
    )
    return server, workspace


@pytest.fixture
def celery_stack(dagster_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CeleryStack]:
    """Two landed school years, two workers, the code server, the sensors stopped, the daemon running."""
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
    logs = [tmp_path / f"{name}.log" for name in WORKERS] + [tmp_path / "daemon.log", tmp_path / "code-server.log"]
    daemon = code_server = None
    try:
        code_server, workspace = _code_server(tmp_path)
        app = build_worker_app(dagster_env["LCT_REDIS_URL"])
        expected = {node_name(name) for name in WORKERS}
        _wait(
            "both workers answer a ping",
            lambda: expected <= {host for reply in app.control.ping(timeout=1) or [] for host in reply},
            timeout=240,
            logs=logs,
        )
        for sensor in (LANDING_SENSOR, ENRICHMENT_SENSOR):
            _dagster(workspace, "sensor", "stop", sensor)
        daemon = _spawn([str(BIN / "dagster-daemon"), "run", "-w", str(workspace)], tmp_path / "daemon.log")
        yield CeleryStack(workers, workspace, logs)
    finally:
        for process in [*workers.values(), daemon, code_server]:
            if process is not None:
                _stop(process, signal.SIGKILL if process is daemon else signal.SIGTERM)


@pytest.mark.timeout(1200)  # a hung test; on a quiet machine it takes ~2 min, on a loaded one several times that
def test_a_backfill_runs_its_steps_in_both_workers_and_stopped_workers_leave_no_run_started(
    celery_stack: CeleryStack, dagster_env: dict[str, str]
) -> None:
    workers, workspace, logs = celery_stack.workers, celery_stack.workspace, celery_stack.logs
    two_years = _backfill(workspace, ",".join(YEARS))
    with dg.DagsterInstance.get() as instance:
        _wait("the backfill's runs are created", lambda: len(_runs(instance, two_years)) == 2, logs=logs)
        # A second backfill of the first year right away: its run waits until the first one of that year ended.
        again = _backfill(workspace, YEARS[0])

        def finished() -> list[dg.DagsterRun] | None:
            runs = _runs(instance, two_years)
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

        # Stop both workers while the second backfill's run is executing: it must end, not wait for ever.
        def executing() -> dg.DagsterRun | None:
            return next((r for r in _runs(instance, again) if _workers_of(instance, r.run_id)), None)

        # Watched closely: the workers must stop while steps remain. nces_import is four steps, the last
        # (nces__import_summary) after nces_year_import; seen a second late, the run could be at its last step,
        # which a stopping worker finishes: the run then succeeds and shows nothing.
        run = _wait("the second backfill's run executes a step in a worker", executing, logs=logs, interval=0.1)
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
        # One run per school year at a time: the second run of the first year started after the first one ended.
        (first,) = [r for r in runs if r.tags.get("dagster/partition") == YEARS[0]]
        first_ended = instance.get_run_record_by_id(first.run_id).end_time
        second_started = instance.get_run_record_by_id(run.run_id).start_time
        assert first_ended is not None and second_started is not None and second_started >= first_ended
