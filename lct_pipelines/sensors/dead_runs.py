"""Runs whose process is gone become FAILURE, with a reason that says so, instead of blocking their school year.

`lct run` and `lct warehouse refresh` execute in-process and tag their run with this host, the pid and the
process's start time (`worker_tags`). Killed (kill -9), or cut off when PostgreSQL stopped under them, such
a process leaves its run STARTED for ever: the enrichment sensor then skips the year as busy, and the queued
coordinator counts the run against its limits, so a job launched from the UI stays QUEUED. `reap` fails
every such run of this host whose process no longer exists, then settles the audit rows: the
`calculation_runs` row of a run that died or failed becomes 'failed' (never 'running' for ever, never
'success' when the run was killed in the exports). `lct up`, `lct run` and `dead_run_sensor` call it.

Runs the daemon launches are watched by Dagster itself: the code server fails a run whose worker process
died, and run monitoring (dagster.yaml) one that never starts.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

import dagster as dg
import psutil
from sqlalchemy import Engine

from lct_pipelines.db.staging import transaction
from lct_pipelines.jobs import PARTITION_TAG, WORKER_HOST_TAG, WORKER_PID_TAG, WORKER_STARTED_TAG
from lct_pipelines.lct.run_status import fail_calculation_runs, unsettled_runs
from lct_pipelines.resources import PostgresResource

SENSOR_NAME = "dead_run_sensor"
IN_PROGRESS = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
ENDED_BADLY = {dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
# Process start times are compared at this precision (psutil reads them from /proc in clock ticks).
START_TIME_TOLERANCE_SECONDS = 1.0


def worker_tags() -> dict[str, str]:
    """The tags that say which process runs an in-process run."""
    return {
        WORKER_HOST_TAG: socket.gethostname(),
        WORKER_PID_TAG: str(os.getpid()),
        WORKER_STARTED_TAG: f"{psutil.Process().create_time():.2f}",
    }


def worker_gone(tags: dict[str, str]) -> bool:
    """True when the run's process (by its tags) ran on this host and no longer exists; False when alive or unknown.

    A pid now held by a process started at another time is a recycled pid: the run's process is gone.
    """
    if tags.get(WORKER_HOST_TAG) != socket.gethostname() or WORKER_PID_TAG not in tags:
        return False
    try:
        process = psutil.Process(int(tags[WORKER_PID_TAG]))
        started = process.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, ValueError):
        return True
    except psutil.AccessDenied:
        return False
    recorded = tags.get(WORKER_STARTED_TAG)
    return recorded is not None and abs(started - float(recorded)) > START_TIME_TOLERANCE_SECONDS


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    job_name: str
    partition: str | None
    pid: str


@dataclass
class Reaped:
    dead_runs: list[DeadRun] = field(default_factory=list)
    failed_calculations: list[str] = field(default_factory=list)  # calculation run ids now 'failed'

    def lines(self) -> list[str]:
        said = [
            f"run {r.run_id[:8]} ({r.job_name}{' ' + r.partition if r.partition else ''}) was left in progress by "
            f"process {r.pid}, which is gone: marked FAILURE"
            for r in self.dead_runs
        ]
        if self.failed_calculations:
            said.append(
                f"calculation run(s) {', '.join(self.failed_calculations)} marked failed (their run ended badly)"
            )
        return said


def fail_dead_runs(instance: dg.DagsterInstance, *, by: str) -> list[DeadRun]:
    """Fail every in-progress run of this host whose process is gone; `by` names who noticed (for the message)."""
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS, tags={WORKER_HOST_TAG: socket.gethostname()}))
    dead: list[DeadRun] = []
    for run in runs:
        if not worker_gone(dict(run.tags)):
            continue
        pid = run.tags.get(WORKER_PID_TAG, "?")
        instance.report_run_failed(
            run,
            message=f"The process running this run (pid {pid} on {run.tags.get(WORKER_HOST_TAG)}) is gone: killed, "
            f"or stopped when it lost its database. Marked failed by {by}; run it again.",
        )
        dead.append(DeadRun(run.run_id, run.job_name, run.tags.get(PARTITION_TAG), pid))
    return dead


def settle_calculation_runs(instance: dg.DagsterInstance, engine: Engine) -> list[str]:
    """Mark 'failed' the 'running' or 'success' calculation rows whose Dagster run ended FAILURE or CANCELED."""
    with transaction(engine) as cur:
        rows = unsettled_runs(cur)
        if not rows:
            return []
        ids = sorted({row.dagster_run_id for row in rows})
        ended_badly = [
            run.run_id for run in instance.get_runs(filters=dg.RunsFilter(run_ids=ids)) if run.status in ENDED_BADLY
        ]
        return fail_calculation_runs(cur, ended_badly)


def reap(instance: dg.DagsterInstance, engine: Engine, *, by: str) -> Reaped:
    """Fail the dead runs of this host, then settle the calculation rows of every run that ended badly."""
    dead = fail_dead_runs(instance, by=by)
    return Reaped(dead, settle_calculation_runs(instance, engine))


@dg.sensor(
    name=SENSOR_NAME,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every 30 s: a run left in progress by an `lct` process that no longer exists (killed, or cut "
    "off from its database) is marked FAILURE, so it stops blocking its school year and the run queue; the "
    "calculation_runs row of a run that died or failed becomes 'failed'.",
)
def dead_run_sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource) -> dg.SkipReason:
    reaped = reap(context.instance, postgres.engine, by=SENSOR_NAME)
    for line in reaped.lines():
        context.log.warning(line)
    return dg.SkipReason("; ".join(reaped.lines()) or "no dead run")
