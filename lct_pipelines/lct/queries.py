"""Ready-made questions over the LCT tables and materialized views, answered as pandas DataFrames.

Each function opens its own connection from a database URL, reads, and closes it; nothing is written. The
view-backed functions raise `ViewNotReadyError` until a pipeline run (`lct run`) has created the views, and show
the state of the last refresh. `get_next_enrichment_candidates` reads the live tables instead, so a district that
got a bell schedule since the refresh is already excluded.

Example::

    from lct_pipelines.lct import queries

    url = "postgresql://lct:secret@127.0.0.1:5432/lct"
    summary = queries.get_lct_summary_by_scope(url, "2023-24")
    print(summary[["staff_scope", "valid_calculations", "median_lct"]])

    progress = queries.get_state_campaign_progress(url)
    print(progress.loc[~progress.complete, ["state", "enriched_districts", "total_districts"]])

    todo = queries.get_next_enrichment_candidates(url, "WI", "2025-26")
    for row in todo.itertuples():
        print(row.enrollment_rank, row.leaid, row.lea_name, int(row.enrollment))

    pending = queries.get_districts_needing_calculation(url, "2023-24")
    print(pending.reason.value_counts())  # never_calculated, inputs_changed

The same four answers on the command line: `lct query summary | campaign-progress | next-candidates |
needing-calculation` (cli/query.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import transaction
from lct_pipelines.lct import store
from lct_pipelines.lct.incremental import diff_fingerprints
from lct_pipelines.lct.scopes import (
    PREK_TEACHERS,
    REASON_NO_MEMBERSHIP,
    REASON_NO_STAFF,
    REASON_NOT_IN_DIRECTORY,
    REASON_ZERO_ENROLLMENT,
    REASON_ZERO_STAFF,
    SCOPE_NAMES,
)

__all__ = [
    "ViewNotReadyError",
    "get_districts_needing_calculation",
    "get_lct_summary_by_scope",
    "get_next_enrichment_candidates",
    "get_state_campaign_progress",
]

# The enrichment campaign picks its districts with the same query (lct_pipelines.enrichment.campaign).
CANDIDATES_SQL = "queries/next_enrichment_candidates.sql"
SUMMARY_VIEW = "lct.mv_lct_summary_stats"
PROGRESS_VIEW = "lct.mv_state_enrichment_progress"
NEVER_CALCULATED = "never_calculated"
INPUTS_CHANGED = "inputs_changed"
NEEDING_CALCULATION_REASONS = (NEVER_CALCULATED, INPUTS_CHANGED)
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")

SUMMARY_COLUMNS: dict[str, str] = {
    "year": "str",
    "staff_scope": "str",
    "valid_calculations": "int64",
    "mean_lct": "float64",
    "median_lct": "float64",
    "std_lct": "float64",
    "min_lct": "float64",
    "max_lct": "float64",
}
NEEDING_CALCULATION_COLUMNS: dict[str, str] = {
    "school_year": "str",
    "leaid": "str",
    "lea_name": "str",
    "state": "str",
    "enrollment_k12": "float64",
    "staff_fte": "float64",
    "reason": "str",
    "not_calculable_reason": "str",
}
PROGRESS_COLUMNS: dict[str, str] = {
    "school_year": "str",
    "state": "str",
    "total_districts": "int64",
    "enriched_districts": "int64",
    "percent_enriched": "float64",
    "total_enrollment": "float64",
    "enriched_enrollment": "float64",
    "complete": "bool",
}
CANDIDATE_COLUMNS: dict[str, str] = {
    "school_year": "str",
    "leaid": "str",
    "lea_name": "str",
    "state": "str",
    "enrollment": "float64",
    "enrollment_elementary": "float64",
    "enrollment_middle": "float64",
    "enrollment_high": "float64",
    "enrollment_rank": "int64",
}


class ViewNotReadyError(LookupError):
    """The materialized view does not exist yet: the pipeline creates it on its first run."""


def _read(
    database_url: str,
    sql_file: str,
    params: Mapping[str, object],
    columns: Mapping[str, str],
    *,
    view: str | None = None,
    more_params: Callable[[PgCursor], Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Rows of `sql/<sql_file>` as a frame with exactly `columns` (name -> dtype), even when empty.

    `more_params` computes further parameters in the same transaction (one snapshot) before the query runs.
    """
    engine = build_engine(database_url, pool_size=1)
    try:
        with transaction(engine) as cur:
            if more_params is not None:
                store.begin_snapshot(cur)
                params = {**params, **more_params(cur)}
            if view is not None:
                cur.execute(load_sql("queries/relation_exists.sql"), {"name": view})
                if not cur.fetchone()[0]:
                    raise ViewNotReadyError(f"{view} does not exist yet: run the pipeline (`lct run`) first")
            cur.execute(load_sql(sql_file), dict(params))
            names = [d.name for d in cur.description]
            rows = cur.fetchall()
    finally:
        engine.dispose()
    if names != list(columns):
        raise RuntimeError(f"{sql_file} returned columns {names}, expected {list(columns)}")
    return pd.DataFrame(rows, columns=names).astype(dict(columns))


