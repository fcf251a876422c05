"""Load into staging, swap in one transaction: a failure leaves the previous rows untouched and visible."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from psycopg2 import sql as pgsql
from psycopg2.extensions import connection as PgConnection
from psycopg2.extensions import cursor as PgCursor
from sqlalchemy import Engine

from lct_pipelines.db.sqlfiles import column_list, compose_sql, table_identifier


@contextmanager
def transaction(engine: Engine) -> Iterator[PgCursor]:
    """A psycopg2 cursor in one transaction: committed on success, rolled back on any error."""
    raw = engine.raw_connection()
    try:
        conn: PgConnection = raw.driver_connection  # type: ignore[assignment]
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    except BaseException:
        raw.driver_connection.rollback()
        raise
    finally:
        raw.close()


def copy_frame(cur: PgCursor, table: pgsql.Composable, frame: pd.DataFrame) -> None:
    """COPY a DataFrame into `table` (columns by name). Missing values (NaN, None) become NULL, "" stays ""."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
    buffer.seek(0)
    statement = compose_sql("common/copy_csv.sql", table=table, columns=column_list(list(frame.columns)))
    cur.copy_expert(statement.as_string(cur), buffer)


def _stage(cur: PgCursor, target: str, frame: pd.DataFrame) -> pgsql.Identifier:
    staging = pgsql.Identifier(f"staging_{target.replace('.', '_')}")
    cur.execute(compose_sql("common/create_staging.sql", staging=staging, target=table_identifier(target)))
    copy_frame(cur, staging, frame)
    return staging


def replace_partition(
    cur: PgCursor, target: str, frame: pd.DataFrame, value: str, *, column: str = "school_year"
) -> None:
    """Replace the rows of `target` whose `column` = `value` with `frame`, inside the cursor's transaction."""
    staging = _stage(cur, target, frame)
    statement = compose_sql(
        "common/replace_partition.sql",
        target=table_identifier(target),
        staging=staging,
        columns=column_list(list(frame.columns)),
        partition_column=pgsql.Identifier(column),
    )
    cur.execute(statement, {"partition_value": value})


def replace_table(cur: PgCursor, target: str, frame: pd.DataFrame) -> None:
    """Replace every row of `target` with `frame`, inside the cursor's transaction."""
    staging = _stage(cur, target, frame)
    statement = compose_sql(
        "common/replace_table.sql",
        target=table_identifier(target),
        staging=staging,
        columns=column_list(list(frame.columns)),
    )
    cur.execute(statement)


def insert_frame(cur: PgCursor, target: str, frame: pd.DataFrame) -> None:
    """Append `frame` to `target` through a staging table (COPY, then one INSERT ... SELECT)."""
    staging = _stage(cur, target, frame)
    statement = compose_sql(
        "common/insert_from_staging.sql",
        target=table_identifier(target),
        staging=staging,
        columns=column_list(list(frame.columns)),
    )
    cur.execute(statement)
