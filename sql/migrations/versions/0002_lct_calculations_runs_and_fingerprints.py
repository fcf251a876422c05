"""lct calculations, runs and fingerprints

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calculation_runs",
        sa.Column("run_id", sa.String(length=16), nullable=False, comment="UTC start, e.g. 20251228T014510Z"),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("run_type", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False, comment="running, success, failed, blocked"),
        sa.Column("districts_processed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("calculations_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=True, comment="SHA-256 over the inputs"),
        sa.Column("output_files", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("qa_summary", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("dagster_run_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("run_type IN ('full', 'incremental')", name=op.f("ck_calculation_runs_run_type_known")),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_calculation_runs")),
        schema="lct",
    )
    op.create_index(op.f("ix_calculation_runs_year"), "calculation_runs", ["year"], unique=False, schema="lct")
    op.create_table(
        "district_fingerprints",
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("leaid", sa.String(length=7), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False, comment="SHA-256 over the district's inputs"),
        sa.Column("run_id", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("year", "leaid", name=op.f("pk_district_fingerprints")),
        schema="lct",
    )
    op.create_table(
        "lct_calculations",
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("district_id", sa.String(length=7), nullable=False),
        sa.Column("staff_scope", sa.String(length=32), nullable=False),
        sa.Column("district_name", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("staff_count", sa.Float(), nullable=False, comment="staff FTE of the scope"),
        sa.Column("enrollment", sa.Integer(), nullable=False, comment="students of the scope's enrollment type"),
        sa.Column("enrollment_type", sa.String(length=10), nullable=False),
        sa.Column("instructional_minutes", sa.Float(), nullable=False, comment="rounded to 2 decimals"),
        sa.Column(
            "instructional_minutes_source",
            sa.String(length=20),
            nullable=False,
            comment="bell_schedule, state_requirement, default or mixed",
        ),
        sa.Column(
            "lct_value", sa.Float(), nullable=False, comment="minutes x staff / enrollment, rounded to 2 decimals"
        ),
        sa.Column("is_valid", sa.Boolean(), nullable=False),
        sa.Column("qa_flags", sa.Text(), nullable=False, comment="';'-separated flags, '' when none"),
        sa.Column("run_id", sa.String(length=16), nullable=False, comment="calculation_runs.run_id that wrote the row"),
        sa.CheckConstraint(
            "enrollment_type IN ('k12', 'elementary', 'secondary')",
            name=op.f("ck_lct_calculations_enrollment_type_known"),
        ),
        sa.CheckConstraint("char_length(district_id) = 7", name=op.f("ck_lct_calculations_district_id_7_chars")),
        sa.PrimaryKeyConstraint("year", "district_id", "staff_scope", name=op.f("pk_lct_calculations")),
        schema="lct",
        comment="LCT per district, year and scope; see docs/methodology.md",
    )
    op.create_index(op.f("ix_lct_calculations_state"), "lct_calculations", ["state"], unique=False, schema="lct")


def downgrade() -> None:
    op.drop_index(op.f("ix_lct_calculations_state"), table_name="lct_calculations", schema="lct")
    op.drop_table("lct_calculations", schema="lct")
    op.drop_table("district_fingerprints", schema="lct")
    op.drop_index(op.f("ix_calculation_runs_year"), table_name="calculation_runs", schema="lct")
    op.drop_table("calculation_runs", schema="lct")
