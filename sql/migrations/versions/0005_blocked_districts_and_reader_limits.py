"""Blocked districts of the bell-schedule campaign; the read-only role's limits

Revision ID: 0005_blocked_reader_limits
Revises: 0004_qa_precision

`lct.blocked_districts` keeps the districts marked blocked in `lct enrich`
(answer `b`: the site is unreachable), with the time; campaigns skip them.

The read-only role `lct_reader` (the warehouse's queries) gets a statement
timeout and an idle-in-transaction timeout of its own, for any session that
does not set them (the query service sets a tighter one per transaction), and
can no longer create temporary tables: TEMPORARY is revoked from PUBLIC on
this database and granted to the role running the migrations (the owner,
whose staged loads use temporary tables). Role settings are cluster-wide,
like the role.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_blocked_reader_limits"
down_revision: str | None = "0004_qa_precision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READER_ROLE = "lct_reader"
READER_STATEMENT_TIMEOUT = "60s"
READER_IDLE_IN_TRANSACTION_TIMEOUT = "60s"

DATABASE_TEMP = """
DO $$
BEGIN
    EXECUTE format('{action} TEMPORARY ON DATABASE %I {direction} PUBLIC', current_database());
    EXECUTE format('{owner_action} TEMPORARY ON DATABASE %I {owner_direction} %I', current_database(), current_user);
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "blocked_districts",
        sa.Column("leaid", sa.String(length=7), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("reason", sa.Text(), server_default="site unreachable", nullable=False),
        sa.CheckConstraint("char_length(leaid) = 7", name=op.f("ck_blocked_districts_leaid_7_chars")),
        sa.PrimaryKeyConstraint("leaid", name=op.f("pk_blocked_districts")),
        schema="lct",
        comment="Districts marked blocked in `lct enrich` (answer b)",
    )
    op.create_index(op.f("ix_blocked_districts_state"), "blocked_districts", ["state"], unique=False, schema="lct")
    op.execute(f"ALTER ROLE {READER_ROLE} SET statement_timeout = '{READER_STATEMENT_TIMEOUT}'")
    op.execute(
        f"ALTER ROLE {READER_ROLE} SET idle_in_transaction_session_timeout = '{READER_IDLE_IN_TRANSACTION_TIMEOUT}'"
    )
    op.execute(DATABASE_TEMP.format(action="REVOKE", direction="FROM", owner_action="GRANT", owner_direction="TO"))


def downgrade() -> None:
    op.execute(DATABASE_TEMP.format(action="GRANT", direction="TO", owner_action="REVOKE", owner_direction="FROM"))
    op.execute(f"ALTER ROLE {READER_ROLE} RESET idle_in_transaction_session_timeout")
    op.execute(f"ALTER ROLE {READER_ROLE} RESET statement_timeout")
    op.drop_index(op.f("ix_blocked_districts_state"), table_name="blocked_districts", schema="lct")
    op.drop_table("blocked_districts", schema="lct")
