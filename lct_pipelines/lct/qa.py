"""The QA report over one school year's calculations, and its console and Markdown dashboards.

`build_qa_report` returns a JSON-able dict (plain str/int/float/bool/None/list/dict, no NaN):

- `year`, `status` (`PASS`/`FAIL`), `status_reasons` (why it failed; empty on PASS)
- `totals`: calculations, valid, invalid, pass_rate (fraction), pass_rate_percent, districts (with >= 1
  calculation), districts_in_inputs (with a calculation or a not-calculable row), not_calculable (total and per
  scope: count and reason counts), flags (rows carrying each flag)
- `scopes`: per scope, count/mean/median/std/min/max of valid lct_value
- `hierarchy_checks`: the six `{name, left, right, left_mean, right_mean, passed}`
- `outliers`: valid rows with lct_value < 5 (low) or > 200 (high): counts and the rows
- `state_coverage`: states with >= 1 valid row, their count, and the states present without one

Decisions
---------
- Statistics, outlier selection and hierarchy means use the unrounded LCT when `lct_full` is given (as
  `calculate.CalculationResult.lct_full`, or `lct_value_unrounded` as stored); without it they use the rounded
  `lct_value`. Validity is always the row's `is_valid`, which the calculation decided at full precision.
- The report is a function of the set of rows, not of their order: rows are put in calculation order (district_id,
  then the methodology's scope order) first, so the floating-point sums behind means and deviations, and the
  outlier list, come out bit-identical whether the rows came from a calculation in memory or from the table
  (which is how an incremental run's report equals a full run's).
- `std` is the sample standard deviation (ddof=1), like PostgreSQL's `stddev_samp` in `mv_lct_summary_stats`;
  it is None for fewer than 2 valid rows. Every statistic of a scope without valid rows is None.
- A hierarchy check whose either side has no valid rows fails (nothing shows that it holds).
- The pass rate is compared with 95% exactly, in integers (valid x 100 >= 95 x calculations). With no
  calculations the pass rate is None and the status is FAIL.
- Outlier rows show the exported (rounded) `lct_value` so they can be found in the exports; they are selected on
  the unrounded value, so a row selected as low may show 5.0. The Markdown dashboard lists the first
  `MARKDOWN_OUTLIER_ROWS`, the JSON all of them, in calculation order (district_id, then scope).
- Flag counts count rows (calculations), not districts.
- States present: those of the calculations, plus those of `directory` when given (the calculation inputs carry
  no state for a district without any calculation). A missing state is not a state.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from lct_pipelines.lct.scopes import (
    ALL,
    FLAG_SEPARATOR,
    FLAGS,
    INSTRUCTIONAL,
    INSTRUCTIONAL_PLUS_SUPPORT,
    NOT_CALCULABLE_REASONS,
    SCOPE_NAMES,
    TEACHERS_CORE,
    TEACHERS_ELEMENTARY,
    TEACHERS_ONLY,
    TEACHERS_SECONDARY,
    require_columns,
)

STATUS_PASS = "PASS"
STATUS_FAIL = "FAIL"
PASS_RATE_PERCENT = 95  # the pass rate must be >= this many percent
OUTLIER_LOW = 5.0  # valid lct_value below this is a low outlier
OUTLIER_HIGH = 200.0  # valid lct_value above this is a high outlier
MARKDOWN_OUTLIER_ROWS = 50

# (left, right): the mean of valid lct_value of left must be < that of right.
HIERARCHY: tuple[tuple[str, str], ...] = (
    (TEACHERS_SECONDARY, TEACHERS_ONLY),
    (TEACHERS_ONLY, TEACHERS_ELEMENTARY),
    (TEACHERS_ONLY, TEACHERS_CORE),
    (TEACHERS_CORE, INSTRUCTIONAL),
    (INSTRUCTIONAL, INSTRUCTIONAL_PLUS_SUPPORT),
    (INSTRUCTIONAL_PLUS_SUPPORT, ALL),
)
STAT_NAMES: tuple[str, ...] = ("count", "mean", "median", "std", "min", "max")

_SCOPE_POSITION = {scope: position for position, scope in enumerate(SCOPE_NAMES)}
_REQUIRED = ("district_id", "district_name", "state", "staff_scope", "lct_value", "is_valid", "qa_flags")


def _float(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _scope_stats(values: np.ndarray) -> dict[str, Any]:
    count = len(values)
    if count == 0:
        return {"count": 0, "mean": None, "median": None, "std": None, "min": None, "max": None}
    return {
        "count": count,
        "mean": _float(values.mean()),
        "median": _float(np.median(values)),
        "std": _float(values.std(ddof=1)) if count > 1 else None,
        "min": _float(values.min()),
        "max": _float(values.max()),
    }


def _not_calculable_summary(not_calculable: pd.DataFrame) -> dict[str, Any]:
    require_columns(not_calculable, ("district_id", "staff_scope", "reason"), "not_calculable")
    counts = not_calculable.groupby(["staff_scope", "reason"]).size()
    by_scope: dict[str, Any] = {}
    for scope in SCOPE_NAMES:
        reasons = {reason: int(counts.get((scope, reason), 0)) for reason in NOT_CALCULABLE_REASONS}
        by_scope[scope] = {"count": sum(reasons.values()), "reasons": reasons}
    return {"total": len(not_calculable), "by_scope": by_scope}


def _flag_counts(flags: pd.Series) -> dict[str, int]:
    split = flags[flags != ""].str.split(FLAG_SEPARATOR).explode()
    counts = split.value_counts()
    return {flag: int(counts.get(flag, 0)) for flag in FLAGS}


def _in_calculation_order(calculations: pd.DataFrame, lct: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows (and their LCT) sorted by district_id, then scope in the methodology's order (unknown scopes last)."""
    scope_position = calculations["staff_scope"].map(_SCOPE_POSITION).fillna(len(SCOPE_NAMES)).to_numpy()
    order = np.lexsort((scope_position, calculations["district_id"].to_numpy(dtype=str)))
    if (order == np.arange(len(order))).all():
        return calculations, lct
    return calculations.iloc[order].reset_index(drop=True), lct[order]


