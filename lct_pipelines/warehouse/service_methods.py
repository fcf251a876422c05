"""The replaced analytics service's methods, by their names and signatures, over `WarehouseService.query`.

Application code written against the old service ports by changing an import: each method takes the old
positional parameters (`get_student_progress(student_id, granularity, days_back)`) and returns the old shape, a
dict holding the list under its own key (`{'periods': [...]}`, `{'performers': [...]}`, ...), beside the
parameters as bound (defaults filled in, dates as ISO strings). A parameter left None takes the query's default
(`warehouse/params.py`), so the defaults live in one place. `lct warehouse QUERY --format json` prints the same
dict. Names and keys where the specification is silent are decided in docs/warehouse.md.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lct_pipelines.warehouse.service import QueryResult

# query -> (the replaced service's method, the key its list is returned under)
REPLACED_METHODS: dict[str, tuple[str, str]] = {
    "student_progress": ("get_student_progress", "periods"),
    "subject_comparison": ("get_subject_comparison", "subjects"),
    "teacher_workload": ("get_teacher_workload", "teachers"),
    "attendance_vs_grades": ("get_attendance_correlation", "buckets"),
    "top_performers": ("get_top_performers", "performers"),
    "bottom_performers": ("get_bottom_performers", "performers"),
    "student_engagement": ("get_student_engagement", "students"),
    "class_trends": ("get_class_trends", "trends"),
}


def shaped(name: str, result: QueryResult) -> dict[str, Any]:
    """A query's answer in the replaced service's shape: the bound parameters and the rows under the list key."""
    params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in result.params.items()}
    return {**params, REPLACED_METHODS[name][1]: result.rows}


class ReplacedServiceMethods:
    """Mixed into WarehouseService: the eight methods of the service this project replaces."""

    def query(self, name: str, **params: Any) -> QueryResult:  # provided by WarehouseService
        raise NotImplementedError

    def _shaped(self, name: str, **given: Any) -> dict[str, Any]:
        return shaped(name, self.query(name, **{k: v for k, v in given.items() if v is not None}))

    def get_student_progress(
        self,
        student_id: int,
        granularity: str | None = None,
        days_back: int | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """One student's avg grade and submissions per period: `{'periods': [...]}`."""
        return self._shaped(
            "student_progress",
            student_id=student_id,
            granularity=granularity,
            days_back=days_back,
            limit=limit,
            offset=offset,
        )

    def get_subject_comparison(
        self, student_id: int, *, limit: int | None = None, offset: int | None = None
    ) -> dict[str, Any]:
        """One student's avg grade, pass rate and grade variance per subject: `{'subjects': [...]}`."""
        return self._shaped("subject_comparison", student_id=student_id, limit=limit, offset=offset)

    def get_teacher_workload(
        self,
        teacher_id: int | None = None,
        date_from: dt.date | str | None = None,
        date_to: dt.date | str | None = None,
        days_back: int | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """Review workload of one teacher or all, over a date range or the last N days: `{'teachers': [...]}`."""
        return self._shaped(
            "teacher_workload",
            teacher_id=teacher_id,
            date_from=date_from,
            date_to=date_to,
            days_back=days_back,
            limit=limit,
            offset=offset,
        )

    def get_attendance_correlation(
        self, days_back: int | None = None, *, limit: int | None = None, offset: int | None = None
    ) -> dict[str, Any]:
        """Students bucketed by attendance rate, avg grade and pass rate per bucket: `{'buckets': [...]}`."""
        return self._shaped("attendance_vs_grades", days_back=days_back, limit=limit, offset=offset)

    def get_top_performers(
        self,
        subject_id: int | None = None,
        limit: int | None = None,
        min_submissions: int | None = None,
        days_back: int | None = None,
        *,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """The best (student, subject) pairs by avg grade over a window: `{'performers': [...]}`."""
        return self._performers("top_performers", subject_id, limit, min_submissions, days_back, offset)

    def get_bottom_performers(
        self,
        subject_id: int | None = None,
        limit: int | None = None,
        min_submissions: int | None = None,
        days_back: int | None = None,
        *,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """The weakest (student, subject) pairs by avg grade over a window, with fail rate: `{'performers': [...]}`."""
        return self._performers("bottom_performers", subject_id, limit, min_submissions, days_back, offset)

    def _performers(
        self,
        name: str,
        subject_id: int | None,
        limit: int | None,
        min_submissions: int | None,
        days_back: int | None,
        offset: int | None,
    ) -> dict[str, Any]:
        return self._shaped(
            name,
            subject_id=subject_id,
            limit=limit,
            min_submissions=min_submissions,
            days_back=days_back,
            offset=offset,
        )

    def get_student_engagement(
        self,
        student_id: int | None = None,
        days_back: int | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """Active days, share of days active, mean days between submissions: `{'students': [...]}`."""
        return self._shaped(
            "student_engagement", student_id=student_id, days_back=days_back, limit=limit, offset=offset
        )

    def get_class_trends(
        self,
        class_id: int | None = None,
        granularity: str | None = None,
        days_back: int | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> dict[str, Any]:
        """Avg grade and pass rate per class and period: `{'trends': [...]}`."""
        return self._shaped(
            "class_trends", class_id=class_id, granularity=granularity, days_back=days_back, limit=limit, offset=offset
        )
