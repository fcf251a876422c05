"""`lct enrich`: its options, the check of their combination, and the dispatch to the enrichment tool.

The tool itself (prompts, campaign, import) is `lct_pipelines.enrichment.interactive`; this module is its only
command-line front end.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

import psycopg2
from sqlalchemy.exc import OperationalError

from lct_pipelines.enrichment.bulk_import import import_file
from lct_pipelines.enrichment.errors import EXIT_USER_ERROR, EnrichmentError
from lct_pipelines.enrichment.interactive import InputFn, enrich_district, print_status, run_campaign


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The `enrich` options and its nested `import FILE` action, added to `parser` (the `lct enrich` subparser)."""
    parser.add_argument(
        "--state", help="campaign: the state's largest districts without a bell schedule; with --status: that state"
    )
    parser.add_argument("--district", metavar="LEAID", help="enter minutes for one district (NCES LEAID)")
    parser.add_argument("--status", action="store_true", help="campaign progress per state")
    parser.add_argument("--year", help="school year of the schedules entered (default: the current one, e.g. 2025-26)")
    actions = parser.add_subparsers(dest="enrich_action", metavar="ACTION")
    bulk = actions.add_parser(
        "import",
        help="bulk-load a bell-schedule CSV (the bell_schedules_2024_25.csv format); a file with any bad row saves "
        "nothing (exit 1; exit 2: the file cannot be used)",
    )
    bulk.add_argument("file", metavar="FILE.csv")
    bulk.add_argument(
        "--skip-bad-rows", action="store_true", help="save the good rows of a file with bad ones (still exit 1)"
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    return configure_parser(
        argparse.ArgumentParser(prog="lct enrich", description="Collect bell-schedule minutes into the database.")
    )


def _check_combination(args: argparse.Namespace) -> None:
    chosen = [name for name in ("state", "district", "year") if getattr(args, name, None)]
    if getattr(args, "enrich_action", None) == "import" and (chosen or args.status):
        raise EnrichmentError("`import FILE.csv` takes no other option (the file carries its years and states)")
    if args.status and (args.district or args.year):
        raise EnrichmentError("--status takes only --state")
    if args.district and args.state:
        raise EnrichmentError("give either --state (campaign) or --district, not both")


def run_command(
    args: argparse.Namespace, database_url: str, *, input_fn: InputFn | None = None, out: TextIO | None = None
) -> int:
    """Dispatch parsed `enrich` arguments; returns the exit code. Raises EnrichmentError for the user to fix."""
    out = sys.stdout if out is None else out
    _check_combination(args)
    try:
        return _dispatch(args, database_url, input_fn or terminal_input(sys.stdin, out), out)
    except (OperationalError, psycopg2.OperationalError) as err:
        # engine.raw_connection() lets the driver's error through; SQLAlchemy wraps the others.
        reason = (str(getattr(err, "orig", None) or err).strip().splitlines() or ["no detail"])[0]
        raise EnrichmentError(f"cannot reach the database ({reason}): is it up (`lct up`)?") from err


def _dispatch(args: argparse.Namespace, database_url: str, ask: InputFn, out: TextIO) -> int:
    if getattr(args, "enrich_action", None) == "import":
        return import_file(
            database_url, args.file, skip_bad_rows=getattr(args, "skip_bad_rows", False), out=out
        ).exit_code
    if args.status:
        return print_status(database_url, args.state, out=out)
    if args.district:
        return enrich_district(database_url, args.district, year=args.year, input_fn=ask, out=out).exit_code
    if args.state:
        return run_campaign(database_url, args.state, year=args.year, input_fn=ask, out=out).exit_code
    raise EnrichmentError("say what to do: --state XX, --district LEAID, --status or import FILE.csv")


def line_input(stdin: TextIO, stdout: TextIO, *, echo: bool) -> InputFn:
    """An `input` over any pair of streams; echoes the answer when the input is not a terminal (pipes, files)."""

    def ask(prompt: str) -> str:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            raise EOFError
        answer = line.rstrip("\r\n")
        if echo:
            stdout.write(answer + "\n")
        return answer

    return ask


def terminal_input(stdin: TextIO, stdout: TextIO) -> InputFn:
    """The builtin `input` (line editing) on a terminal, else a line reader that echoes what it read."""
    if stdin is sys.stdin and stdout is sys.stdout and stdin.isatty():
        return input
    return line_input(stdin, stdout, echo=not stdin.isatty())


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    database_url: str | None = None,
) -> int:
    """`lct enrich ...` on its own streams and database (tests, pipes); the database from `database_url` or
    LCT_DATABASE_URL."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    args = build_parser().parse_args(argv)
    url = database_url or os.environ.get("LCT_DATABASE_URL")
    try:
        if not url:
            raise EnrichmentError("set LCT_DATABASE_URL (or run `lct enrich`, which finds the embedded server)")
        return run_command(args, url, input_fn=terminal_input(stdin, stdout), out=stdout)
    except EnrichmentError as err:
        print(f"lct enrich: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
