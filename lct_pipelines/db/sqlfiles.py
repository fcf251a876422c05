"""SQL lives in `sql/`; this reads it. Identifiers are composed with psycopg2.sql, values always bound."""

from __future__ import annotations

from functools import cache

from psycopg2 import sql as pgsql

from lct_pipelines.project import sql_dir


@cache
def load_sql(name: str) -> str:
    """The text of `sql/<name>` (e.g. 'common/replace_partition.sql')."""
    return (sql_dir() / name).read_text()


def compose_sql(name: str, **identifiers: pgsql.Composable) -> pgsql.Composed:
    """`sql/<name>` with `{placeholders}` filled by identifiers or composed lists (never by values)."""
    return pgsql.SQL(load_sql(name)).format(**identifiers)


def table_identifier(qualified: str) -> pgsql.Identifier:
    """'nces.lea_staff' -> "nces"."lea_staff"."""
    return pgsql.Identifier(*qualified.split("."))


def column_list(columns: list[str]) -> pgsql.Composed:
    return pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns)
