"""The nightly refresh applies the logged changes; its rollups equal a full rebuild at the same as_of.

Every platform table gets inserts, updates and deletes between two refreshes, including the changes that
move rows between rollup keys (a class handed to another subject and teacher, an assignment moved to
another class, a submission moved in time or to another student, a key updated in place) and the day
that leaves each rolling window. `compare_with_full_rebuild` rebuilds every rollup in a rolled-back
transaction and compares every column of every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import psycopg2
import pytest
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.demo.platform import TABLES
from lct_pipelines.demo.platform_day import add_demo_day
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.warehouse import incremental
from lct_pipelines.warehouse.views import ROLLUPS
from tests.conftest import drop_database
from tests.warehouse.conftest import WarehouseDb, build_warehouse_db

PLATFORM_TABLES = TABLES  # the eight platform tables, in foreign-key order
EQUAL = dict.fromkeys(ROLLUPS, (0, 0))

# Rows that exist at the first refresh and are deleted before the second (a subject, teacher, student and
# class with nothing attached yet, so their deletes are legal).
SETUP = """
INSERT INTO platform.subjects (subject_id, name) VALUES (901, 'Latin');
INSERT INTO platform.teachers (teacher_id, full_name, email) VALUES (901, 'Teacher leaving', 'leaving@school.example');
INSERT INTO platform.students (student_id, full_name, grade_level, enrolled_on)
VALUES (90001, 'Student leaving', 5, '2020-01-01');
INSERT INTO platform.classes (class_id, subject_id, teacher_id, name) VALUES (9001, 901, 901, 'Latin 1');
"""

# One batch of changes in every platform table: inserts, updates (some moving rows between rollup keys,
# some changing a key) and deletes. %(as_of)s is the moment they happen.
CHANGES = """
-- subjects: a new one, a renamed one, the setup one deleted (after its class)
INSERT INTO platform.subjects (subject_id, name) VALUES (902, 'Greek');
UPDATE platform.subjects SET name = name || ' (renamed)' WHERE subject_id = 1;
-- teachers: a new one, a renamed one
INSERT INTO platform.teachers (teacher_id, full_name, email) VALUES (902, 'Teacher new', 'new@school.example');
UPDATE platform.teachers SET full_name = full_name || ' (renamed)' WHERE teacher_id = 2;
-- students: a new one, a renamed one
INSERT INTO platform.students (student_id, full_name, grade_level, enrolled_on)
VALUES (90002, 'Student new', 7, %(as_of)s::date);
UPDATE platform.students SET full_name = full_name || ' (renamed)' WHERE student_id = 3;
-- classes: a new one; the busiest class handed to the new teacher and moved to the new subject
INSERT INTO platform.classes (class_id, subject_id, teacher_id, name) VALUES (9002, 902, 902, 'Greek 1');
UPDATE platform.classes SET subject_id = 902, teacher_id = 902
WHERE class_id = (SELECT class_id FROM platform.class_enrollments GROUP BY class_id ORDER BY count(*) DESC, class_id
                  LIMIT 1);
