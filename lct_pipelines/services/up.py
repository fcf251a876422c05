"""`lct up` and every command that needs the stack: servers, migrations, the warehouse rollups, the Dagster home."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import psycopg2

from lct_pipelines.db import migrate
from lct_pipelines.db.data_dictionary import regenerate_data_dictionary
from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.project import dagster_yaml, data_dictionary_dir
from lct_pipelines.services import stack
from lct_pipelines.services.home_lock import exclusive_home
from lct_pipelines.services.replica import wait_for_catch_up
from lct_pipelines.services.secrets_store import get_or_create_secret
from lct_pipelines.services.settings import Settings
from lct_pipelines.warehouse.roles import ensure_reader_role
from lct_pipelines.warehouse.views import ROLLUPS, create_views


def prepare_dagster_home(settings: Settings) -> None:
    """$DAGSTER_HOME holds a copy of the project's dagster.yaml (Dagster reads it from there)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    target = settings.dagster_home / "dagster.yaml"
    source = dagster_yaml()
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)


def deploy_warehouse(database_url: str) -> list[str]:
    """Create the missing warehouse rollups (idempotent: "runs on deploy"); the names of those created."""
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        return create_views(conn)
    finally:
        conn.close()


def bring_up(settings: Settings, progress: Callable[[str], None] = print, replicas: int = 0) -> dict[str, str]:
    """Start (or reuse) the servers, apply migrations, deploy the warehouse views, export the environment; returns it.

    `replicas`: make embedded streaming replicas until there are that many (see stack.up). On the embedded primary
    the warehouse's read-only role gets its generated password (LCT_READER_URL). One at a time per LCT_HOME
    (a second waits): two at once on a fresh home raced on initdb.
    """
    with exclusive_home(settings.home, on_wait=progress):
        return _bring_up(settings, progress, replicas)


def _bring_up(settings: Settings, progress: Callable[[str], None], replicas: int) -> dict[str, str]:
    urls = stack.up(settings, progress=progress, replicas=replicas)
    before = migrate.current(urls.database_url)
    migrate.upgrade(urls.database_url)
    after = migrate.current(urls.database_url)
    progress(f"database: migrations at {after}")
    if settings.uses_embedded_postgres:
        ensure_reader_role(urls.database_url, get_or_create_secret(settings.home, stack.READER_SECRET))
    created = deploy_warehouse(urls.database_url)
    if created:
        progress(f"warehouse: created {len(created)} rollup(s): {', '.join(created)}")
    else:
        progress(f"warehouse: all {len(ROLLUPS)} rollups present")
    if before is not None and before != after:  # an existing database migrated: its dictionary changed
        written = regenerate_data_dictionary(urls.database_url, data_dictionary_dir())
        progress(f"docs: data dictionary regenerated after the migration -> {written.latest}")
    state = stack.StackState.load(settings.home)
    if settings.uses_embedded_postgres and not settings.read_replica_urls:
        for number in range(1, len(state.replica_ports) + 1):
            replica = stack.embedded_replica(settings, state, number)
            waited = wait_for_catch_up(stack.embedded_postgres(settings, state), replica)
            progress(f"{stack.replica_name(number)}: caught up with the primary ({waited:.1f}s)")
    prepare_dagster_home(settings)
    env = stack.environment(settings)
    os.environ.update(env)
    return env
