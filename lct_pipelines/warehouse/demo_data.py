"""Demo rows for the platform's source tables, at realistic scale and skew, loaded with COPY.

Numbers are drawn with numpy (vectorised: no Python loop per row), written
to in-memory CSV by pyarrow and COPYed in one transaction that first
truncates the tables, so a rerun replaces everything. Dates are relative to
`as_of` (now by default) so the "last 7 days" and "overdue" figures stay
meaningful whenever the demo is loaded.

Shape at the default 20,000 students: 400 teachers, ~2,900 classes (median
~20 students, a few lecture classes of several hundred), ~100,000
enrolments, ~70,000 assignments, ~2,000,000 submissions (~12 % late, a few
percent never reviewed, so overdue), ~3,000,000 attendance rows, grades
left-skewed around 78 and correlated with attendance.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import psycopg2
from psycopg2 import sql as pgsql

from lct_pipelines.db.sqlfiles import column_list, compose_sql, load_sql, table_identifier
from lct_pipelines.warehouse.connections import libpq_dsn

Progress = Callable[[str], None]

SUBJECTS = (
    "Mathematics",
    "English",
    "Biology",
    "Chemistry",
    "Physics",
    "History",
    "Geography",
    "Computer Science",
    "Spanish",
    "Art",
    "Music",
    "Physical Education",
)
# Core subjects have more classes.
SUBJECT_WEIGHTS = np.array([3, 3, 1.5, 1.2, 1.2, 1.5, 1, 1, 1.2, 0.8, 0.6, 1.0])
SEMESTER_DAYS = 180
DAY = 86_400

# Load order respects the foreign keys.
TABLES = (
    "subjects",
    "teachers",
    "students",
    "classes",
    "class_enrollments",
    "assignments",
    "submissions",
    "attendance",
)


@dataclass(frozen=True)
class _Scale:
    students: int

    @property
    def teachers(self) -> int:
        return max(5, round(self.students / 50))

    @property
    def classes(self) -> int:
        return max(12, round(self.students / 7))


def _ts(epoch_seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(epoch_seconds.astype("int64"), type=pa.timestamp("s", tz="UTC"), mask=None if valid is None else ~valid)


def _dates(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(epoch_days.astype("int32"), type=pa.date32())


def _labels(prefix: str, ids: np.ndarray, width: int) -> pa.Array:
    return pa.array(pd.Series(ids).map(lambda i: f"{prefix} {i:0{width}d}").to_numpy())


def _build(students: int, seed: int, as_of: dt.datetime) -> dict[str, pa.Table]:
    """Every table as an Arrow table, deterministic for (students, seed, as_of)."""
    rng = np.random.default_rng(seed)
    scale = _Scale(students)
    now = int(as_of.timestamp())
    today = now // DAY
    start = now - SEMESTER_DAYS * DAY

    subject_ids = np.arange(1, len(SUBJECTS) + 1)
    subjects = pa.table({"subject_id": subject_ids, "name": list(SUBJECTS)})

    n_teachers = scale.teachers
    teacher_ids = np.arange(1, n_teachers + 1)
    teacher_subject = rng.choice(subject_ids, size=n_teachers, p=SUBJECT_WEIGHTS / SUBJECT_WEIGHTS.sum())
    # Review speed per teacher (days): most grade within a few days, a few let work pile up.
    teacher_delay = rng.lognormal(np.log(1.5), 0.7, n_teachers)
    teacher_backlog = np.where(rng.random(n_teachers) < 0.1, 0.12, 0.01)
    teachers = pa.table(
        {
            "teacher_id": teacher_ids,
            "full_name": _labels("Teacher", teacher_ids, 4),
            "email": pa.array([f"teacher{i}@school.example" for i in teacher_ids]),
        }
    )

    student_ids = np.arange(1, students + 1)
    attendance_propensity = rng.beta(12, 1.3, students)
    ability = 78 + 25 * (attendance_propensity - 0.9) + rng.normal(0, 7, students)
    diligence = rng.beta(9, 1.5, students)
    students_table = pa.table(
        {
            "student_id": student_ids,
            "full_name": _labels("Student", student_ids, 6),
            "grade_level": rng.integers(1, 13, students).astype("int16"),
            "enrolled_on": _dates(today - SEMESTER_DAYS - rng.integers(0, 1500, students)),
        }
    )

    n_classes = scale.classes
    class_ids = np.arange(1, n_classes + 1)
    class_teacher = rng.choice(teacher_ids, size=n_classes)
    class_subject = teacher_subject[class_teacher - 1]
    classes = pa.table(
        {
            "class_id": class_ids,
            "subject_id": class_subject,
            "teacher_id": class_teacher,
            "name": pa.array([f"{SUBJECTS[s - 1]} {c}" for s, c in zip(class_subject, class_ids, strict=True)]),
        }
    )

    # Enrolments: popularity is log-normal (many small classes), plus a few lecture classes.
    popularity = rng.lognormal(0, 1.1, n_classes)
    popularity[rng.random(n_classes) < 0.005] *= 25
    popularity /= popularity.sum()
    wanted = np.clip(4 + rng.poisson(1, students), 3, 8)
    draws = rng.choice(class_ids, size=(students, 12), p=popularity)
    pairs = pd.DataFrame({"student_id": np.repeat(student_ids, 12), "class_id": draws.ravel()})
    pairs = pairs.drop_duplicates(["student_id", "class_id"])
    pairs = pairs[pairs.groupby("student_id").cumcount().to_numpy() < wanted[pairs["student_id"].to_numpy() - 1]]
    pairs = pairs.sort_values(["class_id", "student_id"], ignore_index=True)
    enr_class = pairs["class_id"].to_numpy()
    enr_student = pairs["student_id"].to_numpy()
    enrollments = pa.table(
        {"class_id": enr_class, "student_id": enr_student, "enrolled_on": _dates(np.full(len(pairs), today - SEMESTER_DAYS))}
    )

    # Assignments: ~25 per class, due over the semester and the next two weeks.
    per_class = 8 + rng.poisson(17, n_classes)
    assign_class = np.repeat(class_ids, per_class)
    n_assign = len(assign_class)
    assignment_ids = np.arange(1, n_assign + 1)
    due = start + rng.integers(0, (SEMESTER_DAYS + 14) * DAY, n_assign)
    assignments = pa.table(
        {
            "assignment_id": assignment_ids,
            "class_id": assign_class,
            "title": pa.array(pd.Series(np.arange(n_assign)).map(lambda i: f"Assignment {i + 1}").to_numpy()),
            "due_at": _ts(due),
            "max_score": rng.choice([10.0, 20.0, 50.0, 100.0], size=n_assign, p=[0.1, 0.15, 0.25, 0.5]),
        }
    )

    # Candidate submissions: every (enrolment, assignment of its class); a diligent student submits more.
    class_first = np.concatenate([[0], np.cumsum(per_class)[:-1]])
    counts = per_class[enr_class - 1]
    cand_enr = np.repeat(np.arange(len(enr_class)), counts)
    offsets = np.arange(len(cand_enr)) - np.repeat(np.cumsum(counts) - counts, counts)
    cand_assign = class_first[enr_class[cand_enr] - 1] + offsets  # 0-based assignment index
    cand_student = enr_student[cand_enr]
    keep = rng.random(len(cand_enr)) < diligence[cand_student - 1]
    cand_assign, cand_student, cand_enr = cand_assign[keep], cand_student[keep], cand_enr[keep]
    late = rng.random(len(cand_assign)) < 0.12
    offset = np.where(late, rng.exponential(2 * DAY, len(late)), -np.minimum(rng.exponential(1.5 * DAY, len(late)), 10 * DAY))
    submitted = due[cand_assign] + offset.astype("int64")
    keep = submitted <= now
    sub_assign, sub_student, submitted, late = cand_assign[keep], cand_student[keep], submitted[keep], late[keep]
    order = np.argsort(submitted, kind="stable")
    sub_assign, sub_student, submitted, late = sub_assign[order], sub_student[order], submitted[order], late[order]
    n_sub = len(sub_assign)

    teacher = class_teacher[assign_class[sub_assign] - 1]
    delay = 600 + rng.exponential(teacher_delay[teacher - 1] * DAY).astype("int64")
    graded_at = submitted + delay
    never_reviewed = rng.random(n_sub) < teacher_backlog[teacher - 1]
    reviewed = (graded_at <= now) & ~never_reviewed
    subject_shift = rng.normal(0, 3, len(SUBJECTS))[class_subject[assign_class[sub_assign] - 1] - 1]
    grade = ability[sub_student - 1] + subject_shift + rng.normal(0, 9, n_sub) - 6 * late
    slump = rng.random(n_sub) < 0.03  # work handed in half done
    grade = np.where(slump, rng.uniform(0, 50, n_sub), grade)
    grade = np.round(np.clip(grade, 0, 100) * 2) / 2
    other_grader = rng.random(n_sub) < 0.05
    grader = np.where(other_grader, rng.choice(teacher_ids, size=n_sub), teacher)
    status = np.where(~reviewed, "pending_review", np.where(rng.random(n_sub) < 0.3, "returned", "graded"))
    submissions = pa.table(
        {
            "submission_id": np.arange(1, n_sub + 1, dtype="int64"),
            "assignment_id": assignment_ids[sub_assign],
            "student_id": sub_student,
            "submitted_at": _ts(submitted),
            "status": pa.array(status),
            "grade": pa.array(grade, mask=~reviewed),
            "graded_at": _ts(graded_at, reviewed),
            "graded_by": pa.array(grader, mask=~reviewed),
        }
    )

    # Attendance: each class meets on two weekdays over the last 15 weeks (~30 sessions).
    first_monday = today - 15 * 7 - ((today - 15 * 7 + 3) % 7)  # epoch day 0 was a Thursday
    weekday_pairs = np.array([(0, 2), (1, 3), (2, 4), (0, 3), (1, 4)])
    meet = weekday_pairs[rng.integers(0, len(weekday_pairs), n_classes)]
    weeks = np.arange(15) * 7
    sessions = first_monday + weeks[None, :, None] + meet[:, None, :]  # class x week x 2
    sessions = sessions.reshape(n_classes, -1)
    per_enr = sessions.shape[1]
    att_class = np.repeat(enr_class, per_enr)
    att_student = np.repeat(enr_student, per_enr)
    att_date = sessions[enr_class - 1].ravel()
    keep = att_date < today
    att_class, att_student, att_date = att_class[keep], att_student[keep], att_date[keep]
    draw = rng.random(len(att_class))
    p_attend = attendance_propensity[att_student - 1]
    came = draw < p_attend
    late_arrival = rng.random(len(att_class)) < 0.08
    excused = rng.random(len(att_class)) < 0.35
    att_status = np.where(came, np.where(late_arrival, "late", "present"), np.where(excused, "excused", "absent"))
    attendance = pa.table(
        {"student_id": att_student, "class_id": att_class, "date": _dates(att_date), "status": pa.array(att_status)}
    )

    return {
        "subjects": subjects,
        "teachers": teachers,
        "students": students_table,
        "classes": classes,
        "class_enrollments": enrollments,
        "assignments": assignments,
        "submissions": submissions,
        "attendance": attendance,
    }


def _copy(cur: psycopg2.extensions.cursor, table: str, rows: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
    buffer.seek(0)
    statement = compose_sql(
        "warehouse/demo/copy_csv.sql", table=table_identifier(f"platform.{table}"), columns=column_list(rows.column_names)
    )
    cur.copy_expert(statement.as_string(cur), buffer)


@contextmanager
def _keys_rebuilt_after(cur: psycopg2.extensions.cursor) -> Iterator[None]:
    """Drop the platform's keys, foreign keys and indexes; rebuild them (validated) when the block ends.

    A foreign key checked row by row costs ~50 s per million rows; rebuilt, it is one join.
    Definitions come from the catalog, so the migration stays the only place that declares them.
    """
    cur.execute(load_sql("warehouse/demo/platform_constraints.sql"))
    constraints = cur.fetchall()
    cur.execute(load_sql("warehouse/demo/platform_plain_indexes.sql"))
    indexes = cur.fetchall()
    for name, _definition in indexes:
        cur.execute(compose_sql("warehouse/demo/drop_index.sql", index=pgsql.Identifier("platform", name)))
    for table, name, _definition in constraints:
        table_id = pgsql.Identifier("platform", table)
        cur.execute(compose_sql("warehouse/demo/drop_constraint.sql", table=table_id, constraint=pgsql.Identifier(name)))
    yield
    for table, name, definition in reversed(constraints):  # keys before the foreign keys that need them
        cur.execute(
            compose_sql(
                "warehouse/demo/add_constraint.sql",
                table=pgsql.Identifier("platform", table),
                constraint=pgsql.Identifier(name),
                definition=pgsql.SQL(definition),
            )
        )
    for _name, definition in indexes:
        cur.execute(definition)


def generate_platform_data(
    database_url: str,
    students: int = 20_000,
    seed: int = 42,
    progress: Progress | None = None,
    *,
    as_of: dt.datetime | None = None,
) -> dict[str, int]:
    """Replace every platform row with demo rows (one transaction), ANALYZE, return row counts per table."""
    if students < 1:
        raise ValueError("students must be at least 1")
    say = progress or (lambda _message: None)
    as_of = (as_of or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    started = time.perf_counter()
    tables = _build(students, seed, as_of)
    say(f"demo data: {students:,} students drawn in {time.perf_counter() - started:.1f}s")
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn, conn.cursor() as cur:
            cur.execute(load_sql("warehouse/demo/truncate_platform.sql"))
            with _keys_rebuilt_after(cur):
                for name in TABLES:
                    loaded = time.perf_counter()
                    _copy(cur, name, tables[name])
                    say(f"demo data: {tables[name].num_rows:,} rows into platform.{name} in {time.perf_counter() - loaded:.1f}s")
                rebuilt = time.perf_counter()
            say(f"demo data: keys, foreign keys and indexes rebuilt in {time.perf_counter() - rebuilt:.1f}s")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/demo/analyze_platform.sql"))
    finally:
        conn.close()
    say(f"demo data: done in {time.perf_counter() - started:.1f}s")
    return {name: tables[name].num_rows for name in TABLES}