-- class_enrollments: the new student in the new class and in class 1; one enrolment dropped with its
-- attendance; one moved to another student (its key changes)
INSERT INTO platform.class_enrollments (class_id, student_id, enrolled_on)
VALUES (9002, 90002, %(as_of)s::date), (1, 90002, %(as_of)s::date)
ON CONFLICT DO NOTHING;
CREATE TEMP TABLE dropped AS
SELECT class_id, student_id FROM platform.class_enrollments WHERE class_id = 2 ORDER BY student_id LIMIT 2;
DELETE FROM platform.attendance a USING dropped d WHERE a.class_id = d.class_id AND a.student_id = d.student_id;
DELETE FROM platform.class_enrollments e
USING (SELECT * FROM dropped ORDER BY student_id LIMIT 1) d
WHERE e.class_id = d.class_id AND e.student_id = d.student_id;
UPDATE platform.class_enrollments e SET student_id = 90002
FROM (SELECT * FROM dropped ORDER BY student_id OFFSET 1) d
WHERE e.class_id = d.class_id AND e.student_id = d.student_id;
-- assignments: a new one for the new class; one moved to class 3 with its submissions; one deleted with
-- its submissions
INSERT INTO platform.assignments (assignment_id, class_id, title, due_at, max_score)
VALUES (900001, 9002, 'Greek homework', %(as_of)s - interval '1 hour', 100);
UPDATE platform.assignments SET class_id = 3
WHERE assignment_id = (SELECT min(assignment_id) FROM platform.assignments WHERE class_id = 4);
DELETE FROM platform.submissions
WHERE assignment_id = (SELECT min(assignment_id) FROM platform.assignments WHERE class_id = 5);
DELETE FROM platform.assignments
WHERE assignment_id = (SELECT min(assignment_id) FROM platform.assignments WHERE class_id = 5);
-- submissions: new hand-ins (the new student, graded and pending); pending ones reviewed; a grade
-- corrected; one moved in time, one handed to another student; a few withdrawn
INSERT INTO platform.submissions (submission_id, assignment_id, student_id, submitted_at, status, grade, graded_at,
                                  graded_by)
VALUES (90000001, 900001, 90002, %(as_of)s - interval '2 hours', 'graded', 91.5, %(as_of)s - interval '1 hour', 902),
       (90000002, (SELECT min(assignment_id) FROM platform.assignments WHERE class_id = 1), 90002,
        %(as_of)s - interval '30 minutes', 'pending_review', NULL, NULL, NULL);
UPDATE platform.submissions s
SET status = 'graded', grade = 64.5, graded_at = greatest(s.submitted_at, %(as_of)s - interval '3 hours'), graded_by = 1
WHERE s.submission_id IN (SELECT submission_id FROM platform.submissions WHERE status = 'pending_review'
                          ORDER BY submission_id LIMIT 25);
UPDATE platform.submissions SET grade = 12
WHERE submission_id = (SELECT min(submission_id) FROM platform.submissions WHERE grade > 80);
UPDATE platform.submissions SET submitted_at = submitted_at - interval '20 days'
WHERE submission_id = (SELECT max(submission_id) FROM platform.submissions WHERE status = 'pending_review'
                       AND submission_id < 90000000);
UPDATE platform.submissions SET student_id = 90002
WHERE submission_id = (SELECT max(s.submission_id) FROM platform.submissions s
                       WHERE NOT EXISTS (SELECT FROM platform.submissions o
                                         WHERE o.assignment_id = s.assignment_id AND o.student_id = 90002)
                         AND s.submission_id < 90000000);
DELETE FROM platform.submissions
WHERE submission_id IN (SELECT submission_id FROM platform.submissions ORDER BY submitted_at DESC OFFSET 3 LIMIT 10);
-- attendance: today's sessions of the new enrolments, corrected and removed records
INSERT INTO platform.attendance (student_id, class_id, date, status)
VALUES (90002, 9002, %(as_of)s::date, 'present'), (90002, 1, %(as_of)s::date, 'late');
UPDATE platform.attendance SET status = 'absent'
WHERE (student_id, class_id, date) IN (SELECT student_id, class_id, date FROM platform.attendance
                                       WHERE status = 'present' ORDER BY 1, 2, 3 LIMIT 30);
DELETE FROM platform.attendance
WHERE (student_id, class_id, date) IN (SELECT student_id, class_id, date FROM platform.attendance
                                       ORDER BY 3 DESC, 1, 2 LIMIT 15);
-- the setup rows leave: their class, then the subject, teacher and student
DELETE FROM platform.classes WHERE class_id = 9001;
DELETE FROM platform.subjects WHERE subject_id = 901;
DELETE FROM platform.teachers WHERE teacher_id = 901;
DELETE FROM platform.students WHERE student_id = 90001;
"""


@pytest.fixture
def db(pg_server: EmbeddedPostgres, reader_password: str) -> Iterator[WarehouseDb]:
    """A demo database of this test's own (the test changes its rows)."""
    made = build_warehouse_db(pg_server, reader_password, students=300)
    _run(made, "DELETE FROM analytics.refresh_state")  # each test starts with the rollups' first refresh
    yield made
    drop_database(pg_server, made.name)


