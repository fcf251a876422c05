"""The platform's change log: what changed in each platform table since the warehouse last refreshed

Revision ID: 0007_platform_change_log
Revises: 0006_column_comments

The nightly refresh recomputes only what the day's changes touch. A high-water mark on the platform
tables cannot find those changes: the tables have no modification time, a serial id misses updates and
a transaction that commits after a later one, and no column shows a deleted row. So every platform
table gets three statement-level triggers (insert, update, delete) that append the keys of the rows a
statement touched, with the old row as JSON for an update or delete, to a log table of the same name
in schema `warehouse_log`; a TRUNCATE appends to `warehouse_log.resets` (the next refresh rebuilds
everything). Statement-level with transition tables: a bulk statement costs one INSERT ... SELECT per
statement, not one trigger call per row. The functions are SECURITY DEFINER, so the platform's writers
need no rights on the log.

The refresh reads and deletes the log rows its snapshot sees, in the transaction that applies them
(`lct_pipelines/warehouse/incremental.py`): a writer's rows committed later stay for the next run.
Old rows are kept as JSON, not as the table's row type, so the platform can still alter its tables.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_platform_change_log"
down_revision: str | None = "0006_column_comments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each platform table and its key columns (the log table has these, `change_id` and `old`).
KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "subjects": (("subject_id", "integer"),),
    "teachers": (("teacher_id", "integer"),),
    "students": (("student_id", "integer"),),
    "classes": (("class_id", "integer"),),
    "class_enrollments": (("class_id", "integer"), ("student_id", "integer")),
    "assignments": (("assignment_id", "integer"),),
    "submissions": (("submission_id", "bigint"),),
    "attendance": (("student_id", "integer"), ("class_id", "integer"), ("date", "date")),
}

RECORD_FUNCTION = """
CREATE OR REPLACE FUNCTION warehouse_log.record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    keys text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO warehouse_log.resets (table_name) VALUES (TG_TABLE_NAME);
        RETURN NULL;
    END IF;
    -- Old rows first: for a key touched twice before a refresh, its earliest entry tells what the
    -- warehouse last saw (an old row: it existed so; a bare key: it did not exist).
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('INSERT INTO warehouse_log.%I (%s, old) SELECT %s, to_jsonb(o) FROM old_rows o',
                       TG_TABLE_NAME, keys, keys);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        EXECUTE format('INSERT INTO warehouse_log.%I (%s) SELECT %s FROM new_rows', TG_TABLE_NAME, keys, keys);
    END IF;
    RETURN NULL;
END
$fn$
"""


def _key_list(table: str) -> str:
    return ", ".join(name for name, _ in KEYS[table])


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS warehouse_log")
    op.execute("CREATE SEQUENCE IF NOT EXISTS warehouse_log.change_seq")
    op.execute(
        "CREATE TABLE warehouse_log.resets (change_id bigint NOT NULL DEFAULT nextval('warehouse_log.change_seq'), "
        "table_name text NOT NULL, at timestamptz NOT NULL DEFAULT now())"
    )
    for table, keys in KEYS.items():
        columns = ", ".join(f"{name} {kind} NOT NULL" for name, kind in keys)
        op.execute(
            f"CREATE TABLE warehouse_log.{table} (change_id bigint NOT NULL "
            f"DEFAULT nextval('warehouse_log.change_seq'), {columns}, old jsonb)"
        )
    op.execute(RECORD_FUNCTION)
    for table in KEYS:
        keys = _key_list(table)
        for event, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER warehouse_log_{event.lower()} AFTER {event} ON platform.{table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION warehouse_log.record_change('{keys}')"
            )
        op.execute(
            f"CREATE TRIGGER warehouse_log_truncate AFTER TRUNCATE ON platform.{table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION warehouse_log.record_change('{keys}')"
        )


def downgrade() -> None:
    for table in KEYS:
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS warehouse_log_{event} ON platform.{table}")
    op.execute("DROP SCHEMA IF EXISTS warehouse_log CASCADE")
