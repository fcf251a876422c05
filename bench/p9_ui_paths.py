"""P4b and P9: what a user of the running UI waits for, with `lct ui` (webserver, daemon, code server) running.

On the demo year, calculated once by the `lct_recompute` job:

- P4b: one bell schedule saved with `lct enrich --district` (a different district each time) to the end of the
  incremental run the enrichment sensor launches (views refreshed, exports rewritten), timed from the save.
- P9: one partition of `lct/lct_calculations` materialized the way its asset page launches it (GraphQL
  `launchRun` of Dagster's implicit asset job, with the asset's checks), against the `lct_recompute` job of the
  same partition launched the same way, alternating; each timed from the run's creation to its end (queue,
  launch, start-up, work). The UI path must take at most 1.2x the job's time.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    import dagster as dg

    from bench.context import Bench

EDIT_GOAL_SECONDS = 20.0
UI_PATH_GOAL_RATIO = 1.2
LAUNCH_MUTATION = """
mutation ($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _ui_environment(bench: Bench) -> dict[str, str]:
    from bench.context import YEAR

    servers = bench.servers()
    home = bench.work / "ui_home"
    return {
        "LCT_HOME": str(home),
        "LCT_DATA_DIR": str(bench.work / "ui_data"),  # no landing files: the landing sensor stays idle
        "LCT_DATABASE_URL": bench.lct_database(),
        "DAGSTER_PG_URL": servers.new_database("bench_dagster", template="postgres"),  # Dagster's own, empty
        "LCT_REDIS_URL": servers.redis.url(),
        "DAGSTER_HOME": str(home / "dagster"),
        "LCT_BENCH_YEAR": YEAR,
    }


def _calculate_once(year: str) -> None:
    """The year's first full calculation (fingerprints, views), in-process like `lct run`."""
    import dagster as dg

    from lct_pipelines.assets.partitions import SCHOOL_YEAR_PARTITIONS_NAME
    from lct_pipelines.cli.launch import run_job
    from lct_pipelines.definitions import defs
    from lct_pipelines.jobs import LCT_RECOMPUTE_JOB
    from lct_pipelines.services.settings import Settings
    from lct_pipelines.services.up import bring_up

    bring_up(Settings.from_env(), progress=lambda _m: None)
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(SCHOOL_YEAR_PARTITIONS_NAME, [year])
        result = run_job(defs, instance, LCT_RECOMPUTE_JOB, launched_by="bench", partition_key=year)
    if not result.success:
        raise RuntimeError(f"the first calculation of {year} failed: run {result.run_id}")


@contextmanager
def _running_ui(bench: Bench, env: dict[str, str]) -> Iterator[str]:
    from bench.edit_to_views import LCT, SETTLE_SECONDS, wait_for_ui
    from lct_pipelines.services.ports import free_port

    port = free_port()
    log = bench.work / "ui.log"
    process = subprocess.Popen(
        [LCT, "ui", "--port", str(port)],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        ready = wait_for_ui(process, port, log)
        bench.say(f"P9: lct ui ready in {ready:.1f}s; letting the daemon settle {SETTLE_SECONDS:.0f}s")
        time.sleep(SETTLE_SECONDS)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def launch(url: str, job: str, partition: str, assets: list[Any] | None = None, checks: list[Any] | None = None) -> str:
    """Launch a run through the webserver's GraphQL, as the UI does; its run id."""
    import requests

    selector: dict[str, Any] = {"repositoryLocationName": "lct_pipelines", "repositoryName": "__repository__"}
    selector["jobName"] = job
    if assets is not None:
        selector["assetSelection"] = [{"path": key.path} for key in assets]
        selector["assetCheckSelection"] = [
            {"assetKey": {"path": c.asset_key.path}, "name": c.name} for c in checks or []
        ]
    params = {
        "selector": selector,
        "mode": "default",
        "runConfigData": {},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition}]},
    }
    response = requests.post(
        f"{url}/graphql", json={"query": LAUNCH_MUTATION, "variables": {"params": params}}, timeout=60
    )
    response.raise_for_status()
    answer = response.json()["data"]["launchRun"]
    if answer["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"launchRun {job}: {answer}")
    return answer["run"]["runId"]


def wait_for_run(instance: dg.DagsterInstance, run_id: str, limit: float = 600) -> float:
    """Seconds from the run's creation to its end; raises unless it succeeded."""
    import dagster as dg

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        record = instance.get_run_record_by_id(run_id)
        if record is not None and record.dagster_run.is_finished:
            if record.dagster_run.status != dg.DagsterRunStatus.SUCCESS:
                raise RuntimeError(f"run {run_id} ended {record.dagster_run.status.value}")
            return (record.end_time or 0) - record.create_timestamp.timestamp()
        time.sleep(0.25)
    raise RuntimeError(f"run {run_id} did not finish within {limit:.0f}s")


def _ui_path_selection() -> tuple[list[Any], list[Any]]:
    """What "Materialize" on the asset page of lct/lct_calculations selects: the multi-asset and its checks."""
    from lct_pipelines.assets.lct import CALCULATIONS_KEY, QA_REPORT_KEY
    from lct_pipelines.definitions import defs

    checks = defs.get_repository_def().asset_graph.get_check_keys_for_assets({CALCULATIONS_KEY})
    return [CALCULATIONS_KEY, QA_REPORT_KEY], sorted(checks, key=lambda c: c.name)


def _p9(bench: Bench, url: str, instance: dg.DagsterInstance, year: str) -> Figure:
    from lct_pipelines.jobs import LCT_RECOMPUTE_JOB

    assets, checks = _ui_path_selection()
    ui_path: list[float] = []
    job: list[float] = []
    for n in range(bench.runs):
        ui_path.append(wait_for_run(instance, launch(url, "__ASSET_JOB", year, assets, checks)))
        job.append(wait_for_run(instance, launch(url, LCT_RECOMPUTE_JOB, year)))
        bench.say(f"P9: run {n + 1}/{bench.runs}: asset page {ui_path[-1]:.1f}s, lct_recompute {job[-1]:.1f}s")
    ratio = statistics.median(ui_path) / statistics.median(job)
    return Figure(
        id="P9",
        title="one partition of lct_calculations materialized from its asset page (GraphQL, the implicit asset job)",
        ours=ui_path,
        baseline=job,
        baseline_name="the lct_recompute job of the same partition, launched the same way",
        goal=f"<= {UI_PATH_GOAL_RATIO}x the job",
        met=ratio <= UI_PATH_GOAL_RATIO,
        notes=f"creation to end of each run (queue, launch, start-up, work); UI path / job = {ratio:.2f}",
        extra={"ui_path_over_job": ratio},
    )


def _p4b(bench: Bench, env: dict[str, str], instance: dg.DagsterInstance) -> Figure:
    from bench.edit_to_views import candidates, edit_and_wait

    samples = []
    for leaid in candidates(env["LCT_DATABASE_URL"], bench.runs):
        sample = edit_and_wait(instance, leaid, {**os.environ, **env})
        bench.say(f"P4b: {leaid}: {sample['edit_to_views_refreshed_s']:.1f}s ({sample})")
        samples.append(sample)
    times = [s["edit_to_views_refreshed_s"] for s in samples]
    return Figure(
        id="P4b",
        title="bell-schedule edit to refreshed views, with the Dagster daemon (end to end)",
        ours=times,
        goal=f"< {EDIT_GOAL_SECONDS:.0f} s",
        met=statistics.median(times) < EDIT_GOAL_SECONDS,
        notes="from the save of `lct enrich --district` to the end of the sensor-launched lct_incremental run",
        extra={"samples": samples},
    )


def run(bench: Bench) -> list[Figure]:
    import dagster as dg

    env = _ui_environment(bench)
    year = env.pop("LCT_BENCH_YEAR")
    Path(env["LCT_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    with _environment(env):
        _calculate_once(year)
        with _running_ui(bench, env) as url, dg.DagsterInstance.get() as instance:
            p9 = _p9(bench, url, instance, year)
            p4b = _p4b(bench, env, instance)
    return [p4b, p9]