def _connect(db: WarehouseDb) -> Callable[[], PgConnection]:
    return lambda: psycopg2.connect(db.admin_dsn)


def _run(db: WarehouseDb, sql: str, **params: object) -> None:
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
    finally:
        conn.close()


def _logged_tables(db: WarehouseDb) -> set[str]:
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn.cursor() as cur:
            found = set()
            for table in PLATFORM_TABLES:
                cur.execute(f"SELECT old IS NOT NULL, count(*) FROM warehouse_log.{table} GROUP BY 1")
                kinds = dict(cur.fetchall())
                if kinds.get(True) and kinds.get(False):  # old rows (updates, deletes) and new keys (inserts)
                    found.add(table)
            return found
    finally:
        conn.close()


def _rows(db: WarehouseDb, sql: str) -> list[tuple]:
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def test_incremental_refresh_equals_a_full_rebuild_after_inserts_updates_and_deletes_in_every_table(
    db: WarehouseDb,
) -> None:
    as_of = db.as_of
    _run(db, SETUP)
    first = incremental.refresh(_connect(db), as_of=as_of)
    assert first.kind == "full"
    assert incremental.compare_with_full_rebuild(_connect(db)) == EQUAL

    next_day = as_of + dt.timedelta(days=1, hours=3)
    _run(db, CHANGES, as_of=next_day)
    assert _logged_tables(db) == set(PLATFORM_TABLES)  # every table had inserts and updates or deletes

    second = incremental.refresh(_connect(db), as_of=next_day)
    assert second.kind == "incremental"
    assert second.changes > 100
    assert incremental.pending_changes(psycopg2.connect(db.admin_dsn)) == 0
    assert incremental.compare_with_full_rebuild(_connect(db)) == EQUAL
    # The changes did reach the rollups: the deleted subject and teacher are gone, the new ones are there.
    assert _rows(db, "SELECT subject_id FROM analytics.subject_performance WHERE subject_id > 900") == [(902,)]
    assert _rows(db, "SELECT teacher_id FROM analytics.teacher_workload WHERE teacher_id > 900") == [(902,)]
    assert _rows(db, "SELECT graded_count FROM analytics.student_grade_summary WHERE student_id = 90002 AND "
                     "subject_id = 902") == [(1,)]  # fmt: skip

    # A second day on top (the demo day: every table again), two days later: the windows move by two days.
    later = next_day + dt.timedelta(days=2)
    add_demo_day(db.admin_url, later, fraction=0.02)
    third = incremental.refresh(_connect(db), as_of=later)
    assert third.kind == "incremental"
    assert incremental.compare_with_full_rebuild(_connect(db)) == EQUAL


def test_a_window_moves_with_the_days_even_without_changes(db: WarehouseDb) -> None:
    """No platform change at all, a week later: the 7-day windows empty as their days leave them."""
    incremental.refresh(_connect(db), as_of=db.as_of)
    before = _rows(db, "SELECT count(*) FROM analytics.student_subject_windows WHERE window_days = 7")[0][0]
    report = incremental.refresh(_connect(db), as_of=db.as_of + dt.timedelta(days=8))
    assert (report.kind, report.changes) == ("incremental", 0)
    assert before > 0
    assert _rows(db, "SELECT count(*) FROM analytics.student_subject_windows WHERE window_days = 7") == [(0,)]
    assert _rows(db, "SELECT count(*) FROM analytics.student_attendance_grades WHERE window_days = 7") == [(0,)]
    assert _rows(db, "SELECT count(*) FROM analytics.student_attendance_grades WHERE window_days = 30")[0][0] > 0
    assert incremental.compare_with_full_rebuild(_connect(db)) == EQUAL


