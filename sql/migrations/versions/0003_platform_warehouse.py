"""Platform source tables, the analytics schema and the read-only role of the warehouse service

Revision ID: 0003
Revises: 0002

The rollups (materialized views in `analytics`) are not created here: they
are built from data and created idempotently by
`lct_pipelines.warehouse.views.create_views` on deploy. The role
`lct_reader` is cluster-wide, so it is created only when missing and never
dropped by the downgrade (other databases of the cluster may use it); its
password is set by `lct_pipelines.warehouse.roles.ensure_reader_role`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READER_ROLE = "lct_reader"

CREATE_READER_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{READER_ROLE}') THEN
        CREATE ROLE {READER_ROLE} LOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- created meanwhile by the migration of another database of the cluster
END
$$
"""

GRANT_READER = [
    f"ALTER ROLE {READER_ROLE} LOGIN",
    # Belt and braces with the missing write grants: even a granted write is refused.
    f"ALTER ROLE {READER_ROLE} SET default_transaction_read_only = on",
    f"GRANT USAGE ON SCHEMA platform, analytics TO {READER_ROLE}",
    f"GRANT SELECT ON ALL TABLES IN SCHEMA platform, analytics TO {READER_ROLE}",
    f"ALTER DEFAULT PRIVILEGES IN SCHEMA platform, analytics GRANT SELECT ON TABLES TO {READER_ROLE}",
]


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS platform")
    op.execute("CREATE SCHEMA IF NOT EXISTS analytics")
    op.create_table(
        "students",
        sa.Column("student_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("grade_level", sa.SmallInteger(), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.CheckConstraint("grade_level BETWEEN 1 AND 12", name=op.f("ck_students_grade_level_1_12")),
        sa.PrimaryKeyConstraint("student_id", name=op.f("pk_students")),
        schema="platform",
    )
    op.create_table(
        "subjects",
        sa.Column("subject_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_subjects")),
        sa.UniqueConstraint("name", name=op.f("uq_subjects_name")),
        schema="platform",
        comment="Platform subjects (Mathematics, Biology, ...)",
    )
    op.create_table(
        "teachers",
        sa.Column("teacher_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("teacher_id", name=op.f("pk_teachers")),
        sa.UniqueConstraint("email", name=op.f("uq_teachers_email")),
        schema="platform",
    )
    op.create_table(
        "classes",
        sa.Column("class_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["platform.subjects.subject_id"], name="fk_classes_subject_id"),
        sa.ForeignKeyConstraint(["teacher_id"], ["platform.teachers.teacher_id"], name="fk_classes_teacher_id"),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_classes")),
        schema="platform",
    )
    op.create_index(op.f("ix_classes_subject_id"), "classes", ["subject_id"], unique=False, schema="platform")
    op.create_index(op.f("ix_classes_teacher_id"), "classes", ["teacher_id"], unique=False, schema="platform")
    op.create_table(
        "assignments",
        sa.Column("assignment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.CheckConstraint("max_score > 0", name=op.f("ck_assignments_max_score_positive")),
        sa.ForeignKeyConstraint(["class_id"], ["platform.classes.class_id"], name="fk_assignments_class_id"),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_assignments")),
        schema="platform",
    )
    op.create_index(op.f("ix_assignments_class_id"), "assignments", ["class_id"], unique=False, schema="platform")
    op.create_table(
        "class_enrollments",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["platform.classes.class_id"], name="fk_class_enrollments_class_id"),
        sa.ForeignKeyConstraint(
            ["student_id"], ["platform.students.student_id"], name="fk_class_enrollments_student_id"
        ),
        sa.PrimaryKeyConstraint("class_id", "student_id", name=op.f("pk_class_enrollments")),
        schema="platform",
    )
    op.create_index(
        op.f("ix_class_enrollments_student_id"), "class_enrollments", ["student_id"], unique=False, schema="platform"
    )
    op.create_table(
        "attendance",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "status IN ('present', 'absent', 'late', 'excused')", name=op.f("ck_attendance_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["class_id", "student_id"],
            ["platform.class_enrollments.class_id", "platform.class_enrollments.student_id"],
            name="fk_attendance_enrollment",
        ),
        sa.PrimaryKeyConstraint("student_id", "class_id", "date", name=op.f("pk_attendance")),
        schema="platform",
    )
    op.create_index("ix_attendance_class_id_date", "attendance", ["class_id", "date"], unique=False, schema="platform")
    op.create_table(
        "submissions",
        sa.Column("submission_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("graded_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'pending_review') = (grade IS NULL AND graded_at IS NULL AND graded_by IS NULL)",
            name=op.f("ck_submissions_grade_iff_reviewed"),
        ),
        sa.CheckConstraint(
            "status IN ('pending_review', 'graded', 'returned')", name=op.f("ck_submissions_status_known")
        ),
        sa.CheckConstraint("grade BETWEEN 0 AND 100", name=op.f("ck_submissions_grade_0_100")),
        sa.CheckConstraint("graded_at >= submitted_at", name=op.f("ck_submissions_graded_after_submitted")),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["platform.assignments.assignment_id"], name="fk_submissions_assignment_id"
        ),
        sa.ForeignKeyConstraint(["graded_by"], ["platform.teachers.teacher_id"], name="fk_submissions_graded_by"),
        sa.ForeignKeyConstraint(["student_id"], ["platform.students.student_id"], name="fk_submissions_student_id"),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("assignment_id", "student_id", name=op.f("uq_submissions_assignment_id_student_id")),
        schema="platform",
    )
    op.create_index(op.f("ix_submissions_graded_by"), "submissions", ["graded_by"], unique=False, schema="platform")
    op.create_index(
        "ix_submissions_pending_review",
        "submissions",
        ["assignment_id"],
        unique=False,
        schema="platform",
        postgresql_where="status = 'pending_review'",
    )
    op.create_index(
        "ix_submissions_student_id_submitted_at",
        "submissions",
        ["student_id", "submitted_at"],
        unique=False,
        schema="platform",
    )
    op.create_index(
        op.f("ix_submissions_submitted_at"), "submissions", ["submitted_at"], unique=False, schema="platform"
    )
    op.execute(CREATE_READER_ROLE)
    for statement in GRANT_READER:
        op.execute(statement)


