"""Column comments for every column of the data model that had none: the UI shows them as column meanings.

Revision ID: 0006_column_comments
Revises: 0005_blocked_reader_limits
"""

from __future__ import annotations

from alembic import op

revision: str = "0006_column_comments"
down_revision: str | None = "0005_blocked_reader_limits"
branch_labels = None
depends_on = None

# table -> column -> comment, as the models (lct_pipelines/db/) declare them since this revision.
COMMENTS: dict[str, dict[str, str]] = {
    "lct.bell_schedules": {
        "id": "surrogate key",
        "leaid": "NCES LEA id of the district, 7 chars",
        "district_name": "district name as collected",
        "state": "postal code of the district's state",
        "grade_level": "elementary, middle or high",
        "instructional_minutes": "actual daily instructional minutes at that level (0 < minutes <= 1440)",
        "start_time": "school day start as collected, e.g. 8:00",
        "end_time": "school day end as collected, e.g. 15:10",
        "lunch_duration": "lunch as collected, e.g. 30 min",
        "source": "where the schedule was found (URL or document)",
        "confidence": "high, medium or low",
        "method": "how the minutes were derived, e.g. bell schedule minus lunch",
        "notes": "free text from the collector",
        "updated_at": "when the row was last saved",
    },
    "lct.calculation_runs": {
        "year": "school year calculated, e.g. 2023-24",
        "run_type": "full or incremental",
        "districts_processed": "districts computed by the run (incremental: only the changed ones)",
        "calculations_created": "rows the run wrote",
        "output_files": "the exports written from the run: path, rows and bytes per dataset",
        "qa_summary": "the QA report of the year after the run (outlier rows capped at 200)",
        "started_at": "when the run started (UTC)",
        "completed_at": "when it finished; NULL while running",
        "duration_seconds": "completed_at - started_at",
        "dagster_run_id": "the Dagster run that ran it; NULL outside Dagster",
    },
    "lct.blocked_districts": {
        "leaid": "NCES LEA id of the district, 7 chars",
        "state": "postal code of the district's state",
        "blocked_at": "when the collector marked it blocked",
        "reason": "why no schedule can be collected",
    },
    "lct.not_calculable": {
        "year": "school year, e.g. 2023-24",
        "district_id": "NCES LEA id, 7 chars, leading zeros kept",
        "staff_scope": "which staff count: one of the seven scopes (teachers_only ... all)",
    },
    "lct.district_fingerprints": {
        "year": "school year, e.g. 2023-24",
        "leaid": "NCES LEA id of the district, 7 chars",
        "run_id": "calculation_runs.run_id that stored the fingerprint",
    },
    "lct.lct_calculations": {
        "year": "school year, e.g. 2023-24",
        "district_id": "NCES LEA id, 7 chars, leading zeros kept",
        "staff_scope": "which staff count: one of the seven scopes (teachers_only ... all)",
        "district_name": "district name from the CCD directory",
        "state": "postal code of the district's state",
        "enrollment_type": "students counted: k12, elementary or secondary",
        "is_valid": "0 < LCT <= 360 and staff <= enrollment (decided at full precision)",
    },
    "lct.state_requirements": {
        "state": "postal code",
        "state_name": "state name",
        "elementary_minutes": "statutory daily instructional minutes, elementary grades",
        "middle_minutes": "statutory daily instructional minutes, middle grades",
        "high_minutes": "statutory daily instructional minutes, high school grades",
    },
    "nces.import_reports": {
        "id": "surrogate key",
        "school_year": "school year of the file, e.g. 2023-24",
        "file": "path of the imported file",
        "sha256": "SHA-256 of the file's bytes",
        "report": "the import report: rows read and used, blanks, duplicates, conflicts, repadded ids, ...",
        "imported_at": "when the file was imported",
    },
    "nces.lea_directory": {
        "state_name": "state name (STATENAME)",
        "lea_name": "district name (LEA_NAME)",
        "lea_type": "NCES LEA type code (1 regular ... 9)",
        "lea_type_text": "NCES LEA type, e.g. Regular local school district",
        "charter_lea_text": "whether the LEA is a charter agency",
        "city": "city of the district's location address",
        "zip": "ZIP code of the location address",
        "website": "district website as reported",
        "operational_schools": "schools operating in the year",
    },
    "nces.lea_enrollment": {
        "school_year": "e.g. 2023-24",
        "leaid": "NCES LEA id, 7 chars, leading zeros kept",
        "kg": "kindergarten students; NULL: not reported",
        "g1": "grade 1 students; NULL: not reported",
        "g2": "grade 2 students; NULL: not reported",
        "g3": "grade 3 students; NULL: not reported",
        "g4": "grade 4 students; NULL: not reported",
        "g5": "grade 5 students; NULL: not reported",
        "g6": "grade 6 students; NULL: not reported",
        "g7": "grade 7 students; NULL: not reported",
        "g8": "grade 8 students; NULL: not reported",
        "g9": "grade 9 students; NULL: not reported",
        "g10": "grade 10 students; NULL: not reported",
        "g11": "grade 11 students; NULL: not reported",
        "g12": "grade 12 students; NULL: not reported",
        "g13": "grade 13 students; NULL: not reported",
        "ungraded": "ungraded students; NULL: not reported",
        "adult_ed": "adult education students; NULL: not reported",
    },
    "nces.lea_staff": {"school_year": "e.g. 2023-24", "leaid": "NCES LEA id, 7 chars, leading zeros kept"},
    "platform.students": {
        "student_id": "the platform's student id",
        "full_name": "student's name",
        "grade_level": "grade 1-12",
        "enrolled_on": "date the student joined the platform",
    },
    "platform.subjects": {"subject_id": "the platform's subject id", "name": "subject name, unique"},
    "platform.teachers": {
        "teacher_id": "the platform's teacher id",
        "full_name": "teacher's name",
        "email": "teacher's email, unique",
    },
    "platform.classes": {
        "class_id": "the platform's class id",
        "subject_id": "subject taught (subjects.subject_id)",
        "teacher_id": "teacher of the class (teachers.teacher_id)",
        "name": "class name",
    },
    "platform.assignments": {
        "assignment_id": "the platform's assignment id",
        "class_id": "class it was set in (classes.class_id)",
        "title": "assignment title",
        "due_at": "deadline",
        "max_score": "highest possible score (> 0)",
    },
    "platform.class_enrollments": {
        "class_id": "class (classes.class_id)",
        "student_id": "student enrolled (students.student_id)",
        "enrolled_on": "date the student joined the class",
    },
    "platform.attendance": {
        "student_id": "student (students.student_id)",
        "class_id": "class the student is enrolled in (classes.class_id)",
        "date": "session date",
        "status": "present, absent, late or excused",
    },
    "platform.submissions": {
        "submission_id": "the platform's submission id",
        "assignment_id": "assignment handed in (assignments.assignment_id)",
        "student_id": "student who handed it in (students.student_id)",
        "submitted_at": "hand-in time",
        "status": "pending_review, graded or returned",
        "grade": "0-100 once graded; NULL while pending review",
        "graded_at": "when it was graded; NULL while pending review",
        "graded_by": "grading teacher (teachers.teacher_id); NULL while pending review",
    },
}


def upgrade() -> None:
    for table, columns in COMMENTS.items():
        schema, name = table.split(".")
        for column, comment in columns.items():
            op.alter_column(name, column, schema=schema, comment=comment)


def downgrade() -> None:
    for table, columns in COMMENTS.items():
        schema, name = table.split(".")
        for column in columns:
            op.alter_column(name, column, schema=schema, comment=None)