def check_school_year(year: str) -> str:
    """`year` if it is a school year like 2025-26 (two consecutive years), else ValueError."""
    match = _SCHOOL_YEAR.match(year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{year!r} is not a school year like 2025-26")
    return year


def get_lct_summary_by_scope(database_url: str, year: str | None = None) -> pd.DataFrame:
    """Statistics of the valid LCT values per school year and staff scope, from lct.mv_lct_summary_stats.

    Columns: `year`, `staff_scope`, `valid_calculations` (int), `mean_lct`, `median_lct`, `std_lct` (sample;
    NaN for a single value), `min_lct`, `max_lct`. One row per year and scope with at least one valid
    calculation; only `year` when given. Sorted by year, then scope in the methodology's order.
    """
    params = {"year": year, "scope_order": list(SCOPE_NAMES)}
    return _read(database_url, "queries/lct_summary_by_scope.sql", params, SUMMARY_COLUMNS, view=SUMMARY_VIEW)


def get_districts_needing_calculation(database_url: str, year: str) -> pd.DataFrame:
    """Districts of `year` that a calculation run would (re)compute now, each with its reason.

    `reason` is `inputs_changed` for a district calculated (or found not calculable) before whose inputs changed
    since: the fingerprint diff an incremental run uses (`lct.incremental.diff_fingerprints`, e.g. right after a
    bell-schedule edit), and `never_calculated` for a district of the year's directory without any calculation
    (new since the last run, never run, or not calculable from its inputs). Columns: `school_year`, `leaid`,
    `lea_name`, `state` (missing for a district only in the membership or staff file), `enrollment_k12` (NaN:
    no membership row), `staff_fte` (the `all` scope's FTE: every category but Pre-K teachers; NaN: no staff
    rows or none reported), `reason`, `not_calculable_reason`: `not_in_directory`, `no_membership`,
    `no_staff`, `zero_enrollment` or `zero_staff` (the first that applies, in the methodology's order), or
    missing when the inputs allow a calculation. Sorted by state, leaid. Reads the live tables.
    """
    check_school_year(year)
    params = {
        "school_year": year,
        "prek_category": PREK_TEACHERS,
        "reason_inputs_changed": INPUTS_CHANGED,
        "reason_never_calculated": NEVER_CALCULATED,
        "not_in_directory": REASON_NOT_IN_DIRECTORY,
        "no_membership": REASON_NO_MEMBERSHIP,
        "no_staff": REASON_NO_STAFF,
        "zero_enrollment": REASON_ZERO_ENROLLMENT,
        "zero_staff": REASON_ZERO_STAFF,
    }

    def fingerprint_diff(cur: PgCursor) -> dict[str, list[str]]:
        stored = store.stored_fingerprints(cur, year)
        changed, _vanished = diff_fingerprints(store.current_fingerprints(cur, year), stored)
        known = set(stored["leaid"])
        return {
            "inputs_changed": [leaid for leaid in changed if leaid in known],
            "new": [leaid for leaid in changed if leaid not in known],
        }

    return _read(
        database_url,
        "queries/districts_needing_calculation.sql",
        params,
        NEEDING_CALCULATION_COLUMNS,
        more_params=fingerprint_diff,
    )


def get_state_campaign_progress(database_url: str, state: str | None = None) -> pd.DataFrame:
    """Bell-schedule campaign progress per state, from lct.mv_state_enrichment_progress (as of its last refresh).

    Columns: `school_year` (the newest directory year), `state`, `total_districts`, `enriched_districts` (with
    a bell schedule of any year), `percent_enriched` (2 decimals), `total_enrollment`, `enriched_enrollment`
    (NaN when none is enriched), `complete` (bool: at least 3 enriched). One row per state, or only `state`
    (postal code, any case) when given; sorted by state.
    """
    params = {"state": state.upper() if state else None}
    return _read(database_url, "queries/state_campaign_progress.sql", params, PROGRESS_COLUMNS, view=PROGRESS_VIEW)


def get_next_enrichment_candidates(
    database_url: str, state: str, year: str, limit: int | None = 9, *, directory_year: str | None = None
) -> pd.DataFrame:
    """The enrichment campaign's list for the school year being collected: the largest districts of `state`
    without a bell schedule for `year` (e.g. `2025-26`).

    The districts come from the newest imported directory (`directory_year` picks another); read from the live
    tables, so districts that got a bell schedule for `year` a minute ago are excluded. `limit` None returns
    them all. Columns: `school_year` (the directory's), `leaid`, `lea_name`, `state`, `enrollment` (K-12, 0
    without a membership row), `enrollment_elementary`, `enrollment_middle`, `enrollment_high`,
    `enrollment_rank` (1 = largest, ties by leaid). Sorted by rank.
    """
    params = {
        "state": state.upper(),
        "collect_year": check_school_year(year),
        "school_year": directory_year,
        "limit": limit,
    }
    return _read(database_url, CANDIDATES_SQL, params, CANDIDATE_COLUMNS)


def get_newest_directory_year(database_url: str) -> str | None:
    """The newest school year of the imported directory (the default of the command-line queries); None before
    any import."""
    engine = build_engine(database_url, pool_size=1)
    try:
        with transaction(engine) as cur:
            cur.execute(load_sql("enrichment/latest_school_year.sql"))
            return cur.fetchone()[0]
    finally:
        engine.dispose()