def build_qa_report(
    calculations: pd.DataFrame,
    not_calculable: pd.DataFrame,
    year: str,
    *,
    lct_full: pd.Series | None = None,
    directory: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The QA report of one school year (see the module docstring for its shape and rules)."""
    require_columns(calculations, _REQUIRED, "calculations")
    if lct_full is None:
        lct_full = calculations["lct_value"]
    elif not lct_full.index.equals(calculations.index):
        raise ValueError("lct_full must have the index of calculations")
    calculations, lct = _in_calculation_order(calculations, lct_full.to_numpy(dtype="float64"))
    valid = calculations["is_valid"].to_numpy(dtype=bool)
    scopes = calculations["staff_scope"]

    n, n_valid = len(calculations), int(valid.sum())
    districts_in_inputs = pd.concat(
        [calculations["district_id"].astype("str"), not_calculable["district_id"].astype("str")], ignore_index=True
    ).nunique()
    totals: dict[str, Any] = {
        "calculations": n,
        "valid": n_valid,
        "invalid": n - n_valid,
        "pass_rate": n_valid / n if n else None,
        "pass_rate_percent": round(100 * n_valid / n, 2) if n else None,
        "districts": int(calculations["district_id"].nunique()),
        "districts_in_inputs": int(districts_in_inputs),
        "not_calculable": _not_calculable_summary(not_calculable),
        "flags": _flag_counts(calculations["qa_flags"]),
    }

    stats = {scope: _scope_stats(lct[valid & (scopes == scope).to_numpy(dtype=bool)]) for scope in SCOPE_NAMES}
    checks = []
    for left, right in HIERARCHY:
        left_mean, right_mean = stats[left]["mean"], stats[right]["mean"]
        passed = left_mean is not None and right_mean is not None and left_mean < right_mean
        checks.append(
            {
                "name": f"{left} < {right}",
                "left": left,
                "right": right,
                "left_mean": left_mean,
                "right_mean": right_mean,
                "passed": passed,
            }
        )

    low = valid & (lct < OUTLIER_LOW)
    high = valid & (lct > OUTLIER_HIGH)
    chosen = calculations.loc[low | high, ["district_id", "district_name", "state", "staff_scope", "lct_value"]]
    kinds = np.where(low[low | high], "low", "high")
    outlier_rows = [
        {
            "district_id": str(row.district_id),
            "district_name": None if pd.isna(row.district_name) else str(row.district_name),
            "state": None if pd.isna(row.state) else str(row.state),
            "staff_scope": str(row.staff_scope),
            "lct_value": _float(row.lct_value),
            "kind": str(kind),
        }
        for row, kind in zip(chosen.itertuples(index=False), kinds, strict=True)
    ]
    outliers = {
        "low_threshold": OUTLIER_LOW,
        "high_threshold": OUTLIER_HIGH,
        "count": len(outlier_rows),
        "low": int(low.sum()),
        "high": int(high.sum()),
        "rows": outlier_rows,
    }

    covered = set(calculations.loc[valid, "state"].dropna().unique())
    present = set(calculations["state"].dropna().unique())
    if directory is not None:
        require_columns(directory, ("state",), "directory")
        present |= set(directory["state"].dropna().unique())
    coverage = {
        "states": sorted(str(s) for s in covered),
        "count": len(covered),
        "states_without_valid_rows": sorted(str(s) for s in present - covered),
    }

    reasons = []
    if n == 0:
        reasons.append("no calculations")
    elif n_valid * 100 < PASS_RATE_PERCENT * n:
        reasons.append(f"pass rate {totals['pass_rate_percent']:.2f}% is below {PASS_RATE_PERCENT}%")
    for check in checks:
        if not check["passed"]:
            reasons.append(
                f"hierarchy check failed: {check['name']} "
                f"(means {_number(check['left_mean'])} vs {_number(check['right_mean'])})"
            )
    return {
        "year": year,
        "status": STATUS_FAIL if reasons else STATUS_PASS,
        "status_reasons": reasons,
        "totals": totals,
        "scopes": stats,
        "hierarchy_checks": checks,
        "outliers": outliers,
        "state_coverage": coverage,
    }


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def _checks_passed(report: dict[str, Any]) -> str:
    checks = report["hierarchy_checks"]
    return f"{sum(c['passed'] for c in checks)}/{len(checks)}"


def render_console_dashboard(report: dict[str, Any]) -> str:
    """The report as plain text for a terminal: status, pass rate, checks, outliers, coverage."""
    totals, outliers, coverage = report["totals"], report["outliers"], report["state_coverage"]
    lines = [
        f"LCT QA {report['year']}: {report['status']}",
        f"Pass rate: {_percent(totals['pass_rate_percent'])} "
        f"({totals['valid']:,} valid of {totals['calculations']:,} calculations, "
        f"{totals['districts']:,} districts)",
        f"Hierarchy checks: {_checks_passed(report)}",
    ]
    for check in report["hierarchy_checks"]:
        mark = "✓" if check["passed"] else "✗"
        lines.append(f"  {mark} {check['name']}  ({_number(check['left_mean'])} < {_number(check['right_mean'])})")
    lines.append(
        f"Outliers: {outliers['count']} (low < {outliers['low_threshold']:g}: {outliers['low']}, "
        f"high > {outliers['high_threshold']:g}: {outliers['high']})"
    )
    lines.append(f"State coverage: {coverage['count']} states and territories with a valid row")
    if coverage["states_without_valid_rows"]:
        lines.append(f"  without a valid row: {', '.join(coverage['states_without_valid_rows'])}")
    for reason in report["status_reasons"]:
        lines.append(f"FAIL: {reason}")
    return "\n".join(lines) + "\n"


def render_markdown_dashboard(report: dict[str, Any]) -> str:
    """The report as Markdown: status, pass rate, checks, outliers, coverage and the per-scope statistics."""
    totals, outliers, coverage = report["totals"], report["outliers"], report["state_coverage"]
    lines = [
        f"# LCT QA {report['year']}: **{report['status']}**",
        "",
        f"- Pass rate: **{_percent(totals['pass_rate_percent'])}** "
        f"({totals['valid']:,} valid of {totals['calculations']:,} calculations; {totals['invalid']:,} invalid)",
        f"- Districts with a calculation: {totals['districts']:,} (of {totals['districts_in_inputs']:,} in the inputs)",
        f"- Hierarchy checks: {_checks_passed(report)}",
        f"- Outliers: {outliers['count']} (low: {outliers['low']}, high: {outliers['high']})",
        f"- States and territories with a valid row: {coverage['count']}",
    ]
    if report["status_reasons"]:
        lines += ["", "## Why it failed", ""]
        lines += [f"- {reason}" for reason in report["status_reasons"]]

    lines += ["", "## Hierarchy checks", "", "| | check | left mean | right mean |", "|---|---|---|---|"]
    for check in report["hierarchy_checks"]:
        mark = "✓" if check["passed"] else "✗"
        lines.append(f"| {mark} | {check['name']} | {_number(check['left_mean'])} | {_number(check['right_mean'])} |")

    lines += ["", "## Valid lct_value per scope", "", "| scope | " + " | ".join(STAT_NAMES) + " |"]
    lines.append("|---|" + "---|" * len(STAT_NAMES))
    for scope, stats in report["scopes"].items():
        cells = [str(stats["count"])] + [_number(stats[name]) for name in STAT_NAMES[1:]]
        lines.append(f"| {scope} | " + " | ".join(cells) + " |")

    lines += [
        "",
        f"## Outliers (valid lct_value < {outliers['low_threshold']:g} or > {outliers['high_threshold']:g})",
        "",
    ]
    if outliers["rows"]:
        lines += [
            "| district_id | district_name | state | staff_scope | lct_value | kind |",
            "|---|---|---|---|---|---|",
        ]
        for row in outliers["rows"][:MARKDOWN_OUTLIER_ROWS]:
            lines.append(
                f"| {row['district_id']} | {row['district_name'] or ''} | {row['state'] or ''} | "
                f"{row['staff_scope']} | {_number(row['lct_value'])} | {row['kind']} |"
            )
        if outliers["count"] > MARKDOWN_OUTLIER_ROWS:
            lines.append(f"\n_... and {outliers['count'] - MARKDOWN_OUTLIER_ROWS} more._")
    else:
        lines.append("_(none)_")

    lines += ["", "## State coverage", "", f"{coverage['count']}: {', '.join(coverage['states']) or '(none)'}"]
    if coverage["states_without_valid_rows"]:
        lines.append(f"\nWithout a valid row: {', '.join(coverage['states_without_valid_rows'])}")

    lines += ["", "## Flags (rows)", "", "| flag | rows |", "|---|---|"]
    lines += [f"| {flag} | {count:,} |" for flag, count in totals["flags"].items()]
    return "\n".join(lines) + "\n"
