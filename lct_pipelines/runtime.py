"""Bring the stack up for a command: servers, migrations, the Dagster home and the environment."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

from lct_pipelines.db import migrate
from lct_pipelines.paths import dagster_yaml
from lct_pipelines.services import stack
from lct_pipelines.settings import Settings


def prepare_dagster_home(settings: Settings) -> None:
    """$DAGSTER_HOME holds a copy of the project's dagster.yaml (Dagster reads it from there)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    target = settings.dagster_home / "dagster.yaml"
    source = dagster_yaml()
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)


def bring_up(settings: Settings, progress: Callable[[str], None] = print) -> dict[str, str]:
    """Start (or reuse) the servers, apply migrations, export the environment; returns it."""
    urls = stack.up(settings, progress=progress)
    migrate.upgrade(urls.database_url)
    progress(f"database: migrations at {migrate.current(urls.database_url)}")
    prepare_dagster_home(settings)
    env = stack.environment(settings)
    os.environ.update(env)
    return env
