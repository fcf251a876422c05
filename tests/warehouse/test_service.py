"""WarehouseService on the primary with Redis: caching, invalidation, paging, limits, safety, timeouts."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import Decimal

import psycopg2
import psycopg2.errors
import pytest
import redis

from lct_pipelines.warehouse.errors import QueryTimeoutError
from lct_pipelines.warehouse.json_native import read_json_native
from lct_pipelines.warehouse.params import QUERY_SPECS, PagingLimitError, QueryParameterError, bind_params
from lct_pipelines.warehouse.queries import COMMON_QUERIES, answer, run_query
from lct_pipelines.warehouse.service import QueryResult, WarehouseService
from tests.warehouse.conftest import WarehouseDb
from tests.warehouse.test_params import INJECTIONS

Factory = Callable[..., WarehouseService]


def _busiest_student(db: WarehouseDb) -> int:
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT student_id FROM platform.submissions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
            return cur.fetchone()[0]
    finally:
        conn.close()


def _regrade(db: WarehouseDb, student_id: int, grade: float) -> None:
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "UPDATE platform.submissions SET grade = %s WHERE student_id = %s AND grade IS NOT NULL",
                (grade, student_id),
            )
    finally:
        conn.close()


def test_a_cache_hit_returns_the_same_rows(warehouse_db: WarehouseDb, redis_url: str, service_factory: Factory) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=redis_url)
    student = _busiest_student(warehouse_db)
    first = service.query("subject_comparison", student_id=student)
    second = service.query("subject_comparison", student_id=student)
    assert (first.source, first.cached) == ("primary", False)
    assert (second.source, second.cached) == ("cache", True)
    assert second.rows == first.rows
    assert len(first.rows) >= 2
    # JSON-native values whatever the source, so a hit and a miss are interchangeable.
    assert {type(v) for row in first.rows for v in row.values()} <= {int, float, str, type(None)}


def test_cache_keys_are_the_query_name_and_a_hash_of_the_bound_parameters(
    warehouse_db: WarehouseDb, redis_url: str, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=redis_url, cache_ttl_seconds=600)
    service.query("class_trends")
    default_limit = QUERY_SPECS["class_trends"].default_limit
    service.query("class_trends", granularity="week", days_back=90, limit=default_limit, offset=0)  # same key
    service.query("class_trends", granularity="month")
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = sorted(client.scan_iter("lct:wh:*"))
    assert len(keys) == 2
    assert all(re.fullmatch(r"lct:wh:class_trends:[0-9a-f]{64}", key) for key in keys)
    assert all(590 <= client.ttl(key) <= 600 for key in keys)
    client.close()


def test_a_rollup_refresh_invalidates_the_cached_answers(
    warehouse_db: WarehouseDb, redis_url: str, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=redis_url, admin_url=warehouse_db.admin_url)
    student = _busiest_student(warehouse_db)
    before = service.query("subject_comparison", student_id=student)
    assert service.query("subject_comparison", student_id=student).cached
    assert all(row["avg_grade"] != 100.0 for row in before.rows)
    _regrade(warehouse_db, student, 100)
    report = service.refresh_rollups()
    assert report["invalidated"] == 1
    assert report["replica_caught_up"] is None  # no replica configured
    after = service.query("subject_comparison", student_id=student)
    assert (after.source, after.cached) == ("primary", False)
    assert [row["avg_grade"] for row in after.rows] == [100.0] * len(before.rows)
    assert [row["subject_id"] for row in after.rows] != [] and len(after.rows) == len(before.rows)


def test_a_limit_over_10000_is_refused_with_the_paging_hint(
    warehouse_db: WarehouseDb, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url)
    with pytest.raises(PagingLimitError, match=r"use offset paging with limit <= 10000"):
        service.query("student_engagement", limit=10_001)
    with pytest.raises(QueryParameterError, match="offset must be >= 0"):
        service.query("student_engagement", offset=-1)


def test_offset_paging_returns_disjoint_consecutive_pages(warehouse_db: WarehouseDb, service_factory: Factory) -> None:
    service = service_factory(warehouse_db.reader_url)
    params = {"days_back": 90, "min_submissions": 1}
    pages = [service.query("top_performers", limit=7, offset=offset, **params).rows for offset in (0, 7, 14)]
    whole = service.query("top_performers", limit=21, offset=0, **params).rows
    keys = [(r["student_id"], r["subject_id"]) for page in pages for r in page]
    assert [len(p) for p in pages] == [7, 7, 7]
    assert len(set(keys)) == 21
    assert pages[0] + pages[1] + pages[2] == whole


def test_sql_injection_strings_return_nothing_extra_and_change_nothing(
    warehouse_db: WarehouseDb, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url)
    for attack in INJECTIONS:
        for name, param in (("subject_comparison", "student_id"), ("class_trends", "granularity")):
            given = {param: attack}
            with pytest.raises(QueryParameterError):
                service.query(name, **given)
    # Below the validation, a string reaching the SQL is a bound value: an error or nothing, never code.
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    try:
        with conn.cursor() as cur:
            for attack in INJECTIONS:
                bound = bind_params("class_trends", {}) | {"granularity": attack}
                with pytest.raises(psycopg2.DataError):
                    run_query(cur, "class_trends", bound)
                conn.rollback()
                bound = bind_params("top_performers", {}) | {"subject_id": attack}
                with pytest.raises(psycopg2.DataError):
                    run_query(cur, "top_performers", bound)
                conn.rollback()
            cur.execute("SELECT count(*) FROM platform.students")
            assert cur.fetchone() == (warehouse_db.counts["students"],)
            cur.execute("SELECT count(*) FROM platform.subjects")
            assert cur.fetchone() == (warehouse_db.counts["subjects"],)
    finally:
        conn.close()


def test_a_write_through_the_service_connection_is_refused(warehouse_db: WarehouseDb, service_factory: Factory) -> None:
    service = service_factory(warehouse_db.reader_url)
    with service.read_connection() as conn, conn.cursor() as cur:
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            cur.execute("UPDATE platform.subjects SET name = name || 'x'")
        conn.rollback()
        cur.execute("SET transaction_read_only = off")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("UPDATE platform.subjects SET name = name || 'x'")
    # The pool handed back a usable connection.
    assert service.query("attendance_vs_grades").rows


def test_a_query_over_the_statement_timeout_raises_an_error_naming_it(
    warehouse_db: WarehouseDb, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url, statement_timeout_ms=1)
    with pytest.raises(QueryTimeoutError, match=r"'student_engagement' \(raw\).*statement timeout of 1 ms"):
        service.query_raw("student_engagement", days_back=365, limit=10_000)


def test_a_slow_query_logs_a_warning_naming_it(
    warehouse_db: WarehouseDb, service_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    service = service_factory(warehouse_db.reader_url, slow_query_ms=0)
    with caplog.at_level(logging.WARNING, logger="lct_pipelines.warehouse"):
        service.query("class_trends")
    assert any(
        r.levelno == logging.WARNING and "slow warehouse query class_trends" in r.message for r in caplog.records
    )


def test_warm_cache_fills_the_common_queries(
    warehouse_db: WarehouseDb, redis_url: str, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=redis_url)
    report = service.warm_cache()
    assert set(report) == {*COMMON_QUERIES, "seconds"}  # its time is a benchmark figure (bench/), not a test
    for name in COMMON_QUERIES:
        result: QueryResult = service.query(name)
        assert result.cached, name
        assert len(result.rows) == report[name]["rows"]


def test_invalidate_by_prefix_deletes_only_matching_entries(
    warehouse_db: WarehouseDb, redis_url: str, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=redis_url)
    service.warm_cache()
    assert service.invalidate("top_") == 1
    assert not service.query("top_performers").cached
    assert service.query("bottom_performers").cached
    assert service.invalidate() == len(COMMON_QUERIES)
    assert service.invalidate() == 0


def test_the_service_answers_what_the_sql_answers(warehouse_db: WarehouseDb, service_factory: Factory) -> None:
    service = service_factory(warehouse_db.reader_url)
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    try:
        with conn.cursor() as cur:
            expected = answer(cur, "attendance_vs_grades")
    finally:
        conn.close()
    rows = service.query("attendance_vs_grades").rows
    assert [r["bucket"] for r in rows] == list(range(10))
    assert [r["student_count"] for r in rows] == [r["student_count"] for r in expected]
    assert sum(r["student_count"] for r in rows) == warehouse_db.counts["students"]


def _json_native(value: object) -> object:
    """What the service answered in before it read numeric and date columns by typecasters."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def test_every_query_answers_the_driver_rows_as_json_native_values(
    warehouse_db: WarehouseDb, service_factory: Factory
) -> None:
    """numeric as float and dates as ISO text, read by typecasters (warehouse/json_native.py): the same values, of
    the same types, as the driver's Decimal and date converted one by one."""
    service = service_factory(warehouse_db.reader_url)
    student = _busiest_student(warehouse_db)
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    seen: set[type] = set()
    try:
        for name in QUERY_SPECS:
            given = {"student_id": student} if name in ("student_progress", "subject_comparison") else {}
            with conn.cursor() as cur:
                expected = [{k: _json_native(v) for k, v in row.items()} for row in answer(cur, name, **given)]
            conn.rollback()
            rows = service.query(name, **given).rows
            assert rows, name
            assert rows == expected, name
            assert [[type(v) for v in r.values()] for r in rows] == [[type(v) for v in r.values()] for r in expected]
            seen |= {type(v) for r in rows for v in r.values()}
    finally:
        conn.close()
    assert {float, str, int} <= seen


def test_the_json_native_casters_read_every_type_as_the_driver_converted_one_by_one(
    warehouse_db: WarehouseDb,
) -> None:
    """Timestamps too (no query returns one today), and NULLs of each type."""
    sql = (
        "SELECT 85.50::numeric, 0.1234::numeric, NULL::numeric, DATE '2026-03-01', NULL::date, "
        "TIMESTAMPTZ '2026-03-01 10:15:30.25+00', TIMESTAMP '2026-03-01 10:15:30', NULL::timestamptz, 7"
    )
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            expected = tuple(_json_native(v) for v in cur.fetchone())
        with conn.cursor() as cur:
            read_json_native(cur)
            cur.execute(sql)
            got = cur.fetchone()
    finally:
        conn.close()
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert got[5] == "2026-03-01T10:15:30.250000+00:00"


def test_health_reports_each_server_and_the_route(
    warehouse_db: WarehouseDb, redis_url: str, service_factory: Factory
) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=redis_url)
    report = service.health()
    assert report["ok"] is True and report["primary"]["ok"] is True
    assert report["replica"] is None and report["route"] == "primary"
    assert report["redis"] == {"ok": True, "fence_lsn": None}
