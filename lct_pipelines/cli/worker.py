"""`lct worker`: a dagster-celery worker on the project's Redis, executing the steps of LCT_EXECUTOR=celery runs.

The broker and result backend are the Redis `lct up` started, or LCT_REDIS_URL. The worker runs in this
process (Celery's `worker_main`), so the broker's password stays in the environment, never in a file or on
a command line. It executes steps with the settings `lct env` shows (database, Dagster instance, landing
folder), which must name the same servers as the run's process; on other machines, set them there.
"""

from __future__ import annotations

import argparse
import os
import socket

from lct_pipelines.executors import CELERY, EXECUTOR_VARIABLE
from lct_pipelines.executors.celery import QUEUE


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return number


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--concurrency",
        type=_at_least_one,
        default=1,
        help="steps executed at once, each in a child process (default 1: a step is one heavy query or file)",
    )
    parser.add_argument(
        "--name",
        help="the worker's node name before @host (default lct-<pid>); it shows in the step's events",
    )
    parser.add_argument("--loglevel", default="INFO", help="Celery's log level (default INFO)")
    return parser


def node_name(name: str | None) -> str:
    """Celery's node name, name@host: unique per process on one host unless given."""
    return f"{name or f'lct-{os.getpid()}'}@{socket.gethostname()}"


def worker_argv(args: argparse.Namespace) -> list[str]:
    return [
        "worker",
        f"--hostname={node_name(args.name)}",
        f"--queues={QUEUE}",
        f"--concurrency={args.concurrency}",
        "--pool=prefork",  # the main process answers the watchdog's pings while a child runs a step
        "--prefetch-multiplier=1",  # hold no step another idle worker could run
        f"--loglevel={args.loglevel}",
        "--without-gossip",
        "--without-mingle",
    ]


def run_worker(args: argparse.Namespace, broker_url: str) -> int:
    """Serve steps until stopped. SIGTERM: finish the steps in progress, then exit (Celery's warm shutdown)."""
    from lct_pipelines.executors.celery import build_worker_app

    os.environ[EXECUTOR_VARIABLE] = CELERY
    app = build_worker_app(broker_url)
    app.worker_main(worker_argv(args))
    return 0
