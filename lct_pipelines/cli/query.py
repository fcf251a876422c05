"""`lct query ...`: the four LCT query utilities (`lct_pipelines.lct.queries`) on the command line.

Each subcommand calls one function and prints its frame as a table (the terminal) or as a JSON array of row
objects (`--format json`, missing values as null).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from lct_pipelines.cli.commands import UserError, _database_url
from lct_pipelines.cli.warehouse import render_table

NEXT_CANDIDATES_LIMIT = 9

Command = Callable[[argparse.Namespace, str], pd.DataFrame]


def _summary(args: argparse.Namespace, url: str) -> pd.DataFrame:
    from lct_pipelines.lct.queries import get_lct_summary_by_scope

    return get_lct_summary_by_scope(url, args.year)


def _campaign_progress(args: argparse.Namespace, url: str) -> pd.DataFrame:
    from lct_pipelines.lct.queries import get_state_campaign_progress

    return get_state_campaign_progress(url, args.state)


def _next_candidates(args: argparse.Namespace, url: str) -> pd.DataFrame:
    from lct_pipelines.enrichment.interactive import current_school_year
    from lct_pipelines.lct.queries import get_next_enrichment_candidates

    limit = None if args.all else args.limit
    if limit is not None and limit < 1:
        raise UserError("--limit must be at least 1")
    year = args.year or current_school_year()
    return get_next_enrichment_candidates(url, args.state, year, limit, directory_year=args.directory_year)


def _needing_calculation(args: argparse.Namespace, url: str) -> pd.DataFrame:
    from lct_pipelines.lct.queries import get_districts_needing_calculation, get_newest_directory_year

    year = args.year or get_newest_directory_year(url)
    if year is None:
        raise UserError("no NCES directory imported yet: run `lct run` first (or give --year)")
    return get_districts_needing_calculation(url, year)


def _add(
    actions: argparse._SubParsersAction, name: str, command: Command, summary: str, description: str
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=summary, description=f"{summary[0].upper()}{summary[1:]}. {description}")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output (default table)")
    parser.set_defaults(func=run, query_command=command)
    return parser


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `lct query` and its four subcommands on the top-level subparsers."""
    query = sub.add_parser(
        "query",
        help="the LCT query utilities: summary, campaign-progress, next-candidates, needing-calculation",
        description="Ready-made questions over the LCT tables (the functions of lct_pipelines.lct.queries), as "
        "a table or JSON.",
    )
    actions = query.add_subparsers(dest="query_name", required=True, metavar="QUERY")

    summary = _add(
        actions,
        "summary",
        _summary,
        "statistics of the valid LCT per school year and staff scope",
        "Count, mean, median, std, min and max of valid lct_value, from lct.mv_lct_summary_stats (as of the last "
        "pipeline run).",
    )
    summary.add_argument("--year", help="only this school year, e.g. 2023-24 (default: every year)")

    progress = _add(
        actions,
        "campaign-progress",
        _campaign_progress,
        "bell-schedule campaign progress per state",
        "Districts, enriched districts (a bell schedule of any year), percent and enrollment per state of the "
        "newest directory, complete at 3 enriched; from lct.mv_state_enrichment_progress (as of the last run).",
    )
    progress.add_argument("--state", help="only this state (postal code, e.g. WI)")

    candidates = _add(
        actions,
        "next-candidates",
        _next_candidates,
        "the largest districts of a state without a bell schedule for the school year being collected",
        "From the newest imported directory and the live bell schedules, largest K-12 enrollment first.",
    )
    candidates.add_argument("--state", required=True, help="postal code, e.g. WI (required)")
    candidates.add_argument(
        "--year", help="the school year being collected, e.g. 2025-26 (default: the current one, starting in August)"
    )
    candidates.add_argument(
        "--limit",
        type=int,
        default=NEXT_CANDIDATES_LIMIT,
        help=f"how many (default {NEXT_CANDIDATES_LIMIT})",
    )
    candidates.add_argument("--all", action="store_true", help="every district without one (no limit)")
    candidates.add_argument("--directory-year", help="take the districts from this directory year (default: newest)")

    needing = _add(
        actions,
        "needing-calculation",
        _needing_calculation,
        "districts a calculation run would (re)compute now, with the reason",
        "reason: never_calculated (in the directory without a calculation) or inputs_changed (the input "
        "fingerprint differs from the one stored by its last calculation, e.g. after a bell-schedule edit: what "
        "an incremental run recomputes); not_calculable_reason says what the inputs lack for any calculation.",
    )
    needing.add_argument("--year", help="school year, e.g. 2023-24 (default: the newest imported directory's)")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values, a missing value as None."""
    records = frame.astype(object).to_dict("records")
    return [
        {k: None if v is None or (isinstance(v, float) and math.isnan(v)) else v for k, v in row.items()}
        for row in records
    ]


def run(args: argparse.Namespace) -> int:
    from lct_pipelines.lct.queries import ViewNotReadyError

    try:
        frame = args.query_command(args, _database_url())
    except (ViewNotReadyError, ValueError) as err:
        raise UserError(str(err)) from err
    rows = _records(frame)
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
    else:
        print(render_table(rows))
        print(f"({len(rows):,} rows)")
    return 0
