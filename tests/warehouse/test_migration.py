"""Migrations 0003 and 0004 on the warehouse: platform tables match their models, the reader role is created, downgrade
undoes it, a rollup whose shape changed is dropped for deploy to recreate."""

from __future__ import annotations

import psycopg2
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import lct_pipelines.db.platform_models  # noqa: F401  (registers the platform tables on Base.metadata)
from lct_pipelines.db import migrate
from lct_pipelines.db.models import Base
from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.views import create_views

PLATFORM_TABLES = {
    "subjects",
    "teachers",
    "students",
    "classes",
    "class_enrollments",
    "assignments",
    "submissions",
    "attendance",
}


def _schemas(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_schema_names())
    finally:
        engine.dispose()


def test_platform_models_match_the_migrated_schema(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_schemas": True,
                "compare_type": True,
                # The warehouse's own tables (rollups in analytics, the change log) are not platform models.
                "include_object": lambda o, n, t, r, c: (
                    not (t == "table" and (n == "alembic_version" or o.schema in ("analytics", "warehouse_log")))
                ),
            },
        )
        assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(conn).get_table_names(schema="platform"))
    engine.dispose()
    assert tables == PLATFORM_TABLES


def test_the_reader_role_logs_in_reads_platform_and_analytics_and_defaults_to_read_only(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        role = conn.execute(
            text("SELECT rolcanlogin, rolconfig, rolsuper FROM pg_roles WHERE rolname = :r"), {"r": READER_ROLE}
        ).one()
        grants = conn.execute(
            text(
                "SELECT n.nspname, has_schema_privilege(:r, n.oid, 'USAGE'), has_schema_privilege(:r, n.oid, 'CREATE')"
                " FROM pg_namespace n WHERE n.nspname IN ('platform', 'analytics') ORDER BY 1"
            ),
            {"r": READER_ROLE},
        ).all()
        table_privileges = conn.execute(
            text(
                "SELECT bool_and(has_table_privilege(:r, c.oid, 'SELECT')),"
                " bool_or(has_table_privilege(:r, c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE'))"
                " FROM pg_class c WHERE c.relnamespace = 'platform'::regnamespace AND c.relkind = 'r'"
            ),
            {"r": READER_ROLE},
        ).one()
    engine.dispose()
    assert (role[0], role[2]) == (True, False)
    assert "default_transaction_read_only=on" in role[1]
    assert grants == [("analytics", True, False), ("platform", True, False)]
    assert tuple(table_privileges) == (True, False)


def test_downgrade_removes_platform_and_analytics_and_upgrade_restores_them(database_url: str) -> None:
    head = migrate.current(database_url)
    migrate.downgrade(database_url, "0002")
    assert migrate.current(database_url) == "0002"
    assert {"platform", "analytics", "warehouse_log"} & _schemas(database_url) == set()
    migrate.upgrade(database_url)
    assert migrate.current(database_url) == head
    assert {"platform", "analytics", "warehouse_log"} <= _schemas(database_url)


def test_upgrading_drops_the_attendance_rollup_of_the_old_shape_so_deploy_creates_the_new_one(
    database_url: str,
) -> None:
    """CREATE MATERIALIZED VIEW IF NOT EXISTS would keep an old definition: 0004 drops it, `lct up` recreates it."""
    migrate.downgrade(database_url, "0003")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE MATERIALIZED VIEW analytics.student_attendance_grades AS SELECT 1 AS student_id"))
    migrate.upgrade(database_url)
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        assert "student_attendance_grades" in create_views(conn)
    finally:
        conn.close()
    with engine.connect() as conn:
        columns = conn.execute(
            text(
                "SELECT array_agg(attname ORDER BY attnum) FROM pg_attribute"
                " WHERE attrelid = 'analytics.student_attendance_grades'::regclass AND attnum > 0"
            )
        ).scalar_one()
    engine.dispose()
    assert columns[:2] == ["window_days", "attendance_bucket"]
