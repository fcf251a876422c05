"""Parameter validation: wrong types, ranges and injection attempts fail before any SQL runs."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lct_pipelines.project import sql_dir
from lct_pipelines.warehouse.params import (
    MAX_LIMIT,
    QUERY_NAMES,
    WINDOW_DAYS,
    PagingLimitError,
    QueryParameterError,
    bind_params,
)

INJECTIONS = [
    "1; DROP TABLE platform.students; --",
    "' OR '1'='1",
    "1 OR 1=1",
    "week'; DELETE FROM platform.subjects; --",
]


def test_a_limit_over_10000_is_refused_with_the_paging_hint() -> None:
    with pytest.raises(PagingLimitError) as raised:
        bind_params("top_performers", {"limit": MAX_LIMIT + 1})
    message = str(raised.value)
    assert "10001" in message
    assert "offset paging with limit <= 10000" in message


def test_a_limit_of_exactly_10000_is_accepted() -> None:
    assert bind_params("class_trends", {"limit": 10_000})["limit"] == 10_000


@pytest.mark.parametrize("offset", [-1, -10_000])
def test_a_negative_offset_is_refused(offset: int) -> None:
    with pytest.raises(QueryParameterError, match="offset must be >= 0"):
        bind_params("top_performers", {"offset": offset})


@pytest.mark.parametrize("limit", [0, -5, "10", 2.5, True])
def test_a_limit_that_is_not_a_positive_integer_is_refused(limit: object) -> None:
    with pytest.raises(QueryParameterError):
        bind_params("top_performers", {"limit": limit})


def test_defaults_are_filled_and_keys_sorted() -> None:
    today = dt.datetime.now(dt.UTC).date()
    bound = bind_params("teacher_workload", {})
    assert bound == {
        "date_from": today - dt.timedelta(days=29),
        "date_to": today,
        "days_back": None,
        "limit": 100,
        "offset": 0,
        "teacher_id": None,
    }
    assert list(bound) == sorted(bound)


def test_teacher_workload_takes_the_last_days_back_days_or_a_range_not_both() -> None:
    today = dt.datetime.now(dt.UTC).date()
    bound = bind_params("teacher_workload", {"days_back": 7})
    assert (bound["date_from"], bound["date_to"]) == (today - dt.timedelta(days=6), today)
    assert bind_params("teacher_workload", {"days_back": 1})["date_from"] == today
    only_end = bind_params("teacher_workload", {"date_to": "2026-01-31"})
    assert only_end["date_from"] == dt.date(2026, 1, 2)  # 30 days ending there
    with pytest.raises(QueryParameterError, match="either days_back or date_from/date_to"):
        bind_params("teacher_workload", {"days_back": 7, "date_to": today})
    with pytest.raises(QueryParameterError, match="days_back must be >= 1"):
        bind_params("teacher_workload", {"days_back": 0})


def test_every_query_has_a_default_page_and_accepts_limit_and_offset() -> None:
    assert len(QUERY_NAMES) == 8
    for name in QUERY_NAMES:
        given = {"student_id": 1} if name in ("student_progress", "subject_comparison") else {}
        bound = bind_params(name, {**given, "limit": 3, "offset": 6})
        assert (bound["limit"], bound["offset"]) == (3, 6)


@pytest.mark.parametrize("granularity", ["year", "DAY", "", "week; --"])
def test_granularity_must_be_day_week_or_month(granularity: str) -> None:
    with pytest.raises(QueryParameterError, match="granularity must be one of day, week, month"):
        bind_params("class_trends", {"granularity": granularity})


@pytest.mark.parametrize(
    ("name", "rollup"),
    [
        ("top_performers", "student_subject_windows"),
        ("bottom_performers", "student_subject_windows"),
        ("student_engagement", "student_engagement_windows"),
        ("attendance_vs_grades", "student_attendance_grades"),
    ],
)
def test_windowed_queries_accept_only_the_rolled_up_windows_and_say_which(name: str, rollup: str) -> None:
    for days in WINDOW_DAYS:
        assert bind_params(name, {"days_back": days})["days_back"] == days
    for wrong in (14, True, "30"):
        with pytest.raises(QueryParameterError) as refused:
            bind_params(name, {"days_back": wrong})
        assert "not a precomputed window; available: 7, 30, 90, 365 days" in str(refused.value)
        assert f"analytics.{rollup}" in str(refused.value)


def test_required_and_unknown_parameters() -> None:
    with pytest.raises(QueryParameterError, match="student_id is required"):
        bind_params("student_progress", {})
    with pytest.raises(QueryParameterError, match="unknown parameter"):
        bind_params("student_progress", {"student_id": 1, "studentid": 2})
    with pytest.raises(QueryParameterError, match="unknown query"):
        bind_params("students; DROP TABLE x", {})


def test_dates_accept_iso_strings_and_must_be_in_order() -> None:
    bound = bind_params("teacher_workload", {"date_from": "2026-01-01", "date_to": dt.date(2026, 1, 31)})
    assert (bound["date_from"], bound["date_to"]) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    with pytest.raises(QueryParameterError, match="after date_to"):
        bind_params("teacher_workload", {"date_from": "2026-02-01", "date_to": "2026-01-31"})
    with pytest.raises(QueryParameterError, match="ISO date"):
        bind_params("teacher_workload", {"date_from": "yesterday"})


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_strings_are_refused_for_every_typed_parameter(attack: str) -> None:
    for name, param in [
        ("student_progress", "student_id"),
        ("student_progress", "granularity"),
        ("top_performers", "subject_id"),
        ("top_performers", "days_back"),
        ("teacher_workload", "teacher_id"),
        ("teacher_workload", "date_from"),
        ("class_trends", "class_id"),
    ]:
        given = {"student_id": 1, param: attack} if name == "student_progress" else {param: attack}
        with pytest.raises(QueryParameterError):
            bind_params(name, given)


def test_query_files_use_only_named_placeholders() -> None:
    """A stray % in a query file would break psycopg2's parameter binding."""
    for folder in ("queries", "raw"):
        for path in (sql_dir() / "warehouse" / folder).glob("*.sql"):
            text = re.sub(r"%\([a-z_]+\)s", "", path.read_text())
            assert "%" not in text, path
