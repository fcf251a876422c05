"""The query utilities on crafted rows in a real PostgreSQL: exact frames, dtypes included."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import transaction
from lct_pipelines.lct import queries
from tests.enrichment.test_campaign import (
    OLDER_YEAR,
    YEAR,
    Crafted,
    create_views,
    insert_bell,
    insert_districts,
    insert_staff,
    seed_wisconsin,
    wi_leaid,
)


def _frame(columns: dict[str, str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


def _insert_calculations(url: str, rows: list[tuple[str, str, str, float, bool]]) -> None:
    """(year, district_id, staff_scope, lct_value, is_valid) rows; the other columns are filler."""
    engine = build_engine(url, pool_size=1)
    with transaction(engine) as cur:
        for year, district, scope, value, valid in rows:
            cur.execute(
                "INSERT INTO lct.lct_calculations (year, district_id, staff_scope, district_name, state, staff_count, "
                "enrollment, enrollment_type, instructional_minutes, instructional_minutes_source, lct_value, "
                "is_valid, qa_flags, run_id) VALUES (%s, %s, %s, 'D', 'WI', 10, 100, 'k12', 360, 'default', %s, %s, "
                "'', 'r1')",
                (year, district, scope, value, valid),
            )
    engine.dispose()


# --- get_lct_summary_by_scope -------------------------------------------------------------------------------


def test_summary_by_scope_has_the_valid_statistics_per_year_in_scope_order(database_url: str) -> None:
    _insert_calculations(
        database_url,
        [
            (YEAR, "5500001", "teachers_only", 10.0, True),
            (YEAR, "5500002", "teachers_only", 20.0, True),
            (YEAR, "5500003", "teachers_only", 30.0, True),
            (YEAR, "5500004", "teachers_only", 400.0, False),
            (YEAR, "5500001", "all", 40.0, True),
            (YEAR, "5500002", "all", 50.0, True),
            (YEAR, "5500001", "teachers_elementary", 15.0, True),
            (OLDER_YEAR, "5500001", "teachers_only", 12.0, True),
        ],
    )
    create_views(database_url, "mv_lct_summary_stats")
    expected = _frame(
        queries.SUMMARY_COLUMNS,
        [
            (OLDER_YEAR, "teachers_only", 1, 12.0, 12.0, np.nan, 12.0, 12.0),
            (YEAR, "teachers_only", 3, 20.0, 20.0, 10.0, 10.0, 30.0),
            (YEAR, "all", 2, 45.0, 45.0, math.sqrt(50), 40.0, 50.0),
            (YEAR, "teachers_elementary", 1, 15.0, 15.0, np.nan, 15.0, 15.0),
        ],
    )
    pd.testing.assert_frame_equal(queries.get_lct_summary_by_scope(database_url), expected)
    pd.testing.assert_frame_equal(
        queries.get_lct_summary_by_scope(database_url, YEAR), expected.iloc[1:].reset_index(drop=True)
    )
    assert queries.get_lct_summary_by_scope(database_url, "2030-31").empty


def test_view_backed_queries_before_the_first_pipeline_run_raise_view_not_ready(database_url: str) -> None:
    with pytest.raises(queries.ViewNotReadyError, match=r"lct.mv_lct_summary_stats does not exist yet"):
        queries.get_lct_summary_by_scope(database_url)
    with pytest.raises(queries.ViewNotReadyError, match=r"lct.mv_state_enrichment_progress does not exist yet"):
        queries.get_state_campaign_progress(database_url)


# --- get_districts_needing_calculation ----------------------------------------------------------------------


def test_districts_needing_calculation_come_with_the_reason_their_inputs_give(database_url: str) -> None:
    insert_districts(
        database_url,
        [
            Crafted("5500001", "Calculated", elementary=100),
            Crafted("5500002", "No Membership", membership=False),
            Crafted("5500003", "No Staff", elementary=100),
            Crafted("5500004", "Zero Enrollment"),
            Crafted("5500005", "Zero Staff", high=100),
            Crafted("5500006", "Pending", middle=100),
            Crafted("0100001", "Alabama Pending", "AL", elementary=50),
            Crafted("5500007", "Older Year Only", elementary=100, school_year=OLDER_YEAR),
        ],
    )
    insert_staff(
        database_url,
        [
            (YEAR, "5500001", "Elementary Teachers", 5.0),
            (YEAR, "5500002", "Elementary Teachers", 10.0),
            (YEAR, "5500004", "Elementary Teachers", 5.0),
            (YEAR, "5500005", "Pre-kindergarten Teachers", 3.0),
            (YEAR, "5500005", "Elementary Teachers", 0.0),
            (YEAR, "5500006", "Secondary Teachers", 6.0),
            (YEAR, "5500006", "Pre-kindergarten Teachers", 2.0),
            (YEAR, "0100001", "Elementary Teachers", None),
            (YEAR, "0100001", "Kindergarten Teachers", 4.0),
        ],
    )
    _insert_calculations(
        database_url,
        [(YEAR, "5500001", "teachers_only", 10.0, True), (OLDER_YEAR, "5500006", "teachers_only", 10.0, True)],
    )
    expected = _frame(
        queries.NEEDING_CALCULATION_COLUMNS,
        [
            (YEAR, "0100001", "Alabama Pending", "AL", 50.0, 4.0, None),
            (YEAR, "5500002", "No Membership", "WI", np.nan, 10.0, "no_membership"),
            (YEAR, "5500003", "No Staff", "WI", 100.0, np.nan, "no_staff"),
            (YEAR, "5500004", "Zero Enrollment", "WI", 0.0, 5.0, "zero_enrollment"),
            (YEAR, "5500005", "Zero Staff", "WI", 100.0, 0.0, "zero_staff"),
            (YEAR, "5500006", "Pending", "WI", 100.0, 6.0, None),
        ],
    )
    pd.testing.assert_frame_equal(queries.get_districts_needing_calculation(database_url, YEAR), expected)
    assert queries.get_districts_needing_calculation(database_url, "2030-31").empty


# --- get_state_campaign_progress ----------------------------------------------------------------------------


def test_state_campaign_progress_is_the_view_row_per_state(database_url: str) -> None:
    seed_wisconsin(database_url)
    create_views(database_url, "mv_state_enrichment_progress")
    expected = _frame(
        queries.PROGRESS_COLUMNS,
        [
            (YEAR, "IL", 1, 0, 0.0, 210000.0, np.nan, False),
            (YEAR, "WI", 12, 1, 8.33, 152900.0, 50000.0, False),
        ],
    )
    pd.testing.assert_frame_equal(queries.get_state_campaign_progress(database_url), expected)
    pd.testing.assert_frame_equal(
        queries.get_state_campaign_progress(database_url, "wi"), expected.iloc[1:].reset_index(drop=True)
    )


# --- get_next_enrichment_candidates -------------------------------------------------------------------------


def _candidate(n: int, total: int, rank: int, school_year: str = YEAR) -> tuple:
    elementary, middle = total // 2, total // 5
    return (
        school_year,
        wi_leaid(n),
        f"District {n}",
        "WI",
        total,
        elementary,
        middle,
        total - elementary - middle,
        rank,
    )


def test_next_candidates_are_the_largest_unenriched_and_skip_districts_enriched_since_the_refresh(
    database_url: str,
) -> None:
    seed_wisconsin(database_url)
    create_views(database_url, "mv_unenriched_districts")
    columns = queries.CANDIDATE_COLUMNS
    pd.testing.assert_frame_equal(
        queries.get_next_enrichment_candidates(database_url, "wi", limit=3),
        _frame(columns, [_candidate(4, 30000, 1), _candidate(10, 20000, 2), _candidate(6, 15000, 3)]),
    )
    insert_bell(database_url, wi_leaid(10), "middle", 360)
    pd.testing.assert_frame_equal(
        queries.get_next_enrichment_candidates(database_url, "WI", limit=3),
        _frame(columns, [_candidate(4, 30000, 1), _candidate(6, 15000, 2), _candidate(2, 12000, 3)]),
    )
    assert len(queries.get_next_enrichment_candidates(database_url, "WI")) == 9
    assert len(queries.get_next_enrichment_candidates(database_url, "WI", limit=None)) == 10
    pd.testing.assert_frame_equal(
        queries.get_next_enrichment_candidates(database_url, "WI", year=OLDER_YEAR),
        _frame(columns, [_candidate(99, 50000, 1, OLDER_YEAR)]),
    )
    assert queries.get_next_enrichment_candidates(database_url, "TX").empty
