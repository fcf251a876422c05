"""The platform demo: realistic shape and skew, every constraint holds, reruns replace instead of adding."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from lct_pipelines.demo.platform import TABLES, generate_platform_data
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from tests.conftest import TEMPLATE_DATABASE, create_database

AS_OF = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(pg_server: EmbeddedPostgres) -> tuple[str, dict[str, int]]:
    name = create_database(pg_server)
    counts = generate_platform_data(pg_server.url(name), students=600, seed=11, as_of=AS_OF)
    return name, counts


def _one(server: EmbeddedPostgres, database: str, sql: str) -> tuple:
    conn = psycopg2.connect(server.dsn(database))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()
    finally:
        conn.close()


def test_counts_follow_the_scale(pg_server: EmbeddedPostgres, demo: tuple[str, dict[str, int]]) -> None:
    name, counts = demo
    assert list(counts) == list(TABLES)
    assert (counts["students"], counts["subjects"], counts["teachers"], counts["classes"]) == (600, 12, 12, 86)
    # ~100 submissions and ~150 attendance rows per student at every scale.
    assert 80 * 600 <= counts["submissions"] <= 120 * 600
    assert 120 * 600 <= counts["attendance"] <= 180 * 600
    for table, expected in counts.items():
        assert _one(pg_server, name, f"SELECT count(*) FROM platform.{table}") == (expected,)


def test_grades_are_skewed_around_78_and_most_work_is_on_time(
    pg_server: EmbeddedPostgres, demo: tuple[str, dict[str, int]]
) -> None:
    name, _ = demo
    mean, pass_rate, late_share = _one(
        pg_server,
        name,
        "SELECT avg(s.grade), avg((s.grade >= 60)::int), avg((s.submitted_at > a.due_at)::int)"
        " FROM platform.submissions s JOIN platform.assignments a USING (assignment_id)",
    )
    assert 75 <= mean <= 81
    assert 0.85 <= pass_rate <= 0.97
    assert 0.05 <= late_share <= 0.2


def test_some_reviews_are_pending_and_some_of_those_overdue(
    pg_server: EmbeddedPostgres, demo: tuple[str, dict[str, int]]
) -> None:
    name, counts = demo
    pending, overdue, newest = _one(
        pg_server,
        name,
        "SELECT count(*) FILTER (WHERE status = 'pending_review'),"
        f" count(*) FILTER (WHERE status = 'pending_review' AND submitted_at < '{AS_OF.isoformat()}'::timestamptz"
        " - interval '7 days'), max(submitted_at) FROM platform.submissions",
    )
    assert 0.01 * counts["submissions"] < pending < 0.1 * counts["submissions"]
    assert 0 < overdue < pending
    assert newest <= AS_OF


def test_class_sizes_are_skewed_many_small_a_few_large(
    pg_server: EmbeddedPostgres, demo: tuple[str, dict[str, int]]
) -> None:
    name, _ = demo
    median, largest = _one(
        pg_server,
        name,
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n), max(n)"
        " FROM (SELECT count(*) AS n FROM platform.class_enrollments GROUP BY class_id) sizes",
    )
    assert largest >= 4 * median


def _keys_and_indexes(server: EmbeddedPostgres, database: str) -> set[tuple[str, str]]:
    conn = psycopg2.connect(server.dsn(database))
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END"
                " FROM pg_constraint WHERE connamespace = 'platform'::regnamespace"
                " UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'platform'"
            )
            return set(cur.fetchall())
    finally:
        conn.close()


def test_keys_foreign_keys_and_indexes_are_back_after_the_load(
    pg_server: EmbeddedPostgres, demo: tuple[str, dict[str, int]]
) -> None:
    """The load drops them for speed; afterwards the catalog must match the freshly migrated template."""
    name, _ = demo
    loaded = _keys_and_indexes(pg_server, name)
    assert loaded == _keys_and_indexes(pg_server, TEMPLATE_DATABASE)
    assert sum(1 for con, _ in loaded if con.startswith("fk_")) == 9


def test_a_rerun_with_the_same_seed_replaces_the_rows_with_identical_ones(pg_server: EmbeddedPostgres) -> None:
    name = create_database(pg_server)
    url = pg_server.url(name)
    fingerprint = "SELECT md5(string_agg(s::text, ',' ORDER BY submission_id)) FROM platform.submissions s"
    first = generate_platform_data(url, students=150, seed=3, as_of=AS_OF)
    before = _one(pg_server, name, fingerprint)
    second = generate_platform_data(url, students=150, seed=3, as_of=AS_OF)
    assert second == first
    assert _one(pg_server, name, fingerprint) == before
    assert _one(pg_server, name, "SELECT count(*) FROM platform.submissions") == (first["submissions"],)
