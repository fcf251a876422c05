"""The eight analytics queries: their SQL (from the rollups, or from raw joins) and how to run one.

`sql/warehouse/queries/<name>.sql` answers from the rollups (what the service
serves); `sql/warehouse/raw/<name>.sql` answers the same question from the
platform tables alone (for the benchmark and the tests proving the two agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.warehouse.params import QUERY_NAMES, QueryParameterError, bind_params

Variant = Literal["rollup", "raw"]
_FOLDERS: dict[str, str] = {"rollup": "queries", "raw": "raw"}

# Cheap to run with their defaults and asked for by every dashboard: what warm_cache fills.
COMMON_QUERIES = (
    "attendance_vs_grades",
    "top_performers",
    "bottom_performers",
    "student_engagement",
    "class_trends",
    "teacher_workload",
)


# The rankings whose rollup SQL holds one ordered branch per count tier (sql/warehouse/queries/count_tier_branch.sql,
# in place of `{count_tier_branches}`), and the order each reads the ranking index in.
TIER_RANKINGS: dict[str, str] = {
    "top_performers": "w.avg_grade DESC, w.student_id, w.subject_id",
    "bottom_performers": "w.avg_grade, w.student_id DESC, w.subject_id DESC",
}
COUNT_TIERS = range(21)  # student_subject_windows.count_tier = least(graded_count, 20)


def query_sql(name: str, variant: Variant = "rollup") -> str:
    if name not in QUERY_NAMES:
        raise QueryParameterError(f"unknown query {name!r}; known: {', '.join(QUERY_NAMES)}")
    text = load_sql(f"warehouse/{_FOLDERS[variant]}/{name}.sql")
    if variant == "rollup" and name in TIER_RANKINGS:
        text = text.replace("    {count_tier_branches}", _count_tier_branches(TIER_RANKINGS[name]))
    return text


def _count_tier_branches(order: str) -> str:
    """One ordered range read per count tier, joined by UNION ALL (separate branches: a Merge Append)."""
    lines = load_sql("warehouse/queries/count_tier_branch.sql").splitlines()
    branch = "\n".join(line for line in lines if not line.startswith("--"))
    return "\n    UNION ALL\n".join(
        branch.replace("{tier}", str(tier)).replace("{order}", order) for tier in COUNT_TIERS
    )


def run_query(
    cur: PgCursor, name: str, params: Mapping[str, Any], variant: Variant = "rollup"
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Execute query `name` with already bound parameters (see params.bind_params); columns and rows."""
    cur.execute(query_sql(name, variant), dict(params))
    columns = [d.name for d in cur.description]
    return columns, cur.fetchall()


def row_dicts(columns: list[str], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows as dicts by column name."""
    return [dict(zip(columns, row, strict=True)) for row in rows]


def answer(cur: PgCursor, name: str, variant: Variant = "rollup", **given: Any) -> list[dict[str, Any]]:
    """Validate, bind and run: rows as dicts with the driver's types (Decimal, date). For tests and benchmarks."""
    return row_dicts(*run_query(cur, name, bind_params(name, given), variant))
