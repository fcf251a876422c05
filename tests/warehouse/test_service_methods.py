"""The replaced service's eight methods on WarehouseService: its names, positional signatures and return shapes."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import psycopg2
import pytest

from lct_pipelines.warehouse.params import QUERY_NAMES
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.service_methods import REPLACED_METHODS
from tests.warehouse.conftest import WarehouseDb

Factory = Callable[..., WarehouseService]


@pytest.fixture
def service(warehouse_db: WarehouseDb, service_factory: Factory) -> WarehouseService:
    return service_factory(warehouse_db.reader_url)


@pytest.fixture
def ids(warehouse_db: WarehouseDb) -> dict[str, int]:
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT student_id FROM platform.submissions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
            student = cur.fetchone()[0]
            cur.execute("SELECT class_id, teacher_id FROM platform.classes ORDER BY class_id LIMIT 1")
            class_id, teacher = cur.fetchone()
    finally:
        conn.close()
    return {"student": student, "class": class_id, "teacher": teacher}


def test_every_query_has_its_method_and_every_method_its_positional_signature() -> None:
    assert set(REPLACED_METHODS) == set(QUERY_NAMES)
    signatures = {
        method: list(inspect.signature(getattr(WarehouseService, method)).parameters)[1:]
        for method, _ in REPLACED_METHODS.values()
    }
    assert signatures["get_student_progress"][:3] == ["student_id", "granularity", "days_back"]
    assert signatures["get_top_performers"][:4] == ["subject_id", "limit", "min_submissions", "days_back"]
    assert signatures["get_teacher_workload"][:4] == ["teacher_id", "date_from", "date_to", "days_back"]
    assert signatures["get_attendance_correlation"][:1] == ["days_back"]


def test_each_method_returns_the_query_in_the_replaced_shape(service: WarehouseService, ids: dict[str, int]) -> None:
    calls = {
        "student_progress": (service.get_student_progress(ids["student"], "month", 365), "periods"),
        "subject_comparison": (service.get_subject_comparison(ids["student"]), "subjects"),
        "teacher_workload": (service.get_teacher_workload(ids["teacher"], days_back=365), "teachers"),
        "attendance_vs_grades": (service.get_attendance_correlation(30), "buckets"),
        "top_performers": (service.get_top_performers(None, 5, 2, 365), "performers"),
        "bottom_performers": (service.get_bottom_performers(1), "performers"),
        "student_engagement": (service.get_student_engagement(ids["student"], 365), "students"),
        "class_trends": (service.get_class_trends(ids["class"], "week", 90), "trends"),
    }
    asked = {
        "student_progress": {"student_id": ids["student"], "granularity": "month", "days_back": 365},
        "subject_comparison": {"student_id": ids["student"]},
        "teacher_workload": {"teacher_id": ids["teacher"], "days_back": 365},
        "attendance_vs_grades": {"days_back": 30},
        "top_performers": {"limit": 5, "min_submissions": 2, "days_back": 365},
        "bottom_performers": {"subject_id": 1},
        "student_engagement": {"student_id": ids["student"], "days_back": 365},
        "class_trends": {"class_id": ids["class"], "granularity": "week", "days_back": 90},
    }
    for name, (shaped, key) in calls.items():
        expected = service.query(name, **asked[name])
        params = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in expected.params.items()}
        assert shaped == {**params, key: expected.rows}, name
        assert shaped[key], f"{name}: the demo platform should answer"
    assert calls["top_performers"][0]["limit"] == 5 and len(calls["top_performers"][0]["performers"]) == 5
    defaults = calls["bottom_performers"][0]
    assert (defaults["limit"], defaults["min_submissions"], defaults["days_back"]) == (10, 3, 90)
