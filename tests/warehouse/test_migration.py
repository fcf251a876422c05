"""Migration 0003: the platform tables match their models, the reader role is created, downgrade undoes it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import lct_pipelines.db.platform_models  # noqa: F401  (registers the platform tables on Base.metadata)
from lct_pipelines.db import migrate
from lct_pipelines.db.models import Base
from lct_pipelines.warehouse.roles import READER_ROLE

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
                "include_object": lambda o, n, t, r, c: not (t == "table" and n == "alembic_version"),
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
    assert role == (True, ["default_transaction_read_only=on"], False)
    assert grants == [("analytics", True, False), ("platform", True, False)]
    assert tuple(table_privileges) == (True, False)


def test_downgrade_removes_platform_and_analytics_and_upgrade_restores_them(database_url: str) -> None:
    migrate.downgrade(database_url, "0002")
    assert migrate.current(database_url) == "0002"
    assert {"platform", "analytics"} & _schemas(database_url) == set()
    migrate.upgrade(database_url)
    assert migrate.current(database_url) == "0003"
    assert {"platform", "analytics"} <= _schemas(database_url)
