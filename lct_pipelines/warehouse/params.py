"""The eight queries' parameters: names, types, defaults and limits, checked before any SQL runs.

Values reach PostgreSQL only as bound parameters; validating them first turns
a wrong type or an injection attempt into a clear error instead of a server
round trip, and gives the cache one canonical form per question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LIMIT = 10_000
GRANULARITIES = ("day", "week", "month")
# The windows the *_windows rollups hold (see sql/warehouse/views/student_subject_windows.sql).
WINDOW_DAYS = (7, 30, 90, 365)
MAX_DAYS_BACK = 3_660
# Defaults of the replaced analytics service (lct_pipelines/seeds/specified_defaults.csv; a test compares).
PERFORMERS_LIMIT = 10
PERFORMERS_MIN_SUBMISSIONS = 3
PERFORMERS_DAYS_BACK = 90
ATTENDANCE_DAYS_BACK = 90
TEACHER_WORKLOAD_DAYS = 30
# Ids are PostgreSQL `integer` columns; a larger value can match nothing and would fail in the server
# (NumericValueOutOfRange) instead of here. Offsets and counts get the same ceiling: no page is further.
MAX_ID = 2**31 - 1
MAX_OFFSET = 2**31 - 1


class QueryParameterError(ValueError):
    """A parameter is unknown, missing, of the wrong type or out of range."""


class PagingLimitError(QueryParameterError):
    """A page larger than MAX_LIMIT rows was asked for."""


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _integer(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    # bool is an int subclass; True as an id is a bug, not a 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryParameterError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise QueryParameterError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise QueryParameterError(f"{name} must be <= {maximum}, got {value}")
    return value


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise QueryParameterError(f"{name} must be a date, not a datetime: {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise QueryParameterError(f"{name} must be a date or an ISO date string (YYYY-MM-DD), got {value!r}")


@dataclass(frozen=True)
class Param:
    """One parameter: how to check a given value, and what to use when none is given.

    `kind` ('integer', 'text' or 'date') and `choices` tell a command line how to parse a value;
    `help` says what it means there.
    """

    name: str
    check: Callable[[str, Any], Any]
    default: Callable[[], Any] | None = None
    required: bool = False
    nullable: bool = False
    kind: str = "integer"
    choices: tuple[Any, ...] = ()
    help: str = ""


def _id(name: str, *, required: bool = False) -> Param:
    what = name.removesuffix("_id")
    return Param(
        name,
        lambda n, v: _integer(n, v, minimum=1, maximum=MAX_ID),
        required=required,
        nullable=not required,
        help=f"the {what}'s id" + ("" if required else f" (default: every {what})"),
    )


def _choice(name: str, choices: tuple[Any, ...], default: Any, help: str = "") -> Param:
    def check(n: str, v: Any) -> Any:
        if isinstance(v, bool) or v not in choices:
            raise QueryParameterError(f"{n} must be one of {', '.join(map(str, choices))}; got {v!r}")
        return v

    kind = "integer" if all(isinstance(c, int) for c in choices) else "text"
    return Param(name, check, default=lambda: default, kind=kind, choices=choices, help=f"{help} (default {default})")


def _days_back(default: int) -> Param:
    return Param(
        "days_back",
        lambda n, v: _integer(n, v, minimum=1, maximum=MAX_DAYS_BACK),
        default=lambda: default,
        help=f"days of history, 1 to {MAX_DAYS_BACK} (default {default})",
    )


def _window(default: int, rollup: str) -> Param:
    """days_back restricted to the windows `rollup` precomputes; a refusal names the ones available."""

    def check(n: str, v: Any) -> int:
        if isinstance(v, bool) or v not in WINDOW_DAYS:
            raise QueryParameterError(
                f"{n} {v!r} is not a precomputed window; available: {', '.join(map(str, WINDOW_DAYS))} days "
                f"(analytics.{rollup} holds only these)"
            )
        return v

    return Param(
        "days_back",
        check,
        default=lambda: default,
        choices=WINDOW_DAYS,
        help=f"window in days, one of the precomputed {', '.join(map(str, WINDOW_DAYS))} (default {default})",
    )


def _min_submissions() -> Param:
    return Param(
        "min_submissions",
        lambda n, v: _integer(n, v, minimum=1, maximum=MAX_ID),
        default=lambda: PERFORMERS_MIN_SUBMISSIONS,
        help=f"graded submissions a pair needs in the window (default {PERFORMERS_MIN_SUBMISSIONS})",
    )


@dataclass(frozen=True)
class QuerySpec:
    """A query's parameters (besides limit and offset) and its default page size."""

    name: str
    params: tuple[Param, ...]
    default_limit: int
    check_together: Callable[[dict[str, Any]], None] | None = None

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter checked and defaulted (limit and offset included), in a stable key order."""
        known = {p.name for p in self.params} | {"limit", "offset"}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryParameterError(
                f"{self.name}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        bound: dict[str, Any] = {}
        for param in self.params:
            value = given.get(param.name)
            if value is None:
                if param.required:
                    raise QueryParameterError(f"{self.name}: {param.name} is required")
                bound[param.name] = param.default() if param.default else None
            else:
                bound[param.name] = param.check(param.name, value)
        bound["limit"] = check_limit(given.get("limit", self.default_limit))
        bound["offset"] = check_offset(given.get("offset", 0))
        if self.check_together is not None:
            self.check_together(bound)
        return dict(sorted(bound.items()))


def check_limit(value: Any) -> int:
    limit = _integer("limit", value, minimum=1)
    if limit > MAX_LIMIT:
        raise PagingLimitError(
            f"limit {limit} is over the maximum of {MAX_LIMIT} rows per call: "
            f"use offset paging with limit <= {MAX_LIMIT} (offset=0, then offset={MAX_LIMIT}, ...)"
        )
    return limit


def check_offset(value: Any) -> int:
    return _integer("offset", value, minimum=0, maximum=MAX_OFFSET)


def _date_range(bound: dict[str, Any]) -> None:
    """teacher_workload's range: the last `days_back` days (today included), or date_from..date_to, by default
    the last TEACHER_WORKLOAD_DAYS days."""
    days_back = bound["days_back"]
    if days_back is not None and (bound["date_from"] is not None or bound["date_to"] is not None):
        raise QueryParameterError("give either days_back or date_from/date_to, not both")
    today = _today()
    days = days_back or TEACHER_WORKLOAD_DAYS
    if bound["date_to"] is None:
        bound["date_to"] = today
    if bound["date_from"] is None:
        bound["date_from"] = (today if days_back else bound["date_to"]) - dt.timedelta(days=days - 1)
    if bound["date_from"] > bound["date_to"]:
        raise QueryParameterError(f"date_from {bound['date_from']} is after date_to {bound['date_to']}")


QUERY_SPECS: dict[str, QuerySpec] = {
    spec.name: spec
    for spec in (
        QuerySpec(
            "student_progress",
            (_id("student_id", required=True), _choice("granularity", GRANULARITIES, "week", "period"), _days_back(90)),
            default_limit=500,
        ),
        QuerySpec("subject_comparison", (_id("student_id", required=True),), default_limit=100),
        QuerySpec(
            "teacher_workload",
            (
                _id("teacher_id"),
                Param(
                    "date_from",
                    _date,
                    nullable=True,
                    kind="date",
                    help=f"first day, YYYY-MM-DD (default: {TEACHER_WORKLOAD_DAYS - 1} days before date_to)",
                ),
                Param("date_to", _date, nullable=True, kind="date", help="last day, YYYY-MM-DD (default: today, UTC)"),
                Param(
                    "days_back",
                    lambda n, v: _integer(n, v, minimum=1, maximum=MAX_DAYS_BACK),
                    nullable=True,
                    help=f"instead of the dates: the last N days, today (UTC) included, 1 to {MAX_DAYS_BACK} "
                    f"(default: the dates, else the last {TEACHER_WORKLOAD_DAYS} days)",
                ),
            ),
            default_limit=100,
            check_together=_date_range,
        ),
        QuerySpec(
            "attendance_vs_grades",
            (_window(ATTENDANCE_DAYS_BACK, "student_attendance_grades"),),
            default_limit=10,
        ),
        QuerySpec(
            "top_performers",
            (_id("subject_id"), _min_submissions(), _window(PERFORMERS_DAYS_BACK, "student_subject_windows")),
            default_limit=PERFORMERS_LIMIT,
        ),
        QuerySpec(
            "bottom_performers",
            (_id("subject_id"), _min_submissions(), _window(PERFORMERS_DAYS_BACK, "student_subject_windows")),
            default_limit=PERFORMERS_LIMIT,
        ),
        QuerySpec(
            "student_engagement", (_id("student_id"), _window(30, "student_engagement_windows")), default_limit=100
        ),
        QuerySpec(
            "class_trends",
            (_id("class_id"), _choice("granularity", GRANULARITIES, "week", "period"), _days_back(90)),
            default_limit=200,
        ),
    )
}
QUERY_NAMES: list[str] = list(QUERY_SPECS)


def bind_params(name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The checked, defaulted parameters of query `name`."""
    try:
        spec = QUERY_SPECS[name]
    except KeyError:
        raise QueryParameterError(f"unknown query {name!r}; known: {', '.join(QUERY_NAMES)}") from None
    return spec.bind(given)
