"""`lct docs dictionary`: the data dictionary regenerated on demand (also after every `lct db upgrade`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from lct_pipelines.project import data_dictionary_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `lct docs` and its `dictionary` action on the top-level subparsers."""
    docs = sub.add_parser("docs", help="generated documentation: the data dictionary")
    actions = docs.add_subparsers(dest="docs_command", required=True, metavar="ACTION")
    dictionary = actions.add_parser(
        "dictionary",
        help="regenerate the data dictionary (tables from the models, materialized views from the database)",
        description="Write database_schema_<timestamp>.md and database_schema_latest.md: every table of the "
        "models and every materialized view in the database. Also done after every `lct db upgrade` and weekly "
        "by the data_dictionary asset.",
    )
    dictionary.add_argument(
        "--output-dir", help="folder (default $LCT_DATA_DICTIONARY_DIR, else <project>/docs/data-dictionaries)"
    )
    dictionary.set_defaults(func=dictionary_command)


def write_dictionary(database_url: str, folder: Path | None = None, say: Callable[[str], None] = print) -> Path:
    """Regenerate the dictionary of the database at `database_url`; the path of the `_latest` file."""
    from lct_pipelines.db.data_dictionary import regenerate_data_dictionary

    written = regenerate_data_dictionary(database_url, folder or data_dictionary_dir())
    say(f"docs: data dictionary ({written.tables} tables, {written.views} materialized views) -> {written.latest}")
    return written.latest


def dictionary_command(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.commands import _database_url

    write_dictionary(_database_url(), Path(args.output_dir) if args.output_dir else None)
    return 0
