"""kill -9 of `lct run` in the import and in the exports: the runs do not stay STARTED for ever, nothing is lost.

Each run is killed inside the named step: the test holds that step's write lock, the step waits on it (seen in
pg_locks, with the run and step in its application name), and is killed there. Before the fix the two runs
stayed STARTED, the queue (one run per partition) launched nothing more for the year and the calculation row
of the run killed in the exports said 'success'. Now the daemon's dead_run_sensor fails them with a reason,
the calculation row becomes 'failed', and a run submitted to the queue for the same year completes.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import dagster as dg
import requests
from sqlalchemy import create_engine, text

from lct_pipelines.cli.main import main
from lct_pipelines.db.write_locks import exports_resource, year_resource
from lct_pipelines.jobs import LCT_PIPELINE_JOB, PARTITION_TAG
from tests.faults.conftest import YEAR
from tests.faults.processes import GIVE_UP_AFTER, holding_lock, output_of, start_lct, wait_for_waiter
from tests.faults.state import data_state, debris

LAUNCH = """
mutation ($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""


def kill_in_step(env: dict[str, str], resource: str, log: Path) -> str:
    """Start `lct run`, let it reach the step that writes `resource`, kill -9 it there; the run id prefix."""
    with holding_lock(env["LCT_DATABASE_URL"], resource) as conn:
        process = start_lct(["run"], env, log)
        waiter = wait_for_waiter(conn, resource, process)  # 'lct <resource>: run 1a2b3c4d <step>'
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, output_of(log)
    return waiter.split(": run ")[1].split()[0]


def _run(instance: dg.DagsterInstance, prefix: str) -> dg.DagsterRun:
    [run] = [
        r for r in instance.get_runs(filters=dg.RunsFilter(job_name=LCT_PIPELINE_JOB)) if r.run_id.startswith(prefix)
    ]
    return run


def _calculation_statuses(url: str, dagster_run_id: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT status FROM lct.calculation_runs WHERE dagster_run_id = :id"), {"id": dagster_run_id}
        ).scalars()
        statuses = list(rows)
    engine.dispose()
    return statuses


def _failure_message(run_id: str) -> str:
    with dg.DagsterInstance.get() as instance:
        [failure] = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    return failure.dagster_event.message or ""


def _submit(url: str, year: str) -> str:
    params = {
        "selector": {
            "repositoryLocationName": "lct_pipelines",
            "repositoryName": "__repository__",
            "jobName": LCT_PIPELINE_JOB,
        },
        "executionMetadata": {"tags": [{"key": PARTITION_TAG, "value": year}]},
        "runConfigData": {},
    }
    response = requests.post(f"{url}/graphql", json={"query": LAUNCH, "variables": {"params": params}}, timeout=60)
    response.raise_for_status()
    launched = response.json()["data"]["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def _wait_finished(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRun:
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if run is not None and run.is_finished:
            return run
        time.sleep(1)
    raise TimeoutError(f"run {run_id} not finished within {GIVE_UP_AFTER} s: {instance.get_run_by_id(run_id).status}")


def test_kill_9_in_the_import_and_in_the_exports_then_a_queued_run_completes_under_the_daemon(
    landed: dict[str, str], tmp_path: Path, ui_factory
) -> None:
    url, data_dir, env = landed["LCT_DATABASE_URL"], landed["LCT_DATA_DIR"], dict(os.environ)
    assert main(["run"]) == 0
    before = data_state(url, data_dir)
    assert before.rows > 0 and before.exports

    in_import = kill_in_step(env, year_resource(YEAR), tmp_path / "import.log")
    in_exports = kill_in_step(env, exports_resource(YEAR), tmp_path / "exports.log")
    with dg.DagsterInstance.get() as instance:
        killed = [_run(instance, in_import), _run(instance, in_exports)]
    # The second `lct run` failed the first one's dead run as it started; its own stays STARTED (what blocked
    # the year for ever before the fix) until the daemon's sensor sees its process gone.
    assert [r.status for r in killed] == [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.STARTED]
    assert "Marked failed by lct run" in _failure_message(killed[0].run_id)
    assert _calculation_statuses(url, killed[1].run_id) == ["success"]  # its calculation step had committed
    assert data_state(url, data_dir) == before  # nothing half-written by either kill
    assert debris(data_dir) == []

    ui = ui_factory(env)
    with dg.DagsterInstance.get() as instance:
        queued = _submit(ui, YEAR)
        finished = _wait_finished(instance, queued)
        assert finished.status == dg.DagsterRunStatus.SUCCESS
        assert [instance.get_run_by_id(r.run_id).status for r in killed] == [dg.DagsterRunStatus.FAILURE] * 2
    reason = _failure_message(killed[1].run_id)
    assert f"pid {killed[1].tags['lct/pid']}" in reason and "is gone" in reason and "dead_run_sensor" in reason
    assert _calculation_statuses(url, killed[1].run_id) == ["failed"]
    assert data_state(url, data_dir) == before  # the same files, the same data
    assert debris(data_dir) == []
