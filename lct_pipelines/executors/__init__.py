"""How the steps of a run execute: in the run's process (the default) or on Celery workers (`LCT_EXECUTOR=celery`).

Chosen when the code location loads, for every job and for the runs the UI launches; the run's process
loads the same code with the same environment, so it executes what the UI showed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dagster as dg

EXECUTOR_VARIABLE = "LCT_EXECUTOR"
IN_PROCESS = "in_process"
CELERY = "celery"
# Broker and result backend of the Celery executor: the project's Redis.
BROKER_VARIABLE = "LCT_REDIS_URL"
WORKER_TIMEOUT_VARIABLE = "LCT_CELERY_WORKER_TIMEOUT_SECONDS"


class ExecutorChoiceError(ValueError):
    """LCT_EXECUTOR names no executor we have."""


def chosen_executor(environ: Mapping[str, str] | None = None) -> dg.ExecutorDefinition:
    """The executor LCT_EXECUTOR names: `in_process` (default) or `celery` (broker and backend: LCT_REDIS_URL)."""
    env = os.environ if environ is None else environ
    choice = (env.get(EXECUTOR_VARIABLE) or IN_PROCESS).strip().lower().replace("-", "_")
    if choice == IN_PROCESS:
        return dg.in_process_executor
    if choice != CELERY:
        raise ExecutorChoiceError(f"{EXECUTOR_VARIABLE}={choice!r}: expected {IN_PROCESS!r} or {CELERY!r}")
    from lct_pipelines.executors.celery import DEFAULT_WORKER_TIMEOUT_SECONDS, watched_celery_executor

    timeout = env.get(WORKER_TIMEOUT_VARIABLE) or str(DEFAULT_WORKER_TIMEOUT_SECONDS)
    try:
        worker_timeout = float(timeout)
    except ValueError as error:
        raise ExecutorChoiceError(f"{WORKER_TIMEOUT_VARIABLE}={timeout!r}: expected seconds") from error
    return watched_celery_executor.configured(
        {
            "broker": {"env": BROKER_VARIABLE},
            "backend": {"env": BROKER_VARIABLE},
            "worker_timeout_seconds": worker_timeout,
        },
        name=CELERY,
    )
