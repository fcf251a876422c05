"""The LCT checks called directly on QA reports built by the real QA code: no Dagster run, no database.

Each check gets a report it must pass and one it must fail, so a check that always passes (or always fails)
shows here.
"""

from __future__ import annotations

import dagster as dg
import pytest

from lct_pipelines.assets.lct.checks import (
    LCT_CHECKS,
    evaluate_hierarchy,
    evaluate_outliers,
    evaluate_pass_rate,
    evaluate_state_coverage,
)
from lct_pipelines.lct.qa import HIERARCHY
from tests.lct.test_qa import HOLDING, holding_rows, report

# Swapping the two means of each rule breaks exactly that rule.
BROKEN_RULE = [{**HOLDING, left: HOLDING[right], right: HOLDING[left]} for left, right in HIERARCHY]


@pytest.mark.parametrize("index", range(len(HIERARCHY)))
def test_hierarchy_check_passes_when_the_means_are_ordered_and_fails_when_not(index: int) -> None:
    left, right = HIERARCHY[index]
    passing = evaluate_hierarchy(report(holding_rows()), index)
    failing = evaluate_hierarchy(report(holding_rows(BROKEN_RULE[index])), index)
    assert passing.passed and not failing.passed
    assert failing.metadata["rule"].value == f"{left} < {right}"
    assert failing.metadata["left_mean"].value >= failing.metadata["right_mean"].value


def test_pass_rate_passes_at_95_percent_and_fails_below() -> None:
    """19 districts of 7 valid rows and one of 6 valid + 1 invalid: 139/140 = 99.3%; 13 invalid rows: 90.7%."""
    valid_rows = [row for n in range(20) for row in holding_rows(district=f"01{n:05d}")]
    passing_rows = [*valid_rows[:-1], (*valid_rows[-1][:4], False, "ERR_IMPOSSIBLE_SSR")]
    failing_rows = [(*row[:4], False, "ERR_IMPOSSIBLE_SSR") if i < 13 else row for i, row in enumerate(valid_rows)]
    passing, failing = evaluate_pass_rate(report(passing_rows)), evaluate_pass_rate(report(failing_rows))
    assert passing.passed and passing.metadata["valid"].value == 139
    assert not failing.passed and failing.metadata["pass_rate_percent"].value == pytest.approx(90.71, abs=0.01)


def test_pass_rate_at_exactly_95_percent_passes() -> None:
    rows = [row for n in range(20) for row in holding_rows(district=f"01{n:05d}")]
    rows = [(*row[:4], False, "ERR_IMPOSSIBLE_SSR") if i < 7 else row for i, row in enumerate(rows)]  # 133/140
    assert evaluate_pass_rate(report(rows)).passed


def test_outliers_warn_with_the_rows_and_pass_without() -> None:
    passing = evaluate_outliers(report(holding_rows()))
    failing = evaluate_outliers(report(holding_rows({**HOLDING, "all": 250.0})))
    assert passing.passed and passing.severity == dg.AssetCheckSeverity.WARN
    assert not failing.passed and failing.severity == dg.AssetCheckSeverity.WARN
    assert (failing.metadata["low"].value, failing.metadata["high"].value) == (0, 1)
    assert "250" in failing.metadata["rows"].value


def test_state_coverage_warns_about_a_state_without_a_valid_row() -> None:
    covered = [*holding_rows(), *holding_rows(district="0600001", state="CA")]
    uncovered = [*holding_rows(), ("0600001", "CA", "all", 400.0, False, "ERR_IMPOSSIBLE_SSR")]
    passing, failing = evaluate_state_coverage(report(covered)), evaluate_state_coverage(report(uncovered))
    assert passing.passed and passing.metadata["without_valid_rows"].value == "none"
    assert not failing.passed and failing.metadata["without_valid_rows"].value == "CA"


def test_six_hierarchy_checks_and_the_pass_rate_block_the_other_two_warn() -> None:
    blocking = {spec.name: spec.blocking for check in LCT_CHECKS for spec in check.check_specs}
    assert sum(blocking.values()) == 7
    assert blocking["outliers"] is False and blocking["state_coverage"] is False


def test_a_report_fails_exactly_when_a_blocking_check_fails() -> None:
    """The calculation step records a run `blocked` from the report's status: it must agree with the checks."""
    rows = [row for n in range(20) for row in holding_rows(district=f"01{n:05d}")]
    low_pass_rate = [(*row[:4], False, "ERR_IMPOSSIBLE_SSR") if i < 13 else row for i, row in enumerate(rows)]
    reports = [report(holding_rows()), report(low_pass_rate), *(report(holding_rows(b)) for b in BROKEN_RULE)]
    for qa in reports:
        blocking = [evaluate_hierarchy(qa, i) for i in range(len(HIERARCHY))] + [evaluate_pass_rate(qa)]
        assert (qa["status"] == "FAIL") == any(not result.passed for result in blocking)
    assert [qa["status"] for qa in reports] == ["PASS"] + ["FAIL"] * (1 + len(BROKEN_RULE))
