"""Each of the eight queries answers from the rollups exactly what raw joins on the platform tables answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.warehouse import incremental
from lct_pipelines.warehouse.params import GRANULARITIES, WINDOW_DAYS
from lct_pipelines.warehouse.queries import answer
from tests.warehouse.conftest import WarehouseDb

# (query, parameters, may the answer be empty?)
CASES: list[tuple[str, dict[str, Any], bool]] = [
    *[
        ("student_progress", {"student_id": "busy_student", "granularity": g, "days_back": d}, False)
        for g in GRANULARITIES
        for d in (7, 90, 400)
    ],
    ("subject_comparison", {"student_id": "busy_student"}, False),
    ("subject_comparison", {"student_id": "quiet_student"}, False),
    ("teacher_workload", {}, False),
    ("teacher_workload", {"teacher_id": "busy_teacher"}, False),
    ("teacher_workload", {"date_from": dt.date(2000, 1, 1), "date_to": dt.date(2100, 1, 1)}, False),
    ("teacher_workload", {"date_from": dt.date(2100, 1, 1), "date_to": dt.date(2100, 2, 1)}, True),
    ("attendance_vs_grades", {}, False),
    *[("attendance_vs_grades", {"days_back": w}, False) for w in WINDOW_DAYS],
    ("attendance_vs_grades", {"limit": 3, "offset": 4}, False),
    *[
        (q, {"days_back": w, "min_submissions": m, **s}, w == 7)
        for q in ("top_performers", "bottom_performers")
        for w in WINDOW_DAYS
        for m in (1, 5)
        for s in ({}, {"subject_id": 1})
    ],
    ("top_performers", {"days_back": 90, "limit": 7, "offset": 14}, False),
    *[("student_engagement", {"days_back": w}, False) for w in WINDOW_DAYS],
    ("student_engagement", {"days_back": 365, "student_id": "busy_student"}, False),
    ("student_engagement", {"days_back": 30, "limit": 10, "offset": 25}, False),
    *[
        ("class_trends", {"granularity": g, "days_back": d, **c}, False)
        for g in GRANULARITIES
        for d in (30, 365)
        for c in ({}, {"class_id": "big_class"})
    ],
]


@pytest.fixture(scope="module")
def frozen(warehouse_db: WarehouseDb) -> Iterator[tuple[PgCursor, dict[str, int]]]:
    """One transaction for the module: rollups refreshed in it, so now() is the same for both answers."""
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    cur = conn.cursor()
    cur.execute("SELECT now()")
    incremental.rebuild(conn, cur.fetchone()[0])  # as of this transaction's now(), like the raw answers
    cur.execute("SELECT student_id FROM platform.submissions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    busy_student = cur.fetchone()[0]
    cur.execute("SELECT student_id FROM platform.submissions GROUP BY 1 ORDER BY count(*), 1 LIMIT 1")
    quiet_student = cur.fetchone()[0]
    cur.execute("SELECT class_id FROM platform.class_enrollments GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    big_class = cur.fetchone()[0]
    cur.execute(
        "SELECT c.teacher_id FROM platform.submissions s JOIN platform.assignments a USING (assignment_id)"
        " JOIN platform.classes c USING (class_id) WHERE s.status = 'pending_review' GROUP BY 1"
        " ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    busy_teacher = cur.fetchone()[0]
    ids = {
        "busy_student": busy_student,
        "quiet_student": quiet_student,
        "big_class": big_class,
        "busy_teacher": busy_teacher,
    }
    yield cur, ids
    conn.rollback()
    conn.close()


def _case_id(case: tuple[str, dict[str, Any], bool]) -> str:
    name, params, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_the_rollup_answer_equals_the_raw_answer(
    frozen: tuple[PgCursor, dict[str, int]], case: tuple[str, dict[str, Any], bool]
) -> None:
    cur, ids = frozen
    name, params, may_be_empty = case
    given = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    rolled = answer(cur, name, "rollup", **given)
    raw = answer(cur, name, "raw", **given)
    assert rolled == raw
    if not may_be_empty:
        assert rolled, "the demo data should give this question an answer"
    if name == "attendance_vs_grades":  # ten buckets always; some students in them
        assert sum(row["student_count"] for row in rolled) > 0


def test_every_query_is_covered() -> None:
    from lct_pipelines.warehouse.params import QUERY_NAMES

    assert {name for name, _, _ in CASES} == set(QUERY_NAMES)