def test_a_change_committed_after_the_refresh_began_waits_for_the_next_refresh(db: WarehouseDb) -> None:
    incremental.refresh(_connect(db), as_of=db.as_of)
    writer = psycopg2.connect(db.admin_dsn)
    try:
        with writer.cursor() as cur:  # open, not committed while the refresh runs
            cur.execute("UPDATE platform.submissions SET grade = 0 WHERE submission_id = "
                        "(SELECT min(submission_id) FROM platform.submissions WHERE grade > 50)")  # fmt: skip
        during = incremental.refresh(_connect(db), as_of=db.as_of + dt.timedelta(hours=1))
        writer.commit()
    finally:
        writer.close()
    assert during.changes == 0
    assert incremental.pending_changes(psycopg2.connect(db.admin_dsn)) == 2  # the old row and the new key
    after = incremental.refresh(_connect(db), as_of=db.as_of + dt.timedelta(hours=2))
    assert (after.kind, after.changes) == ("incremental", 1)
    assert incremental.compare_with_full_rebuild(_connect(db)) == EQUAL


def test_a_full_rebuild_when_asked_after_a_truncate_or_going_back_in_time(db: WarehouseDb) -> None:
    assert incremental.refresh(_connect(db), as_of=db.as_of).reason.startswith("first refresh")
    assert incremental.refresh(_connect(db), as_of=db.as_of, full=True).kind == "full"
    earlier = incremental.refresh(_connect(db), as_of=db.as_of - dt.timedelta(days=1))
    assert earlier.kind == "full" and "before the last refresh" in earlier.reason
    _run(db, "TRUNCATE platform.attendance")
    truncated = incremental.refresh(_connect(db), as_of=db.as_of)
    assert truncated.kind == "full" and "attendance" in truncated.reason
    assert _rows(db, "SELECT count(*) FROM analytics.student_attendance_windows WHERE counted_365 > 0") == [(0,)]
    assert incremental.compare_with_full_rebuild(_connect(db)) == EQUAL


def test_a_failed_refresh_changes_nothing_and_keeps_the_log(db: WarehouseDb, monkeypatch: pytest.MonkeyPatch) -> None:
    incremental.refresh(_connect(db), as_of=db.as_of)
    _run(db, "DELETE FROM platform.attendance WHERE date = (SELECT max(date) FROM platform.attendance)")
    pending = incremental.pending_changes(psycopg2.connect(db.admin_dsn))
    monkeypatch.setattr(incremental, "INCREMENTAL_STEPS", (*incremental.INCREMENTAL_STEPS, "no_such_step"))
    with pytest.raises(FileNotFoundError):
        incremental.refresh(_connect(db), as_of=db.as_of + dt.timedelta(days=1))
    assert incremental.pending_changes(psycopg2.connect(db.admin_dsn)) == pending > 0
    assert _rows(db, "SELECT as_of FROM analytics.refresh_state") == [(db.as_of,)]


def test_readers_are_not_locked_out_while_the_first_build_fills_empty_rollups(db: WarehouseDb) -> None:
    """The first build (empty rollups: a fresh deploy) keeps every rollup readable until it commits: a reader
    with a short lock_timeout reads each one (still empty to it) while the build's transaction is open."""
    _run(db, "TRUNCATE " + ", ".join(f"analytics.{name}" for name in ROLLUPS))
    building = psycopg2.connect(db.admin_dsn)
    reader = psycopg2.connect(db.reader_url.replace("postgresql+psycopg2://", "postgresql://"))
    try:
        with building.cursor() as cur:
            cur.execute("SELECT now()")
            now = cur.fetchone()[0]
        incremental.rebuild(building, now)  # fills every rollup; its transaction stays open
        with reader.cursor() as cur:
            cur.execute("SET lock_timeout = '2s'")
            for name in ROLLUPS:
                cur.execute(f"SELECT count(*) FROM analytics.{name}")  # LockNotAvailable if the build holds it
                assert cur.fetchone() == (0,), name
        with building.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM analytics.{ROLLUPS[-1]}")
            assert cur.fetchone()[0] > 0  # the build did fill them
    finally:
        reader.close()
        building.rollback()
        building.close()
