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
import psycopg2
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from psycopg2 import sql as pgsql

from lct_pipelines.db.platform_models import ATTENDANCE_STATUSES, SUBMISSION_STATUSES
from lct_pipelines.db.sqlfiles import column_list, compose_sql, load_sql, table_identifier
from lct_pipelines.db.urls import libpq_dsn

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
    # Naive (UTC) on purpose: arrow formats tz-aware timestamps ~20x slower; the load runs with timezone UTC.
    mask = None if valid is None else ~valid
    return pa.array(epoch_seconds.astype("int64"), type=pa.timestamp("s"), mask=mask)


def _pick(names: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Strings by index, taken in arrow (numpy unicode arrays are slow to convert)."""
    return pa.array(names).take(pa.array(codes.astype("int8")))


def _dates(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(epoch_days.astype("int32"), type=pa.date32())


def _labels(prefix: str, ids: np.ndarray, width: int) -> pa.Array:
    """'Student 000042'-style names, built in arrow (a Python f-string per row is slow at 70,000 rows)."""
    padded = pc.utf8_lpad(pa.array(ids).cast(pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), padded, " ")


class _Demo:
    """Draws the tables in foreign-key order; each step keeps the arrays later steps need.

    Deterministic for (students, seed, as_of): every draw comes from one generator, in a fixed order.
    """

    def __init__(self, students: int, seed: int, as_of: dt.datetime) -> None:
        self.rng = np.random.default_rng(seed)
        self.scale = _Scale(students)
        self.now = int(as_of.timestamp())
        self.today = self.now // DAY

    def tables(self) -> dict[str, pa.Table]:
        return {
            "subjects": self.subjects(),
            "teachers": self.teachers(),
            "students": self.students(),
            "classes": self.classes(),
            "class_enrollments": self.enrollments(),
            "assignments": self.assignments(),
            "submissions": self.submissions(),
            "attendance": self.attendance(),
        }

    def subjects(self) -> pa.Table:
        self.subject_ids = np.arange(1, len(SUBJECTS) + 1)
        return pa.table({"subject_id": self.subject_ids, "name": list(SUBJECTS)})

    def teachers(self) -> pa.Table:
        n, rng = self.scale.teachers, self.rng
        self.teacher_ids = np.arange(1, n + 1)
        self.teacher_subject = rng.choice(self.subject_ids, size=n, p=SUBJECT_WEIGHTS / SUBJECT_WEIGHTS.sum())
        # Review speed (days): most grade within a few days; one in ten lets work pile up, never reviewed.
        self.teacher_delay = rng.lognormal(np.log(1.5), 0.7, n)
        self.teacher_backlog = np.where(rng.random(n) < 0.1, 0.12, 0.01)
        return pa.table(
            {
                "teacher_id": self.teacher_ids,
                "full_name": _labels("Teacher", self.teacher_ids, 4),
                "email": pa.array([f"teacher{i}@school.example" for i in self.teacher_ids]),
            }
        )

    def students(self) -> pa.Table:
        n, rng = self.scale.students, self.rng
        self.student_ids = np.arange(1, n + 1)
        self.attendance_propensity = rng.beta(12, 1.3, n)
        # Ability follows attendance, so the attendance-vs-grades question has an answer to find.
        self.ability = 81.5 + 25 * (self.attendance_propensity - 0.9) + rng.normal(0, 7, n)
        self.diligence = rng.beta(9, 1.5, n)
        return pa.table(
            {
                "student_id": self.student_ids,
                "full_name": _labels("Student", self.student_ids, 6),
                "grade_level": rng.integers(1, 13, n).astype("int16"),
                "enrolled_on": _dates(self.today - SEMESTER_DAYS - rng.integers(0, 1500, n)),
            }
        )

    def classes(self) -> pa.Table:
        n = self.scale.classes
        self.class_ids = np.arange(1, n + 1)
        self.class_teacher = self.rng.choice(self.teacher_ids, size=n)
        self.class_subject = self.teacher_subject[self.class_teacher - 1]
        names = [f"{SUBJECTS[s - 1]} {c}" for s, c in zip(self.class_subject, self.class_ids, strict=True)]
        return pa.table(
            {
                "class_id": self.class_ids,
                "subject_id": self.class_subject,
                "teacher_id": self.class_teacher,
                "name": pa.array(names),
            }
        )

    def enrollments(self) -> pa.Table:
        """3-8 classes per student; popularity is log-normal (many small classes) plus a few lecture classes."""
        rng, n_classes, n_students = self.rng, len(self.class_ids), len(self.student_ids)
        popularity = rng.lognormal(0, 1.1, n_classes)
        popularity[rng.random(n_classes) < 0.005] *= 25
        popularity /= popularity.sum()
        wanted = np.clip(4 + rng.poisson(1, n_students), 3, 8)
        draws = rng.choice(self.class_ids, size=(n_students, 12), p=popularity)
        pairs = pd.DataFrame({"student_id": np.repeat(self.student_ids, 12), "class_id": draws.ravel()})
        pairs = pairs.drop_duplicates(["student_id", "class_id"])
        rank = pairs.groupby("student_id").cumcount().to_numpy()
        pairs = pairs[rank < wanted[pairs["student_id"].to_numpy() - 1]]
        pairs = pairs.sort_values(["class_id", "student_id"], ignore_index=True)
        self.enr_class = pairs["class_id"].to_numpy()
        self.enr_student = pairs["student_id"].to_numpy()
        return pa.table(
            {
                "class_id": self.enr_class,
                "student_id": self.enr_student,
                "enrolled_on": _dates(np.full(len(pairs), self.today - SEMESTER_DAYS)),
            }
        )

    def assignments(self) -> pa.Table:
        """~25 per class, due over the semester and the next two weeks."""
        rng = self.rng
        self.per_class = 8 + rng.poisson(17, len(self.class_ids))
        self.assign_class = np.repeat(self.class_ids, self.per_class)
        n = len(self.assign_class)
        self.assignment_ids = np.arange(1, n + 1)
        self.due = self.now - SEMESTER_DAYS * DAY + rng.integers(0, (SEMESTER_DAYS + 14) * DAY, n)
        return pa.table(
            {
                "assignment_id": self.assignment_ids,
                "class_id": self.assign_class,
                "title": _labels("Assignment", self.assignment_ids, 1),
                "due_at": _ts(self.due),
                "max_score": rng.choice([10.0, 20.0, 50.0, 100.0], size=n, p=[0.1, 0.15, 0.25, 0.5]),
            }
        )

    def _handed_in(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(assignment index, student, submitted_at, late) of every hand-in up to now, oldest first."""
        rng = self.rng
        # Every (enrolment, assignment of its class) is a candidate; a diligent student hands in more.
        class_first = np.concatenate([[0], np.cumsum(self.per_class)[:-1]])
        counts = self.per_class[self.enr_class - 1]
        enrolment = np.repeat(np.arange(len(self.enr_class)), counts)
        within = np.arange(len(enrolment)) - np.repeat(np.cumsum(counts) - counts, counts)
        assign = class_first[self.enr_class[enrolment] - 1] + within
        student = self.enr_student[enrolment]
        keep = rng.random(len(enrolment)) < self.diligence[student - 1]
        assign, student = assign[keep], student[keep]
        late = rng.random(len(assign)) < 0.12
        early_by = np.minimum(rng.exponential(1.5 * DAY, len(late)), 10 * DAY)
        offset = np.where(late, rng.exponential(2 * DAY, len(late)), -early_by)
        submitted = self.due[assign] + offset.astype("int64")
        keep = submitted <= self.now
        order = np.argsort(submitted[keep], kind="stable")
        return assign[keep][order], student[keep][order], submitted[keep][order], late[keep][order]

    def submissions(self) -> pa.Table:
        rng = self.rng
        assign, student, submitted, late = self._handed_in()
        n = len(assign)
        teacher = self.class_teacher[self.assign_class[assign] - 1]
        graded_at = submitted + 600 + rng.exponential(self.teacher_delay[teacher - 1] * DAY).astype("int64")
        never_reviewed = rng.random(n) < self.teacher_backlog[teacher - 1]
        reviewed = (graded_at <= self.now) & ~never_reviewed
        subject_shift = rng.normal(0, 3, len(SUBJECTS))[self.class_subject[self.assign_class[assign] - 1] - 1]
        grade = self.ability[student - 1] + subject_shift + rng.normal(0, 9, n) - 6 * late
        half_done = rng.random(n) < 0.03
        grade = np.where(half_done, rng.uniform(0, 50, n), grade)
        grade = np.round(np.clip(grade, 0, 100) * 2) / 2
        grader = np.where(rng.random(n) < 0.05, rng.choice(self.teacher_ids, size=n), teacher)
        status = np.where(~reviewed, 0, np.where(rng.random(n) < 0.3, 2, 1))  # index into SUBMISSION_STATUSES
        return pa.table(
            {
                "submission_id": np.arange(1, n + 1, dtype="int64"),
                "assignment_id": self.assignment_ids[assign],
                "student_id": student,
                "submitted_at": _ts(submitted),
                "status": _pick(SUBMISSION_STATUSES, status),
                "grade": pa.array(grade, mask=~reviewed),
                "graded_at": _ts(graded_at, reviewed),
                "graded_by": pa.array(grader, mask=~reviewed),
            }
        )

    def attendance(self) -> pa.Table:
        """Each class meets on two weekdays over the last 15 weeks (~30 sessions per enrolment)."""
        rng, today = self.rng, self.today
        first_monday = today - 15 * 7 - ((today - 15 * 7 + 3) % 7)  # epoch day 0 was a Thursday
        weekday_pairs = np.array([(0, 2), (1, 3), (2, 4), (0, 3), (1, 4)])
        meets = weekday_pairs[rng.integers(0, len(weekday_pairs), len(self.class_ids))]
        sessions = (first_monday + (np.arange(15) * 7)[None, :, None] + meets[:, None, :]).reshape(len(meets), -1)
        per_enrolment = sessions.shape[1]
        klass = np.repeat(self.enr_class, per_enrolment)
        student = np.repeat(self.enr_student, per_enrolment)
        day = sessions[self.enr_class - 1].ravel()
        keep = day < today
        klass, student, day = klass[keep], student[keep], day[keep]
        came = rng.random(len(klass)) < self.attendance_propensity[student - 1]
        late_arrival = rng.random(len(klass)) < 0.08
        excused = rng.random(len(klass)) < 0.35
        status = np.where(came, np.where(late_arrival, 2, 0), np.where(excused, 3, 1))  # ATTENDANCE_STATUSES
        order = np.lexsort((day, klass, student))  # primary-key order: the key is rebuilt in one pass
        return pa.table(
            {
                "student_id": student[order],
                "class_id": klass[order],
                "date": _dates(day[order]),
                "status": _pick(ATTENDANCE_STATUSES, status[order]),
            }
        )


def _copy(cur: psycopg2.extensions.cursor, table: str, rows: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
    buffer.seek(0)
    statement = compose_sql(
        "warehouse/demo/copy_csv.sql",
        table=table_identifier(f"platform.{table}"),
        columns=column_list(rows.column_names),
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
        cur.execute(
            compose_sql("warehouse/demo/drop_constraint.sql", table=table_id, constraint=pgsql.Identifier(name))
        )
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


def _load(cur: psycopg2.extensions.cursor, tables: dict[str, pa.Table], say: Progress) -> None:
    """Empty the platform tables and COPY the new rows in, inside the cursor's transaction."""
    cur.execute(load_sql("warehouse/demo/begin_load.sql"))
    cur.execute(compose_sql("warehouse/demo/change_log_triggers.sql", action=pgsql.SQL("DISABLE")))
    with _keys_rebuilt_after(cur):
        for name in TABLES:
            started = time.perf_counter()
            _copy(cur, name, tables[name])
            seconds = time.perf_counter() - started
            say(f"demo data: {tables[name].num_rows:,} rows into platform.{name} in {seconds:.1f}s")
        rebuilding = time.perf_counter()
    cur.execute(compose_sql("warehouse/demo/change_log_triggers.sql", action=pgsql.SQL("ENABLE")))
    say(f"demo data: keys, foreign keys and indexes rebuilt in {time.perf_counter() - rebuilding:.1f}s")


def generate_platform_data(
    database_url: str,
    students: int = 20_000,
    seed: int = 42,
    progress: Progress | None = None,
    *,
    as_of: dt.datetime | None = None,
) -> dict[str, int]:
    """Replace every platform row with demo rows (one transaction), VACUUM (ANALYZE), return row counts per table."""
    if students < 1:
        raise ValueError("students must be at least 1")
    say = progress or (lambda _message: None)
    as_of = (as_of or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    started = time.perf_counter()
    tables = _Demo(students, seed, as_of).tables()
    say(f"demo data: {students:,} students drawn in {time.perf_counter() - started:.1f}s")
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn, conn.cursor() as cur:
            _load(cur, tables, say)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/demo/analyze_platform.sql"))
    finally:
        conn.close()
    say(f"demo data: done in {time.perf_counter() - started:.1f}s")
    return {name: tables[name].num_rows for name in TABLES}


def platform_student_count(database_url: str) -> int:
    """Students in platform.students (0 before any load)."""
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql("warehouse/demo/student_count.sql"))
            return int(cur.fetchone()[0])
    finally:
        conn.close()
