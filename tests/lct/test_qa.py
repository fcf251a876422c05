"""build_qa_report and the dashboards, on crafted calculations with hand-computed numbers."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from lct_pipelines.lct.calculate import CONTRACT_DTYPES, calculate_lct
from lct_pipelines.lct.qa import build_qa_report, render_console_dashboard, render_markdown_dashboard
from tests.lct.test_calculate import District, make_inputs

YEAR = "2023-24"
SCOPE_TYPE = {
    "teachers_only": "k12",
    "teachers_core": "k12",
    "instructional": "k12",
    "instructional_plus_support": "k12",
    "all": "k12",
    "teachers_elementary": "elementary",
    "teachers_secondary": "secondary",
}
# Per-scope LCT whose means satisfy all six hierarchy checks.
HOLDING = {
    "teachers_secondary": 10.0,
    "teachers_only": 20.0,
    "teachers_elementary": 30.0,
    "teachers_core": 25.0,
    "instructional": 40.0,
    "instructional_plus_support": 50.0,
    "all": 60.0,
}
CHECK_NAMES = [
    "teachers_secondary < teachers_only",
    "teachers_only < teachers_elementary",
    "teachers_only < teachers_core",
    "teachers_core < instructional",
    "instructional < instructional_plus_support",
    "instructional_plus_support < all",
]


def frame(rows: list[tuple[str, str, str, float, bool, str]]) -> pd.DataFrame:
    """Contract rows from (district_id, state, staff_scope, lct_value, is_valid, qa_flags)."""
    records = [
        {
            "district_id": district,
            "district_name": f"District {district}",
            "state": state,
            "year": YEAR,
            "staff_scope": scope,
            "staff_count": 10.0,
            "enrollment": 100,
            "enrollment_type": SCOPE_TYPE[scope],
            "instructional_minutes": 300.0,
            "instructional_minutes_source": "default",
            "lct_value": lct,
            "is_valid": valid,
            "qa_flags": flags,
        }
        for district, state, scope, lct, valid, flags in rows
    ]
    return pd.DataFrame(records, columns=list(CONTRACT_DTYPES)).astype(CONTRACT_DTYPES)


def holding_rows(values: dict[str, float] = HOLDING, district: str = "0100001", state: str = "TX") -> list:
    return [(district, state, scope, lct, True, "") for scope, lct in values.items()]


NO_MISSING = pd.DataFrame({"district_id": [], "staff_scope": [], "reason": []}, dtype="str")


def report(rows: list, not_calculable: pd.DataFrame = NO_MISSING, **kwargs: object) -> dict:
    return build_qa_report(frame(rows), not_calculable, YEAR, **kwargs)  # type: ignore[arg-type]


# --- totals -----------------------------------------------------------------------------------------------------


def test_totals_count_calculations_valid_invalid_districts_and_flags() -> None:
    rows = [
        *holding_rows(),
        ("0200002", "CA", "teachers_only", 400.0, False, "ERR_IMPOSSIBLE_SSR;WARN_LCT_HIGH"),
        ("0200002", "CA", "all", 3.0, True, "ERR_FLAT_STAFF;WARN_LCT_LOW"),
        ("0200002", "CA", "teachers_core", 3.0, True, "ERR_FLAT_STAFF;WARN_LCT_LOW"),
    ]
    missing = pd.DataFrame(
        {
            "district_id": ["0200002", "0300003", "0300003"],
            "staff_scope": ["teachers_secondary", "teachers_only", "teachers_secondary"],
            "reason": ["zero_enrollment", "no_staff", "no_staff"],
        }
    )
    totals = report(rows, missing)["totals"]
    assert (totals["calculations"], totals["valid"], totals["invalid"]) == (10, 9, 1)
    assert totals["pass_rate"] == 0.9 and totals["pass_rate_percent"] == 90.0
    assert (totals["districts"], totals["districts_in_inputs"]) == (2, 3)
    assert totals["flags"] == {
        "ERR_FLAT_STAFF": 2,
        "ERR_IMPOSSIBLE_SSR": 1,
        "ERR_VOLATILE": 0,
        "WARN_LCT_LOW": 2,
        "WARN_LCT_HIGH": 1,
        "LEVEL_MISMATCH": 0,
    }
    not_calculable = totals["not_calculable"]
    assert not_calculable["total"] == 3
    assert not_calculable["by_scope"]["teachers_secondary"] == {
        "count": 2,
        "reasons": {"not_in_directory": 0, "no_membership": 0, "no_staff": 1, "zero_enrollment": 1, "zero_staff": 0},
    }
    assert not_calculable["by_scope"]["teachers_only"]["count"] == 1
    assert not_calculable["by_scope"]["all"]["count"] == 0


# --- per-scope statistics ----------------------------------------------------------------------------------------


def test_scope_statistics_over_valid_rows_with_sample_std() -> None:
    rows = [("0100001", "TX", "teachers_only", lct, True, "") for lct in (10.0, 20.0, 30.0, 40.0)]
    rows.append(("0100002", "TX", "teachers_only", 400.0, False, ""))
    stats = report(rows)["scopes"]["teachers_only"]
    assert stats["count"] == 4
    assert (stats["mean"], stats["median"], stats["min"], stats["max"]) == (25.0, 25.0, 10.0, 40.0)
    assert stats["std"] == pytest.approx(math.sqrt((15**2 + 5**2 + 5**2 + 15**2) / 3), rel=1e-12)  # 12.9099...


def test_scope_statistics_are_none_without_enough_valid_rows() -> None:
    stats = report([("0100001", "TX", "teachers_only", 12.0, True, "")])["scopes"]
    assert stats["teachers_only"] == {"count": 1, "mean": 12.0, "median": 12.0, "std": None, "min": 12.0, "max": 12.0}
    assert stats["all"] == {"count": 0, "mean": None, "median": None, "std": None, "min": None, "max": None}


def test_statistics_and_outliers_use_full_precision_when_given() -> None:
    calculations = frame(
        [("0100001", "TX", "teachers_only", 5.0, True, ""), ("0100002", "TX", "teachers_only", 7.0, True, "")]
    )
    full = pd.Series([4.996, 7.0], index=calculations.index)
    rounded = build_qa_report(calculations, NO_MISSING, YEAR)
    precise = build_qa_report(calculations, NO_MISSING, YEAR, lct_full=full)
    assert rounded["scopes"]["teachers_only"]["mean"] == 6.0
    assert precise["scopes"]["teachers_only"]["mean"] == pytest.approx(5.998, rel=1e-12)
    assert rounded["outliers"]["low"] == 0
    assert precise["outliers"]["low"] == 1 and precise["outliers"]["rows"][0]["lct_value"] == 5.0


def test_full_precision_series_must_match_the_calculations() -> None:
    calculations = frame([("0100001", "TX", "teachers_only", 5.0, True, "")])
    with pytest.raises(ValueError, match="index"):
        build_qa_report(calculations, NO_MISSING, YEAR, lct_full=pd.Series([5.0, 6.0]))


# --- hierarchy checks and status -------------------------------------------------------------------------------


def test_all_six_hierarchy_checks_hold_on_increasing_means() -> None:
    result = report(holding_rows())
    assert [c["name"] for c in result["hierarchy_checks"]] == CHECK_NAMES
    assert all(c["passed"] for c in result["hierarchy_checks"])
    first = result["hierarchy_checks"][0]
    assert (first["left"], first["right"], first["left_mean"], first["right_mean"]) == (
        "teachers_secondary",
        "teachers_only",
        10.0,
        20.0,
    )
    assert result["status"] == "PASS" and result["status_reasons"] == []


# Each change makes exactly one check fail (equal means: the check is strict).
@pytest.mark.parametrize(
    ("failing", "change"),
    [
        (0, {"teachers_secondary": 20.0}),
        (1, {"teachers_elementary": 20.0}),
        (2, {"teachers_core": 20.0}),
        (3, {"instructional": 25.0}),
        (4, {"instructional_plus_support": 40.0}),
        (5, {"all": 50.0}),
    ],
)
def test_each_hierarchy_check_fails_on_its_own(failing: int, change: dict[str, float]) -> None:
    result = report(holding_rows(HOLDING | change))
    passed = [c["passed"] for c in result["hierarchy_checks"]]
    assert passed == [i != failing for i in range(6)]
    assert result["status"] == "FAIL"
    assert len(result["status_reasons"]) == 1 and CHECK_NAMES[failing] in result["status_reasons"][0]


def test_a_hierarchy_check_without_valid_rows_on_one_side_fails() -> None:
    values = {scope: lct for scope, lct in HOLDING.items() if scope != "teachers_secondary"}
    check = report(holding_rows(values))["hierarchy_checks"][0]
    assert (check["left_mean"], check["passed"]) == (None, False)


def _with_pass_rate(valid: int, total: int) -> dict:
    """7 holding rows plus extra valid teachers_only rows at its mean, plus invalid rows: `valid` of `total`."""
    rows = holding_rows()
    rows += [("0100002", "TX", "teachers_only", 20.0, True, "")] * (valid - 7)
    rows += [("0100003", "TX", "teachers_only", 999.0, False, "")] * (total - valid)
    return report(rows)


def test_pass_rate_of_exactly_95_percent_passes() -> None:
    result = _with_pass_rate(19, 20)
    assert (result["totals"]["pass_rate_percent"], result["status"]) == (95.0, "PASS")
    assert _with_pass_rate(1900, 2000)["status"] == "PASS"


def test_pass_rate_just_below_95_percent_fails() -> None:
    result = _with_pass_rate(1899, 2000)
    assert (result["totals"]["pass_rate_percent"], result["status"]) == (94.95, "FAIL")
    assert result["status_reasons"] == ["pass rate 94.95% is below 95%"]


def test_no_calculations_fail() -> None:
    result = report([])
    assert result["status"] == "FAIL" and result["totals"]["pass_rate"] is None
    assert result["status_reasons"][0] == "no calculations"


# --- outliers and coverage ----------------------------------------------------------------------------------------


def test_outliers_are_valid_rows_below_5_or_above_200() -> None:
    rows = [
        ("0100001", "TX", "teachers_only", 4.99, True, ""),
        ("0100002", "TX", "teachers_only", 5.0, True, ""),
        ("0100003", "CA", "all", 200.0, True, ""),
        ("0100004", "CA", "all", 200.01, True, ""),
        ("0100005", "CA", "all", 1.0, False, ""),
        ("0100006", "CA", "all", 400.0, False, ""),
    ]
    outliers = report(rows)["outliers"]
    assert (outliers["count"], outliers["low"], outliers["high"]) == (2, 1, 1)
    assert outliers["rows"] == [
        {
            "district_id": "0100001",
            "district_name": "District 0100001",
            "state": "TX",
            "staff_scope": "teachers_only",
            "lct_value": 4.99,
            "kind": "low",
        },
        {
            "district_id": "0100004",
            "district_name": "District 0100004",
            "state": "CA",
            "staff_scope": "all",
            "lct_value": 200.01,
            "kind": "high",
        },
    ]


def test_state_coverage_lists_states_with_a_valid_row_and_those_without() -> None:
    rows = [
        ("0100001", "TX", "teachers_only", 20.0, True, ""),
        ("0100002", "AL", "teachers_only", 20.0, True, ""),
        ("0100003", "PR", "teachers_only", 999.0, False, ""),
    ]
    directory = pd.DataFrame({"leaid": ["0100004"], "lea_name": ["x"], "state": ["GU"]})
    coverage = report(rows, directory=directory)["state_coverage"]
    assert coverage == {"states": ["AL", "TX"], "count": 2, "states_without_valid_rows": ["GU", "PR"]}
    assert report(rows)["state_coverage"]["states_without_valid_rows"] == ["PR"]


# --- the report as a whole, and the dashboards --------------------------------------------------------------------


def test_report_of_a_real_calculation_is_json_serialisable() -> None:
    inputs = make_inputs(District(), District(leaid="0200002", state="DC", in_staff=False))
    result = calculate_lct(**inputs, year=YEAR)
    qa = build_qa_report(
        result.calculations, result.not_calculable, YEAR, lct_full=result.lct_full, directory=inputs["directory"]
    )
    assert json.loads(json.dumps(qa, allow_nan=False)) == qa
    assert qa["state_coverage"]["states_without_valid_rows"] == ["DC"]


def test_console_dashboard_shows_status_pass_rate_checks_outliers_and_coverage() -> None:
    rows = [*holding_rows(HOLDING | {"teachers_secondary": 20.0}), ("0100002", "CA", "all", 250.0, True, "")]
    text = render_console_dashboard(report(rows))
    assert "LCT QA 2023-24: FAIL" in text
    assert "Pass rate: 100.00%" in text
    assert "Hierarchy checks: 5/6" in text
    assert "✗ teachers_secondary < teachers_only  (20.00 < 20.00)" in text
    assert "✓ instructional_plus_support < all  (50.00 < 155.00)" in text
    assert "Outliers: 1 (low < 5: 0, high > 200: 1)" in text
    assert "State coverage: 2 states and territories" in text


def test_markdown_dashboard_has_checks_outliers_coverage_and_the_scope_table() -> None:
    rows = [*holding_rows(), ("0100002", "CA", "teachers_only", 2.5, True, "")]
    text = render_markdown_dashboard(report(rows))
    assert text.startswith("# LCT QA 2023-24: **PASS**")
    assert "| ✓ | teachers_only < teachers_core | 11.25 | 25.00 |" in text
    assert "| scope | count | mean | median | std | min | max |" in text
    assert "| teachers_only | 2 | 11.25 | 11.25 | 12.37 | 2.50 | 20.00 |" in text
    assert "| 0100002 | District 0100002 | CA | teachers_only | 2.50 | low |" in text
    assert "2: CA, TX" in text


def test_the_report_does_not_depend_on_the_order_of_the_rows() -> None:
    """Stored rows come back in another order than a calculation makes them: the report must be bit-identical."""
    rows = [row for n in range(30) for row in holding_rows({k: v + n / 7 for k, v in HOLDING.items()}, f"01{n:05d}")]
    rows += [("0100099", "TX", "all", 250.0, True, ""), ("0100098", "TX", "teachers_only", 4.5, True, "")]
    calculations = frame(rows)
    lct_full = calculations["lct_value"] + 1e-9
    shuffled = calculations.sample(frac=1, random_state=3)
    assert not shuffled.index.equals(calculations.index)
    in_order = build_qa_report(calculations, NO_MISSING, YEAR, lct_full=lct_full)
    assert build_qa_report(shuffled, NO_MISSING, YEAR, lct_full=lct_full.loc[shuffled.index]) == in_order
    assert [r["district_id"] for r in in_order["outliers"]["rows"]] == ["0100098", "0100099"]
