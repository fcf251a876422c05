"""Dagster's Celery executor (dagster-celery) on the project's Redis, with a watchdog on the workers.

Each step of a run becomes a Celery task on the queue `dagster`; `lct worker` processes execute them. The
run's own process waits for every task's result, and dagster-celery waits for ever: a run whose workers are
all stopped (or whose step was on a worker that was killed) would stay STARTED (dagster-io/dagster#2336).
The watchdog pings the workers through the broker while steps wait and fails the run, revoking what it had
queued, when no worker has answered for `worker_timeout_seconds` (or the one running a step has not).
"""

from __future__ import annotations

import time
from typing import Any

import dagster as dg
from celery import Celery
from celery import states as celery_states
from dagster._core.execution.retries import RetryMode
from dagster_celery.core_execution_loop import core_celery_execution_loop
from dagster_celery.executor import CELERY_CONFIG, CeleryExecutor, _submit_task
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task, create_task

QUEUE = "dagster"  # dagster-celery's default queue; `lct worker` consumes it
DEFAULT_WORKER_TIMEOUT_SECONDS = 60.0
# How often the workers are pinged while steps wait (a ping waits PING_SECONDS for the replies).
PING_EVERY_SECONDS = 5.0
PING_SECONDS = 1.0


class CeleryWorkersLostError(Exception):
    """Steps wait on Celery workers that are gone."""


class WorkerWatchdog:
    """Which workers answered a ping when; whether a submitted step can still be executed by one of them."""

    def __init__(self, worker_timeout_seconds: float) -> None:
        self.worker_timeout_seconds = worker_timeout_seconds
        self._app: Celery | None = None
        self._started = time.monotonic()
        self._last_ping = float("-inf")
        self._last_answer: dict[str, float] = {}  # worker hostname -> when it last answered
        self._submitted: dict[str, Any] = {}  # step key -> AsyncResult

    def submit(self, app: Celery, plan_context: Any, step: Any, queue: str, priority: int, known_state: Any) -> Any:
        """dagster-celery's step submission, the result wrapped so the execution loop asks us whether it is lost."""
        self._app = app
        result = _submit_task(app, plan_context, step, queue, priority, known_state)
        self._submitted[step.key] = result
        return WatchedResult(result, step.key, self)

    def _ping(self) -> None:
        now = time.monotonic()
        if self._app is None or now - self._last_ping < PING_EVERY_SECONDS:
            return
        self._last_ping = now
        for reply in self._app.control.ping(timeout=PING_SECONDS) or []:
            for hostname in reply:
                self._last_answer[hostname] = time.monotonic()

    def _silent_for(self, hostname: str | None = None) -> float:
        """Seconds since `hostname` (any worker when None) last answered, or since we started watching."""
        answers = [t for h, t in self._last_answer.items() if hostname is None or h == hostname]
        return time.monotonic() - max([self._started, *answers])

    def lost(self, step_key: str, result: Any) -> str | None:
        """Why the step can no longer finish, or None while it can."""
        state = result.state
        if state not in (celery_states.PENDING, celery_states.RECEIVED, celery_states.STARTED):
            return None
        self._ping()
        # STARTED carries {'pid', 'hostname'}; read apart from the state, it may already be the step's events.
        meta = result.info if state == celery_states.STARTED else None
        hostname = meta.get("hostname") if isinstance(meta, dict) else None
        silent = self._silent_for(hostname)
        if silent < self.worker_timeout_seconds:
            return None
        if hostname:
            return (
                f"step {step_key} was running on Celery worker {hostname}, which has not answered for "
                f"{silent:.0f} s (stopped or killed)"
            )
        return (
            f"step {step_key} waits on queue {QUEUE!r}, and no Celery worker has answered for {silent:.0f} s: "
            "start one with `lct worker`"
        )

    def give_up(self, reason: str) -> None:
        """Revoke what this run queued (workers alive drop it) and fail the run."""
        for result in self._submitted.values():
            if not result.ready():
                result.revoke()
        raise CeleryWorkersLostError(f"{reason}; the run's queued steps were revoked")


class WatchedResult:
    """A step's AsyncResult for dagster-celery's loop: `ready()` fails the run when the watchdog gives up."""

    def __init__(self, result: Any, step_key: str, watchdog: WorkerWatchdog) -> None:
        self._result = result
        self._step_key = step_key
        self._watchdog = watchdog

    def ready(self) -> bool:
        if self._result.ready():
            return True
        reason = self._watchdog.lost(self._step_key, self._result)
        if reason is not None:
            self._watchdog.give_up(reason)
        return False

    def get(self) -> Any:
        return self._result.get()

    def revoke(self) -> None:
        self._result.revoke()


class WatchedCeleryExecutor(CeleryExecutor):
    def __init__(self, *, worker_timeout_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.worker_timeout_seconds = worker_timeout_seconds

    def execute(self, plan_context: Any, execution_plan: Any) -> Any:
        watchdog = WorkerWatchdog(self.worker_timeout_seconds)
        return core_celery_execution_loop(plan_context, execution_plan, step_execution_fn=watchdog.submit)


@dg.executor(
    name="celery",
    config_schema={
        **CELERY_CONFIG,
        "worker_timeout_seconds": dg.Field(
            float,
            default_value=DEFAULT_WORKER_TIMEOUT_SECONDS,
            description="Fail the run when a step waits and no worker (or not the one running it) has answered a "
            "ping for this long.",
        ),
    },
    requirements=dg.multiple_process_executor_requirements(),
)
def watched_celery_executor(init_context: dg.InitExecutorContext) -> WatchedCeleryExecutor:
    """dagster-celery's executor (same broker, backend, include, config_source and retries) with the watchdog."""
    config = init_context.executor_config
    return WatchedCeleryExecutor(
        broker=config.get("broker"),
        backend=config.get("backend"),
        config_source=config.get("config_source"),
        include=config.get("include"),
        retries=RetryMode.from_config(config["retries"]),  # type: ignore[arg-type]
        worker_timeout_seconds=config["worker_timeout_seconds"],
    )


def build_worker_app(broker_url: str) -> Celery:
    """The Celery app `lct worker` runs: dagster-celery's tasks, broker and result backend on `broker_url`.

    The step task tracks its start, so the watchdog knows which worker runs a step (hostname and pid).
    """
    app = make_app(CeleryExecutor.for_cli(broker=broker_url, backend=broker_url).app_args())
    create_task(app, track_started=True)
    create_execute_job_task(app)
    create_resume_job_task(app)
    return app
