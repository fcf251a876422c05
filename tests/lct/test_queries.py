"""The query utilities on crafted rows in a real PostgreSQL: exact frames, dtypes included."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import transaction
from lct_pipelines.lct import queries
from lct_pipelines.lct.run import FULL, INCREMENTAL, run_calculation
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


def _needing(url: str) -> list[tuple]:
    frame = queries.get_districts_needing_calculation(url, YEAR)
    assert list(frame.dtypes.astype(str)) == list(queries.NEEDING_CALCULATION_COLUMNS.values())
    return [
        (row.leaid, row.reason, None if pd.isna(row.not_calculable_reason) else row.not_calculable_reason)
        for row in frame.itertuples()
    ]


def test_districts_needing_calculation_are_the_never_calculated_and_those_whose_inputs_changed(
    database_url: str,
) -> None:
    insert_districts(
        database_url,
        [
            Crafted("5500001", "Calculated", elementary=100),
            Crafted("5500002", "No Membership", membership=False),
            Crafted("5500003", "No Staff", elementary=100),
            Crafted("5500004", "Zero Enrollment"),
            Crafted("5500005", "Zero Staff", high=100),
            Crafted("5500006", "Calculated Too", middle=100),
            Crafted("0100001", "Alabama Calculated", "AL", elementary=50),
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
    _grades_from_bands(database_url)
    before_any_run = _needing(database_url)
    assert {leaid for leaid, _, _ in before_any_run} == {"0100001", *(f"550000{n}" for n in range(1, 7))}
    assert {reason for _, reason, _ in before_any_run} == {"never_calculated"}

    engine = build_engine(database_url)
    run_calculation(engine, YEAR, FULL)
    expected_not_calculable = [
        ("5500002", "never_calculated", "no_membership"),
        ("5500003", "never_calculated", "no_staff"),
        ("5500004", "never_calculated", "zero_enrollment"),
        ("5500005", "never_calculated", "zero_staff"),
    ]
    assert _needing(database_url) == expected_not_calculable

    insert_bell(database_url, "5500001", "elementary", 330, year="2025-26")  # an edited bell schedule
    insert_staff(database_url, [(YEAR, "5500003", "Elementary Teachers", 4.0)])  # the missing staff arrive
    insert_districts(database_url, [Crafted("5500008", "New", elementary=80)])  # a district appears
    assert _needing(database_url) == [
        ("5500001", "inputs_changed", None),
        ("5500002", "never_calculated", "no_membership"),
        ("5500003", "inputs_changed", None),
        ("5500004", "never_calculated", "zero_enrollment"),
        ("5500005", "never_calculated", "zero_staff"),
        ("5500008", "never_calculated", "no_staff"),
    ]
    run_calculation(engine, YEAR, INCREMENTAL)
    engine.dispose()
    assert _needing(database_url) == [
        *expected_not_calculable[:1],
        *expected_not_calculable[2:],
        ("5500008", "never_calculated", "no_staff"),
    ]
    assert queries.get_districts_needing_calculation(database_url, "2030-31").empty
    with pytest.raises(ValueError, match="not a school year"):
        queries.get_districts_needing_calculation(database_url, "2023-25")


def _grades_from_bands(url: str) -> None:
    """Grade counts that add up to the crafted bands (the calculation reads grades, not bands)."""
    engine = build_engine(url, pool_size=1)
    with transaction(engine) as cur:
        cur.execute(
            "UPDATE nces.lea_enrollment SET g1 = enrollment_elementary, g6 = enrollment_middle, g9 = enrollment_high"
        )
    engine.dispose()


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


def test_next_candidates_are_the_largest_without_a_schedule_for_the_year_being_collected(database_url: str) -> None:
    seed_wisconsin(database_url)  # district 12 has a 2024-25 schedule
    create_views(database_url, "mv_unenriched_districts")
    columns = queries.CANDIDATE_COLUMNS
    pd.testing.assert_frame_equal(
        queries.get_next_enrichment_candidates(database_url, "wi", "2024-25", limit=3),
        _frame(columns, [_candidate(4, 30000, 1), _candidate(10, 20000, 2), _candidate(6, 15000, 3)]),
    )
    # Collecting 2025-26: district 12's 2024-25 schedule is not this year's, so it is a candidate again.
    assert queries.get_next_enrichment_candidates(database_url, "WI", "2025-26", limit=1).leaid.tolist() == [
        wi_leaid(12)
    ]
    insert_bell(database_url, wi_leaid(10), "middle", 360, year="2025-26")  # saved after the view's refresh
    pd.testing.assert_frame_equal(
        queries.get_next_enrichment_candidates(database_url, "WI", "2025-26", limit=4),
        _frame(
            columns,
            [_candidate(12, 50000, 1), _candidate(4, 30000, 2), _candidate(6, 15000, 3), _candidate(2, 12000, 4)],
        ),
    )
    assert wi_leaid(10) in queries.get_next_enrichment_candidates(database_url, "WI", "2024-25").leaid.tolist()
    assert len(queries.get_next_enrichment_candidates(database_url, "WI", "2025-26")) == 9
    assert len(queries.get_next_enrichment_candidates(database_url, "WI", "2025-26", limit=None)) == 11
    pd.testing.assert_frame_equal(
        queries.get_next_enrichment_candidates(database_url, "WI", "2025-26", directory_year=OLDER_YEAR),
        _frame(columns, [_candidate(99, 50000, 1, OLDER_YEAR)]),
    )
    assert queries.get_next_enrichment_candidates(database_url, "TX", "2025-26").empty
    with pytest.raises(ValueError, match="not a school year"):
        queries.get_next_enrichment_candidates(database_url, "WI", "2025")
