"""LCT_EXECUTOR picks the executor of every job and of the runs the UI launches; in-process stays the default."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from lct_pipelines.executors import CELERY, EXECUTOR_VARIABLE, ExecutorChoiceError, chosen_executor

SHOW_EXECUTORS = """
import json
from lct_pipelines.definitions import defs
repository = defs.get_repository_def()
print(json.dumps({job.name: job.executor_def.name for job in repository.get_all_jobs()}))
"""


def test_in_process_is_the_default_and_celery_is_chosen_by_name() -> None:
    assert chosen_executor({}).name == "in_process"
    assert chosen_executor({EXECUTOR_VARIABLE: "in-process"}).name == "in_process"
    assert chosen_executor({EXECUTOR_VARIABLE: "Celery"}).name == CELERY


def test_an_unknown_executor_or_timeout_is_refused_naming_the_variable() -> None:
    with pytest.raises(ExecutorChoiceError, match=EXECUTOR_VARIABLE):
        chosen_executor({EXECUTOR_VARIABLE: "dask"})
    with pytest.raises(ExecutorChoiceError, match="LCT_CELERY_WORKER_TIMEOUT_SECONDS"):
        chosen_executor({EXECUTOR_VARIABLE: CELERY, "LCT_CELERY_WORKER_TIMEOUT_SECONDS": "soon"})


@pytest.mark.parametrize("choice", ["in_process", CELERY])
def test_every_job_and_the_ui_s_asset_job_use_the_chosen_executor(choice: str) -> None:
    """In a fresh process, as the code server loads it (the choice is made when the definitions load)."""
    env = {**os.environ, EXECUTOR_VARIABLE: choice}
    shown = subprocess.run([sys.executable, "-c", SHOW_EXECUTORS], env=env, capture_output=True, text=True, check=True)
    executors = json.loads(shown.stdout.strip().splitlines()[-1])
    assert "__ASSET_JOB" in executors  # what an asset page, a group or a backfill launches
    assert set(executors.values()) == {choice}
