"""Every table lives in a migration: upgrade, downgrade and the models agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from lct_pipelines.db import migrate
from lct_pipelines.db.models import Base


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    inspector = inspect(engine)
    tables = {
        f"{schema}.{t}"
        for schema in ("nces", "lct", "platform")
        if schema in inspector.get_schema_names()
        for t in inspector.get_table_names(schema=schema)
    }
    engine.dispose()
    return tables


def test_models_match_the_migrated_schema(database_url: str) -> None:
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
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    expected = {f"{t.schema}.{t.name}" for t in Base.metadata.sorted_tables}
    assert _tables(database_url) == expected
    migrate.downgrade(database_url, "base")
    assert _tables(database_url) == set()
    assert migrate.current(database_url) is None
    migrate.upgrade(database_url)
    assert _tables(database_url) == expected