def downgrade() -> None:
    # The rollups depend on the platform tables; create_views rebuilds them after an upgrade.
    op.execute("DROP SCHEMA IF EXISTS analytics CASCADE")
    op.drop_index(op.f("ix_submissions_submitted_at"), table_name="submissions", schema="platform")
    op.drop_index("ix_submissions_student_id_submitted_at", table_name="submissions", schema="platform")
    op.drop_index("ix_submissions_pending_review", table_name="submissions", schema="platform")
    op.drop_index(op.f("ix_submissions_graded_by"), table_name="submissions", schema="platform")
    op.drop_table("submissions", schema="platform")
    op.drop_index("ix_attendance_class_id_date", table_name="attendance", schema="platform")
    op.drop_table("attendance", schema="platform")
    op.drop_index(op.f("ix_class_enrollments_student_id"), table_name="class_enrollments", schema="platform")
    op.drop_table("class_enrollments", schema="platform")
    op.drop_index(op.f("ix_assignments_class_id"), table_name="assignments", schema="platform")
    op.drop_table("assignments", schema="platform")
    op.drop_index(op.f("ix_classes_teacher_id"), table_name="classes", schema="platform")
    op.drop_index(op.f("ix_classes_subject_id"), table_name="classes", schema="platform")
    op.drop_table("classes", schema="platform")
    op.drop_table("teachers", schema="platform")
    op.drop_table("subjects", schema="platform")
    op.drop_table("students", schema="platform")
    # Drops the schema's default privileges with it; the cluster-wide role stays (see the module docstring).
    op.execute("DROP SCHEMA IF EXISTS platform")
