"""QA at full precision (the unrounded LCT, the not-calculable rows of a year); the windowed attendance rollup

Revision ID: 0004_qa_precision
Revises: 0003

`lct.lct_calculations.lct_value_unrounded` keeps the LCT the QA statistics use
(`lct_value` stays the contract's 2-decimal value); `lct.not_calculable` holds a
year's (district, scope) pairs without a calculation, with the reason. Both are
written by full and incremental runs alike, so an incremental run's QA report is
the full run's. Rows written before this migration have no unrounded value (the
QA falls back to `lct_value`) and their year no not-calculable rows until the
year's next full run (the nightly recompute).

`analytics.student_attendance_grades` changed shape (one row per window and
attendance bucket, for `attendance_vs_grades --days-back`): the old view is
dropped so that `lct up` (warehouse.views.create_views, idempotent) creates the
new one. The downgrade drops it too, for the older code to create its own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_qa_precision"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DROP_ATTENDANCE_ROLLUP = "DROP MATERIALIZED VIEW IF EXISTS analytics.student_attendance_grades"


def upgrade() -> None:
    op.execute(DROP_ATTENDANCE_ROLLUP)
    op.add_column(
        "lct_calculations",
        sa.Column(
            "lct_value_unrounded",
            sa.Float(),
            nullable=True,
            comment="lct_value at full precision, for the QA statistics (NULL: written before it was kept)",
        ),
        schema="lct",
    )
    op.create_table(
        "not_calculable",
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("district_id", sa.String(length=7), nullable=False),
        sa.Column("staff_scope", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False, comment="the first that applies, see methodology"),
        sa.Column("run_id", sa.String(length=16), nullable=False, comment="calculation_runs.run_id that wrote the row"),
        sa.PrimaryKeyConstraint("year", "district_id", "staff_scope", name=op.f("pk_not_calculable")),
        schema="lct",
        comment="(district, scope) pairs of a year without a calculation, with the reason",
    )


def downgrade() -> None:
    op.execute(DROP_ATTENDANCE_ROLLUP)
    op.drop_table("not_calculable", schema="lct")
    op.drop_column("lct_calculations", "lct_value_unrounded", schema="lct")
