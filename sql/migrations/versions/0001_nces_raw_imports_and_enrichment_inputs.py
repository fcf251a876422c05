"""NCES raw imports (directory, enrollment, staff, import reports) and the enrichment inputs.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS nces")
    op.execute("CREATE SCHEMA IF NOT EXISTS lct")
    op.create_table(
        "bell_schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("leaid", sa.String(length=7), nullable=False),
        sa.Column("district_name", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("year", sa.String(length=7), nullable=False, comment="school year of the schedule, e.g. 2024-25"),
        sa.Column("grade_level", sa.String(length=10), nullable=False),
        sa.Column("instructional_minutes", sa.Float(), nullable=False),
        sa.Column("start_time", sa.Text(), nullable=True),
        sa.Column("end_time", sa.Text(), nullable=True),
        sa.Column("lunch_duration", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("confidence", sa.String(length=6), nullable=False),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("confidence IN ('high', 'medium', 'low')", name=op.f("ck_bell_schedules_confidence_known")),
        sa.CheckConstraint(
            "grade_level IN ('elementary', 'middle', 'high')", name=op.f("ck_bell_schedules_grade_level_known")
        ),
        sa.CheckConstraint("char_length(leaid) = 7", name=op.f("ck_bell_schedules_leaid_7_chars")),
        sa.CheckConstraint(
            "instructional_minutes > 0 AND instructional_minutes <= 1440",
            name=op.f("ck_bell_schedules_minutes_positive"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bell_schedules")),
        sa.UniqueConstraint("leaid", "year", "grade_level", name=op.f("uq_bell_schedules_leaid_year_grade_level")),
        schema="lct",
    )
    op.create_index(op.f("ix_bell_schedules_leaid"), "bell_schedules", ["leaid"], unique=False, schema="lct")
    op.create_table(
        "state_requirements",
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("state_name", sa.Text(), nullable=False),
        sa.Column("elementary_minutes", sa.Float(), nullable=False),
        sa.Column("middle_minutes", sa.Float(), nullable=False),
        sa.Column("high_minutes", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_state_requirements")),
        schema="lct",
    )
    op.create_table(
        "import_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("school_year", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="directory, membership or staff"),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("report", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_reports")),
        schema="nces",
    )
    op.create_index(
        op.f("ix_import_reports_school_year"), "import_reports", ["school_year"], unique=False, schema="nces"
    )
    op.create_table(
        "lea_directory",
        sa.Column("school_year", sa.String(length=7), nullable=False, comment="e.g. 2023-24"),
        sa.Column("leaid", sa.String(length=7), nullable=False, comment="NCES LEA id, 7 chars, leading zeros kept"),
        sa.Column("fipst", sa.String(length=2), nullable=True, comment="state FIPS code"),
        sa.Column(
            "state", sa.String(length=2), nullable=False, comment="postal code (ST); also DC, PR, VI, GU, AS, MP, BI"
        ),
        sa.Column("state_name", sa.Text(), nullable=True),
        sa.Column("lea_name", sa.Text(), nullable=False),
        sa.Column("st_leaid", sa.Text(), nullable=True, comment="the state's own id"),
        sa.Column("lea_type", sa.Integer(), nullable=True),
        sa.Column("lea_type_text", sa.Text(), nullable=True),
        sa.Column("sy_status_text", sa.Text(), nullable=True, comment="Open, Closed, New, ..."),
        sa.Column("charter_lea_text", sa.Text(), nullable=True),
        sa.Column("gslo", sa.String(length=2), nullable=True, comment="lowest grade offered"),
        sa.Column("gshi", sa.String(length=2), nullable=True, comment="highest grade offered"),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("zip", sa.String(length=10), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("operational_schools", sa.Integer(), nullable=True),
        sa.CheckConstraint("char_length(leaid) = 7", name=op.f("ck_lea_directory_leaid_7_chars")),
        sa.PrimaryKeyConstraint("school_year", "leaid", name=op.f("pk_lea_directory")),
        schema="nces",
        comment="NCES CCD 029 directory: one row per LEA and school year",
    )
    op.create_table(
        "lea_enrollment",
        sa.Column("school_year", sa.String(length=7), nullable=False),
        sa.Column("leaid", sa.String(length=7), nullable=False),
        sa.Column("prek", sa.Float(), nullable=True, comment="NULL: no reported count for this grade"),
        sa.Column("kg", sa.Float(), nullable=True),
        sa.Column("g1", sa.Float(), nullable=True),
        sa.Column("g2", sa.Float(), nullable=True),
        sa.Column("g3", sa.Float(), nullable=True),
        sa.Column("g4", sa.Float(), nullable=True),
        sa.Column("g5", sa.Float(), nullable=True),
        sa.Column("g6", sa.Float(), nullable=True),
        sa.Column("g7", sa.Float(), nullable=True),
        sa.Column("g8", sa.Float(), nullable=True),
        sa.Column("g9", sa.Float(), nullable=True),
        sa.Column("g10", sa.Float(), nullable=True),
        sa.Column("g11", sa.Float(), nullable=True),
        sa.Column("g12", sa.Float(), nullable=True),
        sa.Column("g13", sa.Float(), nullable=True),
        sa.Column("ungraded", sa.Float(), nullable=True),
        sa.Column("adult_ed", sa.Float(), nullable=True),
        sa.Column("enrollment_k12", sa.Float(), nullable=False, comment="kg + g1..g12"),
        sa.Column("enrollment_elementary", sa.Float(), nullable=False, comment="kg + g1..g5"),
        sa.Column("enrollment_middle", sa.Float(), nullable=False, comment="g6..g8"),
        sa.Column("enrollment_high", sa.Float(), nullable=False, comment="g9..g12"),
        sa.Column("enrollment_secondary", sa.Float(), nullable=False, comment="middle + high"),
        sa.Column("total_reported", sa.Float(), nullable=True, comment="the file's own Education Unit Total row"),
        sa.CheckConstraint("char_length(leaid) = 7", name=op.f("ck_lea_enrollment_leaid_7_chars")),
        sa.PrimaryKeyConstraint("school_year", "leaid", name=op.f("pk_lea_enrollment")),
        schema="nces",
        comment="NCES CCD 052 membership, detail rows summed per district and grade",
    )
    op.create_table(
        "lea_staff",
        sa.Column("school_year", sa.String(length=7), nullable=False),
        sa.Column("leaid", sa.String(length=7), nullable=False),
        sa.Column("category", sa.Text(), nullable=False, comment="NCES STAFF detail category"),
        sa.Column("tier", sa.Text(), nullable=False, comment="teacher, instructional support, student support, ..."),
        sa.Column("fte", sa.Float(), nullable=True, comment="full-time equivalents; NULL when not reported"),
        sa.CheckConstraint("char_length(leaid) = 7", name=op.f("ck_lea_staff_leaid_7_chars")),
        sa.PrimaryKeyConstraint("school_year", "leaid", "category", name=op.f("pk_lea_staff")),
        schema="nces",
        comment="NCES CCD 059 staff, detail categories only",
    )


def downgrade() -> None:
    op.drop_table("lea_staff", schema="nces")
    op.drop_table("lea_enrollment", schema="nces")
    op.drop_table("lea_directory", schema="nces")
    op.drop_index(op.f("ix_import_reports_school_year"), table_name="import_reports", schema="nces")
    op.drop_table("import_reports", schema="nces")
    op.drop_table("state_requirements", schema="lct")
    op.drop_index(op.f("ix_bell_schedules_leaid"), table_name="bell_schedules", schema="lct")
    op.drop_table("bell_schedules", schema="lct")
    op.execute("DROP SCHEMA IF EXISTS nces")
    op.execute("DROP SCHEMA IF EXISTS lct")
