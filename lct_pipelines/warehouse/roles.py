"""The read-only role the warehouse service connects as (`lct_reader`, created by migration 0003)."""

from __future__ import annotations

import psycopg2
from psycopg2 import sql as pgsql

from lct_pipelines.db.sqlfiles import compose_sql, load_sql
from lct_pipelines.db.urls import libpq_dsn, with_credentials
from lct_pipelines.warehouse.errors import WarehouseConfigError

READER_ROLE = "lct_reader"


def ensure_reader_role(admin_url: str, password: str) -> str:
    """Set the reader's password (and LOGIN); return its URL for the same server and database.

    Roles are cluster-wide, so one call serves every database of the cluster (and its replicas,
    which replay the catalog). The password is sent as a quoted literal: ALTER ROLE binds nothing.
    """
    if not password:
        raise ValueError("the reader's password must not be empty")
    conn = psycopg2.connect(libpq_dsn(admin_url))
    try:
        with conn, conn.cursor() as cur:
            cur.execute(load_sql("warehouse/roles/reader_role_exists.sql"), {"role": READER_ROLE})
            if cur.fetchone() is None:
                raise WarehouseConfigError(f"role {READER_ROLE} does not exist: run the migrations (lct db upgrade)")
            statement = compose_sql(
                "warehouse/roles/alter_reader_password.sql",
                role=pgsql.Identifier(READER_ROLE),
                password=pgsql.Literal(password),
            )
            cur.execute(statement)
    finally:
        conn.close()
    return with_credentials(admin_url, READER_ROLE, password)
