"""`lct docs dictionary`: the data dictionary regenerated on demand (also after every `lct db upgrade`)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from lct_pipelines.project import data_dictionary_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `lct docs` and its `dictionary` action on the top-level subparsers."""
    docs = sub.add_parser("docs", help="generated documentation: the data dictionary")
    actions = docs.add_subparsers(dest="docs_command", required=True, metavar="ACTION")
    dictionary = actions.add_parser(
        "dictionary",
        help="regenerate the data dictionary (tables from the models, materialized views and rollup tables from the "
        "database)",
        description="Write database_schema_<timestamp>.md and database_schema_latest.md: every table of the "
        "models and every materialized view and warehouse rollup table in the database, through the data_dictionary "
        "job (the weekly schedule's; shown in the UI). Also written after every `lct db upgrade`.",
    )
    dictionary.add_argument(
        "--output-dir", help="folder (default $LCT_DATA_DICTIONARY_DIR, else <project>/docs/data-dictionaries)"
    )
    dictionary.set_defaults(func=dictionary_command)


def write_dictionary(database_url: str, folder: Path | None = None, say: Callable[[str], None] = print) -> Path:
    """Regenerate the dictionary of the database at `database_url`; the path of the `_latest` file."""
    from lct_pipelines.db.data_dictionary import regenerate_data_dictionary

    written = regenerate_data_dictionary(database_url, folder or data_dictionary_dir())
    say(
        f"docs: data dictionary ({written.tables} tables, {written.views} materialized views, "
        f"{written.rollup_tables} rollup tables) -> {written.latest}"
    )
    return written.latest


def dictionary_command(args: argparse.Namespace) -> int:
    """The data_dictionary job, in-process: the asset's materialization shows in the UI like the schedule's."""
    import dagster as dg

    from lct_pipelines.cli.commands import _settings
    from lct_pipelines.cli.launch import run_job, step_failures
    from lct_pipelines.definitions import defs
    from lct_pipelines.jobs import DATA_DICTIONARY_JOB
    from lct_pipelines.services.up import bring_up

    bring_up(_settings(), progress=lambda m: print(f"up: {m}", flush=True))
    started = time.perf_counter()
    config = {"ops": {"docs__data_dictionary": {"config": {"output_dir": args.output_dir or ""}}}}
    with dg.DagsterInstance.get() as instance:
        result = run_job(defs, instance, DATA_DICTIONARY_JOB, launched_by="lct docs dictionary", run_config=config)
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        print(
            f"docs: data dictionary ({metadata['tables'].value} tables, "
            f"{metadata['materialized_views'].value} materialized views) -> {metadata['latest'].value}"
        )
    for failure in step_failures(result):
        print(f"docs: failed: {failure}")
    print(f"docs: {'done' if result.success else 'FAILED'} in {time.perf_counter() - started:.1f}s")
    return 0 if result.success else 1
