"""The QA checks on `lct/lct_calculations`: six hierarchy checks and the pass rate (blocking), outliers and state
coverage (warnings).

Each check is a plain function of the year's QA report (`lct.qa.build_qa_report`) returning its
AssetCheckResult, so tests call it on a passing and a failing report without a Dagster run. The Dagster check is
a thin wrapper that reads a report recorded in `lct.calculation_runs` instead of recomputing it: the one this
run's calculation step recorded or, in a checks-only run (the UI's "Execute all" has no calculation step), the
one of the latest calculation of the run's school year; without a partition (what the UI sends), of the latest
school year. Either way the same report gives the same results.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg

from lct_pipelines.assets.lct.calculations import CALCULATIONS_KEY
from lct_pipelines.assets.metadata import markdown_table
from lct_pipelines.lct import store
from lct_pipelines.lct.qa import HIERARCHY
from lct_pipelines.resources import PostgresResource

PASS_RATE_CHECK = "pass_rate_at_least_95_percent"
OUTLIERS_CHECK = "outliers"
STATE_COVERAGE_CHECK = "state_coverage"
MIN_PASS_RATE_PERCENT = 95
MEAN_DECIMALS = 2  # what the dashboards show; the check itself compares the unrounded means

Report = dict[str, Any]
Evaluate = Callable[[Report], dg.AssetCheckResult]


def hierarchy_check_name(left: str, right: str) -> str:
    return f"hierarchy_{left}_lt_{right}"


# --- the checks, on a report ------------------------------------------------------------------------------------


def evaluate_hierarchy(report: Report, index: int) -> dg.AssetCheckResult:
    """Hierarchy rule `index` (lct.qa.HIERARCHY): the left scope's mean valid LCT is below the right one's."""
    check = report["hierarchy_checks"][index]
    return dg.AssetCheckResult(
        passed=bool(check["passed"]),
        metadata={
            "left_mean": round(check["left_mean"] or 0.0, MEAN_DECIMALS),
            "right_mean": round(check["right_mean"] or 0.0, MEAN_DECIMALS),
            "rule": check["name"],
            "year": report["year"],
        },
    )


def evaluate_pass_rate(report: Report) -> dg.AssetCheckResult:
    """At least 95% of the calculations are valid (integers compared, so 94.99...% never rounds up to a pass)."""
    totals = report["totals"]
    rate = totals["pass_rate_percent"]
    return dg.AssetCheckResult(
        passed=rate is not None and totals["valid"] * 100 >= MIN_PASS_RATE_PERCENT * totals["calculations"],
        metadata={
            "pass_rate_percent": rate or 0.0,
            "valid": totals["valid"],
            "calculations": totals["calculations"],
            "year": report["year"],
        },
    )


def evaluate_outliers(report: Report) -> dg.AssetCheckResult:
    outliers = report["outliers"]
    return dg.AssetCheckResult(
        passed=outliers["count"] == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "low": outliers["low"],
            "high": outliers["high"],
            "rows": dg.MetadataValue.md(markdown_table(outliers["rows"][:50])),
        },
    )


def evaluate_state_coverage(report: Report) -> dg.AssetCheckResult:
    coverage = report["state_coverage"]
    return dg.AssetCheckResult(
        passed=not coverage["states_without_valid_rows"],
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "covered": coverage["count"],
            "states": ", ".join(coverage["states"]),
            "without_valid_rows": ", ".join(coverage["states_without_valid_rows"]) or "none",
        },
    )


# --- the Dagster checks -----------------------------------------------------------------------------------------


def recorded_report(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> tuple[str, Report] | None:
    """(calculation run id, QA report) the check evaluates: this run's, else the latest of the year (see above)."""
    op_context = context.op_execution_context
    with postgres.transaction() as cur:
        found = store.run_qa_summary(cur, op_context.run.run_id)
        if found is not None:
            return found[0], found[2]
        year = op_context.partition_key if op_context.has_partition_key else None
        latest = store.latest_qa_summaries(cur, year)  # oldest school year first
    if not latest:
        return None
    _year, run_id, report = latest[-1]
    return run_id, report


def build_check(name: str, *, blocking: bool, description: str, evaluate: Evaluate) -> dg.AssetChecksDefinition:
    """A Dagster check on the calculations that hands the recorded QA report (`recorded_report`) to `evaluate`."""

    @dg.asset_check(asset=CALCULATIONS_KEY, name=name, blocking=blocking, description=description)
    def _check(context: dg.AssetCheckExecutionContext, postgres: PostgresResource) -> dg.AssetCheckResult:
        found = recorded_report(context, postgres)
        if found is None:
            return dg.AssetCheckResult(passed=False, metadata={"problem": "no calculation with a QA report yet"})
        run_id, report = found
        result = evaluate(report)
        return result.with_metadata({**result.metadata, "calculation_run": run_id})

    return _check


def _hierarchy(index: int) -> Evaluate:
    return lambda report: evaluate_hierarchy(report, index)


HIERARCHY_CHECKS = [
    build_check(
        hierarchy_check_name(left, right),
        blocking=True,
        description=f"Hierarchy check {index + 1} of 6: the mean valid LCT of {left} is below that of {right}.",
        evaluate=_hierarchy(index),
    )
    for index, (left, right) in enumerate(HIERARCHY)
]
LCT_CHECKS = [
    *HIERARCHY_CHECKS,
    build_check(
        PASS_RATE_CHECK,
        blocking=True,
        description="At least 95% of the calculations are valid (0 < LCT <= 360, staff <= enrollment).",
        evaluate=evaluate_pass_rate,
    ),
    build_check(
        OUTLIERS_CHECK,
        blocking=False,
        description="Valid rows with LCT < 5 or > 200 (a warning that lists them).",
        evaluate=evaluate_outliers,
    ),
    build_check(
        STATE_COVERAGE_CHECK,
        blocking=False,
        description="Every state and territory in the inputs has at least one valid row (a warning).",
        evaluate=evaluate_state_coverage,
    ),
]
