"""SQLAlchemy models of the school platform's source tables (schema `platform`).

The platform owns these rows (its ids, its statuses); the warehouse only reads
them. Migration 0003 creates the tables; a test compares the two. Ids are the
platform's, so no sequences. The indexes are the ones the warehouse's rollups
and raw-join queries need.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lct_pipelines.db.base import Base

PLATFORM_SCHEMA = "platform"
SUBMISSION_STATUSES = ("pending_review", "graded", "returned")
ATTENDANCE_STATUSES = ("present", "absent", "late", "excused")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Subject(Base):
    __tablename__ = "subjects"
    __table_args__ = ({"schema": PLATFORM_SCHEMA, "comment": "Platform subjects (Mathematics, Biology, ...)"},)

    subject_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, comment="the platform's subject id"
    )
    name: Mapped[str] = mapped_column(Text, unique=True, comment="subject name, unique")


class Teacher(Base):
    __tablename__ = "teachers"
    __table_args__ = ({"schema": PLATFORM_SCHEMA},)

    teacher_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, comment="the platform's teacher id"
    )
    full_name: Mapped[str] = mapped_column(Text, comment="teacher's name")
    email: Mapped[str] = mapped_column(Text, unique=True, comment="teacher's email, unique")


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (
        CheckConstraint("grade_level BETWEEN 1 AND 12", name="grade_level_1_12"),
        {"schema": PLATFORM_SCHEMA},
    )

    student_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, comment="the platform's student id"
    )
    full_name: Mapped[str] = mapped_column(Text, comment="student's name")
    grade_level: Mapped[int] = mapped_column(SmallInteger, comment="grade 1-12")
    enrolled_on: Mapped[dt.date] = mapped_column(Date, comment="date the student joined the platform")


class SchoolClass(Base):
    """A subject taught by one teacher to a group of students."""

    __tablename__ = "classes"
    __table_args__ = ({"schema": PLATFORM_SCHEMA},)

    class_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, comment="the platform's class id"
    )
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("platform.subjects.subject_id", name="fk_classes_subject_id"),
        index=True,
        comment="subject taught (subjects.subject_id)",
    )
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("platform.teachers.teacher_id", name="fk_classes_teacher_id"),
        index=True,
        comment="teacher of the class (teachers.teacher_id)",
    )
    name: Mapped[str] = mapped_column(Text, comment="class name")


class ClassEnrollment(Base):
    __tablename__ = "class_enrollments"
    __table_args__ = ({"schema": PLATFORM_SCHEMA},)

    class_id: Mapped[int] = mapped_column(
        ForeignKey("platform.classes.class_id", name="fk_class_enrollments_class_id"),
        primary_key=True,
        comment="class (classes.class_id)",
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("platform.students.student_id", name="fk_class_enrollments_student_id"),
        primary_key=True,
        index=True,
        comment="student enrolled (students.student_id)",
    )
    enrolled_on: Mapped[dt.date] = mapped_column(Date, comment="date the student joined the class")


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("max_score > 0", name="max_score_positive"),
        {"schema": PLATFORM_SCHEMA},
    )

    assignment_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, comment="the platform's assignment id"
    )
    class_id: Mapped[int] = mapped_column(
        ForeignKey("platform.classes.class_id", name="fk_assignments_class_id"),
        index=True,
        comment="class it was set in (classes.class_id)",
    )
    title: Mapped[str] = mapped_column(Text, comment="assignment title")
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), comment="deadline")
    max_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), comment="highest possible score (> 0)")


class Submission(Base):
    """One student's hand-in for one assignment; `grade` is on a 0-100 scale once graded."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_id"),
        CheckConstraint(_in("status", SUBMISSION_STATUSES), name="status_known"),
        CheckConstraint("grade BETWEEN 0 AND 100", name="grade_0_100"),
        # Graded and returned work carries its grade, grader and time; pending work carries none.
        CheckConstraint(
            "(status = 'pending_review') = (grade IS NULL AND graded_at IS NULL AND graded_by IS NULL)",
            name="grade_iff_reviewed",
        ),
        CheckConstraint("graded_at >= submitted_at", name="graded_after_submitted"),
        Index("ix_submissions_student_id_submitted_at", "student_id", "submitted_at"),
        Index(
            "ix_submissions_pending_review",
            "assignment_id",
            postgresql_where="status = 'pending_review'",
        ),
        {"schema": PLATFORM_SCHEMA},
    )

    submission_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, comment="the platform's submission id"
    )
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("platform.assignments.assignment_id", name="fk_submissions_assignment_id"),
        comment="assignment handed in (assignments.assignment_id)",
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("platform.students.student_id", name="fk_submissions_student_id"),
        comment="student who handed it in (students.student_id)",
    )
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True, comment="hand-in time")
    status: Mapped[str] = mapped_column(String(16), comment="pending_review, graded or returned")
    grade: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), comment="0-100 once graded; NULL while pending review")
    graded_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), comment="when it was graded; NULL while pending review"
    )
    graded_by: Mapped[int | None] = mapped_column(
        ForeignKey("platform.teachers.teacher_id", name="fk_submissions_graded_by"),
        index=True,
        comment="grading teacher (teachers.teacher_id); NULL while pending review",
    )


class Attendance(Base):
    """One student's presence at one session (date) of one class they are enrolled in."""

    __tablename__ = "attendance"
    __table_args__ = (
        CheckConstraint(_in("status", ATTENDANCE_STATUSES), name="status_known"),
        ForeignKeyConstraint(
            ["class_id", "student_id"],
            ["platform.class_enrollments.class_id", "platform.class_enrollments.student_id"],
            name="fk_attendance_enrollment",
        ),
        Index("ix_attendance_class_id_date", "class_id", "date"),
        # The warehouse's nightly refresh reads the days leaving its windows from this alone (index-only).
        Index("ix_attendance_date", "date", postgresql_include=["student_id", "status"]),
        {"schema": PLATFORM_SCHEMA},
    )

    student_id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="student (students.student_id)")
    class_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, comment="class the student is enrolled in (classes.class_id)"
    )
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True, comment="session date")
    status: Mapped[str] = mapped_column(String(8), comment="present, absent, late or excused")
