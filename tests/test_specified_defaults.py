"""Every default and threshold the specification and the replaced systems state equals the project's own.

The specified values are the project's copy, `lct_pipelines/seeds/specified_defaults.csv`; the project's values
are read from where the code takes them (query specs, settings, schedules, jobs, methodology constants), never
restated here.
"""

from __future__ import annotations

import csv
import inspect
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from lct_pipelines.cli import query as query_cli
from lct_pipelines.definitions import defs
from lct_pipelines.exports.qa_files import QA_REPORTS_KEPT
from lct_pipelines.jobs import WAREHOUSE_CACHE_WARMUP_JOB, WAREHOUSE_REFRESH_JOB
from lct_pipelines.lct import calculate, minutes, qa, queries
from lct_pipelines.warehouse.params import MAX_LIMIT, QUERY_SPECS
from lct_pipelines.warehouse.settings import WarehouseSettings


def _specified() -> dict[str, str]:
    text = resources.files("lct_pipelines.seeds").joinpath("specified_defaults.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert all(row["specified_by"] for row in rows)
    return {row["setting"]: row["value"] for row in rows}


def _param_default(query: str, name: str) -> Any:
    if name == "limit":
        return QUERY_SPECS[query].default_limit
    [param] = [p for p in QUERY_SPECS[query].params if p.name == name]
    return param.default() if param.default else None


def _schedule(name: str) -> Any:
    return defs.resolve_schedule_def(name)


def _retries(job: str) -> int:
    """The retries of the job's steps: the retry policies the assets carry (one value for the whole job)."""
    policies = {node.definition.retry_policy for node in defs.resolve_job_def(job).nodes}
    [retries] = {policy.max_retries if policy else 0 for policy in policies}
    return retries


PROJECT: dict[str, Callable[[], Any]] = {
    **{
        f"warehouse.{query}.{name}": (lambda q=query, n=name: _param_default(q, n))
        for query in ("top_performers", "bottom_performers")
        for name in ("limit", "min_submissions", "days_back")
    },
    "warehouse.attendance_vs_grades.days_back": lambda: _param_default("attendance_vs_grades", "days_back"),
    "warehouse.attendance_vs_grades.limit": lambda: _param_default("attendance_vs_grades", "limit"),
    "warehouse.max_limit": lambda: MAX_LIMIT,
    "warehouse.statement_timeout_ms": lambda: WarehouseSettings().statement_timeout_ms,
    "warehouse.slow_query_ms": lambda: WarehouseSettings().slow_query_ms,
    "warehouse.cache_ttl_seconds": lambda: WarehouseSettings().cache_ttl_seconds,
    "schedule.warehouse_refresh_daily.cron": lambda: _schedule("warehouse_refresh_daily").cron_schedule,
    "schedule.warehouse_refresh_daily.retries": lambda: _retries(WAREHOUSE_REFRESH_JOB),
    "schedule.warehouse_statistics_daily.cron": lambda: _schedule("warehouse_statistics_daily").cron_schedule,
    "schedule.warehouse_cache_warmup_daily.cron": lambda: _schedule("warehouse_cache_warmup_daily").cron_schedule,
    "schedule.warehouse_cache_warmup_daily.retries": lambda: _retries(WAREHOUSE_CACHE_WARMUP_JOB),
    "lct.qa.pass_rate_percent": lambda: qa.PASS_RATE_PERCENT,
    "lct.qa.outlier_low": lambda: qa.OUTLIER_LOW,
    "lct.qa.outlier_high": lambda: qa.OUTLIER_HIGH,
    "lct.qa.reports_kept": lambda: QA_REPORTS_KEPT,
    "lct.valid.max_lct": lambda: calculate.MAX_VALID_LCT,
    "lct.flags.impossible_ssr": lambda: calculate.IMPOSSIBLE_SSR,
    "lct.flags.volatile_enrollment": lambda: calculate.VOLATILE_ENROLLMENT,
    "lct.flags.low_lct": lambda: calculate.LOW_LCT,
    "lct.flags.high_teachers_only_lct": lambda: calculate.HIGH_TEACHERS_ONLY_LCT,
    "lct.minutes.default": lambda: minutes.DEFAULT_MINUTES,
    "lct.output.decimals": lambda: calculate.OUTPUT_DECIMALS,
    "lct.enrichment.candidates_limit": lambda: (
        inspect.signature(queries.get_next_enrichment_candidates).parameters["limit"].default,
        query_cli.NEXT_CANDIDATES_LIMIT,
    ),
}


def _same(specified: str, project: Any) -> bool:
    if isinstance(project, tuple):  # one setting, several places that must agree
        return all(_same(specified, value) for value in project)
    if isinstance(project, str):
        return project == specified
    return float(project) == float(specified)


def test_every_specified_setting_is_checked_and_every_check_is_specified() -> None:
    assert set(_specified()) == set(PROJECT)


@pytest.mark.parametrize("setting", sorted(PROJECT))
def test_the_project_default_is_the_specified_one(setting: str) -> None:
    specified = _specified()[setting]
    project = PROJECT[setting]()
    assert _same(specified, project), f"{setting}: specified {specified}, the project has {project}"
