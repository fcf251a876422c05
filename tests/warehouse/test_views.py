"""The rollups: idempotent creation, equal to their raw-join definitions, statistics of every relation."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg2
import pytest
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.warehouse import incremental, views
from lct_pipelines.warehouse.params import WINDOW_DAYS
from tests.warehouse.conftest import WarehouseDb

SPEC_KEYS = {
    "student_grade_summary": "student_id, subject_id",
    "class_progress_summary": "class_id",
    "teacher_workload": "teacher_id",
    "subject_performance": "subject_id",
}


@pytest.fixture
def admin(warehouse_db: WarehouseDb) -> Iterator[PgConnection]:
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    yield conn
    conn.rollback()
    conn.close()


def _refresh_everything_in(conn: PgConnection) -> None:
    """A full rebuild inside the caller's transaction, as of its now(), so now() there equals the rollups' as_of."""
    with conn.cursor() as cur:
        cur.execute("SELECT now()")
        now = cur.fetchone()[0]
    incremental.rebuild(conn, now)


def test_create_views_is_idempotent_and_creates_every_rollup(admin: PgConnection) -> None:
    assert views.create_views(admin) == []  # the fixture created them all already
    with admin.cursor() as cur:
        cur.execute(load_sql("warehouse/existing_rollups.sql"))
        assert {name for name, kind in cur.fetchall() if kind == "r"} >= set(views.ROLLUPS)
        cur.execute(
            "SELECT DISTINCT tablename FROM pg_indexes WHERE schemaname = 'analytics' "
            "AND indexdef LIKE 'CREATE UNIQUE%%' AND tablename = ANY(%(names)s)",
            {"names": views.ROLLUPS},
        )
        assert {name for (name,) in cur.fetchall()} == set(views.ROLLUPS) - set(views.KEYED_BY_REFRESH)
        assert set(views.KEYED_BY_REFRESH).isdisjoint(views.SPEC_ROLLUPS)  # the specified keep theirs
        # No (auto)vacuum truncation: its ACCESS EXCLUSIVE lock would make readers wait.
        cur.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'analytics'::regnamespace AND relkind = 'r'"
            " AND 'vacuum_truncate=false' = ANY(reloptions)"
        )
        assert cur.fetchone() == (len(views.ROLLUPS),)


def test_an_earlier_materialized_view_is_replaced_by_its_table_and_the_next_refresh_is_full(
    database_url: str,
) -> None:
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE MATERIALIZED VIEW analytics.teacher_workload AS SELECT 1 AS teacher_id")
            cur.execute("CREATE MATERIALIZED VIEW analytics.student_class_bands AS SELECT 1 AS student_id")
        conn.commit()
        assert views.create_views(conn) == views.ROLLUPS
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/existing_rollups.sql"))
            kinds = dict(cur.fetchall())
        assert kinds["teacher_workload"] == "r" and "student_class_bands" not in kinds
        report = incremental.refresh(lambda: psycopg2.connect(libpq_dsn(database_url)))
        assert report.kind == "full"
    finally:
        conn.close()


def test_rollups_are_built_after_the_rollups_they_read() -> None:
    position = {name: i for i, name in enumerate(views.ROLLUPS)}
    for name in views.ROLLUPS:
        assert all(position[d] < position[name] for d in views.view_inputs(name)["analytics"]), name
    assert set(views.SPEC_ROLLUPS) <= set(views.ROLLUPS)


@pytest.mark.parametrize("name", sorted(SPEC_KEYS))
def test_each_spec_rollup_equals_its_raw_join_definition(admin: PgConnection, name: str) -> None:
    _refresh_everything_in(admin)
    with admin.cursor() as cur:
        cur.execute(load_sql(f"warehouse/raw/rollups/{name}.sql"))
        raw = cur.fetchall()
        columns = [d.name for d in cur.description]
        cur.execute(f"SELECT {', '.join(columns)} FROM analytics.{name} ORDER BY {SPEC_KEYS[name]}")
        rolled = cur.fetchall()
    assert len(rolled) > 5
    assert rolled == raw


def test_the_windowed_rollups_hold_exactly_the_accepted_windows(admin: PgConnection) -> None:
    with admin.cursor() as cur:
        for name in ("student_subject_windows", "student_engagement_windows", "student_attendance_grades"):
            cur.execute(f"SELECT array_agg(DISTINCT window_days ORDER BY window_days) FROM analytics.{name}")
            assert cur.fetchone() == (list(WINDOW_DAYS),)


def test_subject_performance_is_indexed_on_avg_grade_descending(admin: PgConnection) -> None:
    with admin.cursor() as cur:
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'analytics' AND tablename = 'subject_performance'"
            " AND indexname = 'ix_subject_performance_avg_grade'"
        )
        [(definition,)] = cur.fetchall()
        cur.execute("SET LOCAL enable_seqscan = off")  # 8 subjects: the planner would rightly prefer a scan
        cur.execute("EXPLAIN SELECT subject_id FROM analytics.subject_performance ORDER BY avg_grade DESC LIMIT 3")
        plan = " ".join(row[0] for row in cur.fetchall())
    assert definition.endswith("(avg_grade DESC)")
    assert "ix_subject_performance_avg_grade" in plan and "Sort" not in plan


def test_view_statistics_sizes_and_counts_every_rollup_and_platform_table(
    admin: PgConnection, warehouse_db: WarehouseDb
) -> None:
    stats = {(s["schema"], s["name"]): s for s in views.view_statistics(admin)}
    assert set(stats) == {("analytics", n) for n in views.ROLLUPS} | {("platform", t) for t in warehouse_db.counts}
    with admin.cursor() as cur:
        for name in views.ROLLUPS:
            cur.execute(f"SELECT count(*) FROM analytics.{name}")
            assert stats[("analytics", name)]["row_count"] == cur.fetchone()[0]
            assert stats[("analytics", name)]["row_count_exact"] is True
            assert stats[("analytics", name)]["total_bytes"] > 0
    # Platform tables were ANALYZEd after the load: the estimate is exact at this size.
    for table, count in warehouse_db.counts.items():
        assert stats[("platform", table)]["row_count"] == count
        assert stats[("platform", table)]["row_count_exact"] is False
