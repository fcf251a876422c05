"""calculate_lct on crafted districts: bands, scope FTE, minutes weighting, sources, validity, flags, reasons, output.

Every expected number is worked out by hand in the test. `make_inputs` builds the five input frames from a few
`District`s; the state requirements are crafted (not the real statutory values) so each level differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from lct_pipelines.lct.calculate import (
    CONTRACT_COLUMNS,
    CONTRACT_DTYPES,
    DISTRICT_FRAME_COLUMNS,
    build_district_frame,
    calculate_lct,
)

YEAR = "2023-24"
LEAID = "0100001"
ALL_SCOPES = [
    "teachers_only",
    "teachers_core",
    "instructional",
    "instructional_plus_support",
    "all",
    "teachers_elementary",
    "teachers_secondary",
]
GRADES = ["prek", "kg", *(f"g{i}" for i in range(1, 14)), "ungraded", "adult_ed"]

# Crafted statutory minutes: CA differs per level, TX is flat, DC (like the territories) has no row.
STATE_REQUIREMENTS = pd.DataFrame(
    {
        "state": ["CA", "TX", "ZZ"],
        "elementary_minutes": [280.0, 300.0, 0.0],
        "middle_minutes": [300.0, 300.0, np.nan],
        "high_minutes": [360.0, 300.0, 200.0],
    }
)

# One distinct FTE per category: a wrong category set in a scope gives a different sum.
CATEGORY_FTE = {
    "Pre-kindergarten Teachers": 1000.0,
    "Kindergarten Teachers": 1.0,
    "Elementary Teachers": 2.0,
    "Secondary Teachers": 4.0,
    "Ungraded Teachers": 8.0,
    "Paraprofessionals/Instructional Aides": 16.0,
    "Instructional Coordinators and Supervisors to the Staff": 32.0,
    "Librarians/media specialists": 64.0,
    "Library/Media Support Staff": 128.0,
    "Elementary School Counselors": 256.0,
    "Secondary School Counselors": 512.0,
    "Other Guidance Counselors": 1024.0,
    "School Psychologists": 2048.0,
    "Student Support Services Staff (w/o Psychology)": 4096.0,
    "LEA Administrators": 8192.0,
    "LEA Administrative Support Staff": 16384.0,
    "School administrators": 32768.0,
    "School Administrative Support Staff": 65536.0,
    "All Other Support Staff": 131072.0,
}


@dataclass
class District:
    leaid: str = LEAID
    state: str = "TX"
    name: str = "Test District"
    grades: dict[str, float] = field(default_factory=lambda: {"g1": 1000.0})
    staff: dict[str, float] = field(default_factory=lambda: {"Elementary Teachers": 50.0})
    in_directory: bool = True
    in_membership: bool = True
    in_staff: bool = True


def make_inputs(
    *districts: District,
    bells: list[tuple[str, str, str, float, str]] = (),  # type: ignore[assignment]
    state_requirements: pd.DataFrame = STATE_REQUIREMENTS,
) -> dict[str, pd.DataFrame]:
    """The five input frames; grades a district does not list are NaN (not reported)."""
    directory = pd.DataFrame(
        [(d.leaid, d.name, d.state) for d in districts if d.in_directory], columns=["leaid", "lea_name", "state"]
    )
    enrollment = pd.DataFrame(
        [{"leaid": d.leaid, **{g: d.grades.get(g, np.nan) for g in GRADES}} for d in districts if d.in_membership],
        columns=["leaid", *GRADES],
    ).astype({g: "float64" for g in GRADES})
    staff = pd.DataFrame(
        [(d.leaid, c, fte) for d in districts if d.in_staff for c, fte in d.staff.items()],
        columns=["leaid", "category", "fte"],
    ).astype({"fte": "float64"})
    bell_schedules = pd.DataFrame(
        list(bells), columns=["leaid", "year", "grade_level", "instructional_minutes", "confidence"]
    ).astype({"instructional_minutes": "float64"})
    return {
        "directory": directory,
        "enrollment": enrollment,
        "staff": staff,
        "state_requirements": state_requirements,
        "bell_schedules": bell_schedules,
    }


def calculate(*districts: District, **kwargs: object) -> pd.DataFrame:
    return calculate_lct(**make_inputs(*districts, **kwargs), year=YEAR).calculations  # type: ignore[arg-type]


def row(calculations: pd.DataFrame, scope: str, leaid: str = LEAID) -> pd.Series:
    rows = calculations[(calculations.district_id == leaid) & (calculations.staff_scope == scope)]
    assert len(rows) == 1, f"no single {scope} row for {leaid}"
    return rows.iloc[0]


def flags(calculations: pd.DataFrame, scope: str, leaid: str = LEAID) -> list[str]:
    text = row(calculations, scope, leaid).qa_flags
    return text.split(";") if text else []


def all_grades(count: float) -> dict[str, float]:
    return {g: count for g in GRADES}


# --- enrollment bands -------------------------------------------------------------------------------------------


def _frame(*districts: District, **kwargs: object) -> pd.Series:
    frame = build_district_frame(**make_inputs(*districts, **kwargs))  # type: ignore[arg-type]
    return frame.set_index("leaid").loc[LEAID]


def _distinct_grades() -> dict[str, float]:
    # prek=1, kg=2, g1=4, ... each grade a distinct power of two, so any wrong grade set shows.
    return {g: float(2**i) for i, g in enumerate(GRADES)}


def test_k12_band_is_kg_through_g12_without_prek_g13_ungraded_or_adult_ed() -> None:
    bands = _frame(District(grades=_distinct_grades()))
    assert bands.enrollment_k12 == 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024 + 2048 + 4096 + 8192


def test_elementary_band_is_kg_through_g5() -> None:
    assert _frame(District(grades=_distinct_grades())).enrollment_elementary == 2 + 4 + 8 + 16 + 32 + 64


def test_middle_band_is_g6_through_g8() -> None:
    assert _frame(District(grades=_distinct_grades())).enrollment_middle == 128 + 256 + 512


def test_high_band_is_g9_through_g12() -> None:
    assert _frame(District(grades=_distinct_grades())).enrollment_high == 1024 + 2048 + 4096 + 8192


def test_secondary_band_is_middle_plus_high() -> None:
    assert (
        _frame(District(grades=_distinct_grades())).enrollment_secondary == 128 + 256 + 512 + 1024 + 2048 + 4096 + 8192
    )


def test_unreported_grades_count_as_zero() -> None:
    bands = _frame(District(grades={"g1": 10.0, "g2": np.nan, "g7": 5.0}))
    assert (bands.enrollment_k12, bands.enrollment_elementary, bands.enrollment_middle) == (15.0, 10.0, 5.0)


def test_prek_g13_ungraded_and_adult_ed_alone_give_zero_k12() -> None:
    bands = _frame(District(grades={"prek": 100.0, "g13": 100.0, "ungraded": 100.0, "adult_ed": 100.0}))
    assert bands.enrollment_k12 == 0.0


# --- staff FTE per scope (one test per scope; see CATEGORY_FTE) ------------------------------------------------


def _scope_staff(scope: str) -> float:
    return float(_frame(District(staff=CATEGORY_FTE))[f"staff_{scope}"])


def test_teachers_only_counts_kindergarten_elementary_and_secondary_teachers() -> None:
    assert _scope_staff("teachers_only") == 1 + 2 + 4


def test_teachers_core_adds_ungraded_teachers() -> None:
    assert _scope_staff("teachers_core") == 1 + 2 + 4 + 8


def test_instructional_adds_paras_coordinators_librarians_and_library_support() -> None:
    assert _scope_staff("instructional") == 1 + 2 + 4 + 8 + 16 + 32 + 64 + 128


def test_instructional_plus_support_adds_counselors_psychologists_and_student_support() -> None:
    assert (
        _scope_staff("instructional_plus_support")
        == 1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024 + 2048 + 4096
    )


def test_all_counts_every_category_except_prek_teachers() -> None:
    assert _scope_staff("all") == 2**18 - 1


def test_teachers_elementary_counts_kindergarten_and_elementary_teachers() -> None:
    assert _scope_staff("teachers_elementary") == 1 + 2


def test_teachers_secondary_counts_secondary_teachers() -> None:
    assert _scope_staff("teachers_secondary") == 4


def test_unreported_fte_counts_as_zero() -> None:
    staff = {"Kindergarten Teachers": np.nan, "Elementary Teachers": 3.0, "Ungraded Teachers": np.nan}
    frame = _frame(District(staff=staff))
    assert (frame.staff_teachers_only, frame.staff_teachers_core) == (3.0, 3.0)


# --- minutes weighting and source --------------------------------------------------------------------------------

# 60 elementary (kg..g5 = 10 each), 30 middle, 40 high students.
K12_GRADES = {g: 10.0 for g in ["kg", *(f"g{i}" for i in range(1, 13))]}
BOTH_LEVEL_STAFF = {"Elementary Teachers": 4.0, "Secondary Teachers": 3.0}


def test_base_scopes_use_enrollment_weighted_minutes_of_the_three_levels() -> None:
    calculations = calculate(District(state="CA", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF))
    minutes = (280 * 60 + 300 * 30 + 360 * 40) / 130  # 309.230769...
    for scope in ALL_SCOPES[:5]:
        assert row(calculations, scope).instructional_minutes == 309.23
    assert row(calculations, "teachers_only").lct_value == round(minutes * 7 / 130, 2) == 16.65


def test_teachers_elementary_uses_the_elementary_minutes() -> None:
    calculations = calculate(District(state="CA", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF))
    assert row(calculations, "teachers_elementary").instructional_minutes == 280.0
    assert row(calculations, "teachers_elementary").lct_value == round(280 * 4 / 60, 2) == 18.67


def test_teachers_secondary_uses_middle_and_high_minutes_weighted_by_their_enrollment() -> None:
    calculations = calculate(District(state="CA", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF))
    minutes = (300 * 30 + 360 * 40) / 70  # 334.2857...
    assert row(calculations, "teachers_secondary").instructional_minutes == 334.29
    assert row(calculations, "teachers_secondary").lct_value == round(minutes * 3 / 70, 2) == 14.33


def test_a_level_without_students_carries_no_weight() -> None:
    # K-8 district in CA: high minutes (360) must not pull the base scopes' minutes.
    grades = {g: 10.0 for g in ["kg", *(f"g{i}" for i in range(1, 9))]}
    calculations = calculate(District(state="CA", grades=grades, staff=BOTH_LEVEL_STAFF))
    assert row(calculations, "teachers_only").instructional_minutes == round((280 * 60 + 300 * 30) / 90, 2) == 286.67
    assert row(calculations, "teachers_secondary").instructional_minutes == 300.0


def test_source_is_the_single_source_when_all_used_levels_share_it() -> None:
    calculations = calculate(District(state="CA", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF))
    assert set(calculations.instructional_minutes_source) == {"state_requirement"}


def test_source_is_mixed_when_used_levels_have_different_sources() -> None:
    bells = [(LEAID, "2024-25", "elementary", 400.0, "high")]
    calculations = calculate(District(state="CA", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF), bells=bells)
    assert row(calculations, "teachers_only").instructional_minutes_source == "mixed"
    assert row(calculations, "teachers_only").instructional_minutes == round((400 * 60 + 300 * 30 + 360 * 40) / 130, 2)
    assert row(calculations, "teachers_only").instructional_minutes == 364.62
    assert row(calculations, "teachers_elementary").instructional_minutes_source == "bell_schedule"
    assert row(calculations, "teachers_secondary").instructional_minutes_source == "state_requirement"


def test_source_ignores_a_level_without_students() -> None:
    """Elementary-only district: bell schedule for elementary, state minutes elsewhere -> bell_schedule."""
    grades = {g: 10.0 for g in ["kg", "g1", "g2", "g3", "g4", "g5"]}
    bells = [(LEAID, "2024-25", "elementary", 390.0, "high")]
    calculations = calculate(District(state="CA", grades=grades, staff={"Elementary Teachers": 3.0}), bells=bells)
    assert row(calculations, "teachers_only").instructional_minutes_source == "bell_schedule"
    assert row(calculations, "teachers_only").instructional_minutes == 390.0


def test_default_minutes_for_a_district_in_a_state_without_requirements() -> None:
    calculations = calculate(District(state="DC", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF))
    assert set(calculations.instructional_minutes_source) == {"default"}
    assert set(calculations.instructional_minutes) == {300.0}


# --- validity ---------------------------------------------------------------------------------------------------


def _single(minutes: float, staff: float, students: float) -> pd.Series:
    """teachers_only of a one-grade district whose three levels all have `minutes` (bell schedules)."""
    bells = [(LEAID, "2024-25", level, minutes, "high") for level in ("elementary", "middle", "high")]
    calculations = calculate(District(grades={"g1": students}, staff={"Elementary Teachers": staff}), bells=bells)
    return row(calculations, "teachers_only")


def test_lct_just_above_zero_is_valid() -> None:
    calculation = _single(300.0, 0.01, 100.0)
    assert (calculation.lct_value, calculation.is_valid) == (0.03, True)


def test_lct_that_rounds_to_zero_is_still_valid() -> None:
    """300 x 0.01 / 100,000 = 0.00003: exported as 0.0, valid because validity uses full precision."""
    calculation = _single(300.0, 0.01, 100_000.0)
    assert (calculation.lct_value, calculation.is_valid) == (0.0, True)


def test_lct_of_exactly_360_is_valid() -> None:
    calculation = _single(360.0, 100.0, 100.0)
    assert (calculation.lct_value, calculation.is_valid) == (360.0, True)


def test_lct_of_360_01_is_invalid() -> None:
    calculation = _single(360.01, 100.0, 100.0)
    assert (calculation.lct_value, calculation.is_valid) == (360.01, False)


def test_validity_uses_the_unrounded_lct() -> None:
    calculation = _single(360.004, 100.0, 100.0)
    assert (calculation.lct_value, calculation.is_valid) == (360.0, False)


def test_staff_equal_to_enrollment_is_valid() -> None:
    calculation = _single(100.0, 100.0, 100.0)
    assert (calculation.staff_count, calculation.enrollment, calculation.is_valid) == (100.0, 100, True)


def test_staff_above_enrollment_is_invalid() -> None:
    calculation = _single(100.0, 100.01, 100.0)
    assert (calculation.lct_value, calculation.is_valid) == (100.01, False)


# --- flags ------------------------------------------------------------------------------------------------------


def test_flat_staff_is_flagged_on_every_row_when_the_five_base_scopes_match() -> None:
    staff = {"Elementary Teachers": 30.0, "Secondary Teachers": 20.0, "Paraprofessionals/Instructional Aides": 0.0}
    calculations = calculate(District(grades=K12_GRADES | {"g1": 500.0}, staff=staff))
    assert len(calculations) == 7
    assert all("ERR_FLAT_STAFF" in f.split(";") for f in calculations.qa_flags)


def test_flat_staff_is_not_flagged_when_any_other_category_has_fte() -> None:
    staff = {"Elementary Teachers": 30.0, "Secondary Teachers": 20.0, "All Other Support Staff": 0.01}
    calculations = calculate(District(grades=K12_GRADES | {"g1": 500.0}, staff=staff))
    assert not any("ERR_FLAT_STAFF" in f for f in calculations.qa_flags)


def _ratio_district(elementary_teachers: float) -> pd.DataFrame:
    # 1000 elementary students; paraprofessionals push the instructional scopes above a ratio of 0.5.
    staff = {"Elementary Teachers": elementary_teachers, "Paraprofessionals/Instructional Aides": 100.0}
    return calculate(District(state="DC", grades={"g1": 1000.0}, staff=staff))


def test_impossible_ssr_is_not_flagged_at_a_ratio_of_exactly_half() -> None:
    calculations = _ratio_district(500.0)
    assert "ERR_IMPOSSIBLE_SSR" not in flags(calculations, "teachers_only")
    assert "ERR_IMPOSSIBLE_SSR" not in flags(calculations, "teachers_elementary")


def test_impossible_ssr_is_flagged_above_half_on_each_scope_that_exceeds_it() -> None:
    calculations = _ratio_district(500.1)
    assert "ERR_IMPOSSIBLE_SSR" in flags(calculations, "teachers_only")
    assert "ERR_IMPOSSIBLE_SSR" in flags(_ratio_district(500.0), "instructional")  # 600 / 1000 on its own row


def test_volatile_is_flagged_on_every_row_below_50_k12_students() -> None:
    grades = {"prek": 100.0, "g1": 25.0, "g9": 24.0}
    calculations = calculate(District(grades=grades, staff=BOTH_LEVEL_STAFF))
    assert len(calculations) == 7
    assert all("ERR_VOLATILE" in f.split(";") for f in calculations.qa_flags)


def test_volatile_is_not_flagged_at_50_k12_students() -> None:
    calculations = calculate(District(grades={"g1": 25.0, "g9": 25.0}, staff=BOTH_LEVEL_STAFF))
    assert not any("ERR_VOLATILE" in f for f in calculations.qa_flags)


def test_low_lct_is_flagged_below_5() -> None:
    # 300 default minutes x 4.99 / 300 students = 4.99
    calculations = calculate(District(state="DC", grades={"g1": 300.0}, staff={"Elementary Teachers": 4.99}))
    assert row(calculations, "teachers_only").lct_value == 4.99
    assert "WARN_LCT_LOW" in flags(calculations, "teachers_only")
    assert "WARN_LCT_LOW" in flags(calculations, "teachers_elementary")


def test_low_lct_is_not_flagged_at_5() -> None:
    calculations = calculate(District(state="DC", grades={"g1": 300.0}, staff={"Elementary Teachers": 5.0}))
    assert row(calculations, "teachers_only").lct_value == 5.0
    assert "WARN_LCT_LOW" not in flags(calculations, "teachers_only")


def test_low_lct_flag_uses_the_unrounded_lct() -> None:
    # 300 x 4.998 / 300 = 4.998, exported as 5.0 but still below 5.
    calculations = calculate(District(state="DC", grades={"g1": 300.0}, staff={"Elementary Teachers": 4.998}))
    assert row(calculations, "teachers_only").lct_value == 5.0
    assert "WARN_LCT_LOW" in flags(calculations, "teachers_only")


def test_high_lct_is_not_flagged_at_120() -> None:
    # 300 default minutes x 1200 / 3000 = 120
    calculations = calculate(District(state="DC", grades={"g1": 3000.0}, staff={"Elementary Teachers": 1200.0}))
    assert row(calculations, "teachers_only").lct_value == 120.0
    assert "WARN_LCT_HIGH" not in flags(calculations, "teachers_only")


def test_high_lct_is_flagged_above_120_on_the_teachers_only_row_only() -> None:
    calculations = calculate(District(state="DC", grades={"g1": 3000.0}, staff={"Elementary Teachers": 1200.1}))
    assert row(calculations, "teachers_only").lct_value == 120.01
    assert "WARN_LCT_HIGH" in flags(calculations, "teachers_only")
    assert row(calculations, "teachers_elementary").lct_value == 120.01
    assert "WARN_LCT_HIGH" not in flags(calculations, "teachers_elementary")
    assert "WARN_LCT_HIGH" not in flags(calculations, "teachers_core")


@pytest.mark.parametrize(
    ("grades", "staff"),
    [
        pytest.param({"g9": 100.0}, {"Elementary Teachers": 3.0, "Secondary Teachers": 5.0}, id="elementary-teachers"),
        pytest.param({"g1": 100.0, "g9": 100.0}, {"Secondary Teachers": 5.0}, id="elementary-students"),
        pytest.param({"g1": 100.0}, {"Elementary Teachers": 3.0, "Secondary Teachers": 1.0}, id="secondary-teachers"),
        pytest.param({"g1": 100.0, "g9": 100.0}, {"Kindergarten Teachers": 5.0}, id="secondary-students"),
    ],
)
def test_level_mismatch_is_flagged_on_the_teachers_only_row_only(grades: dict, staff: dict) -> None:
    calculations = calculate(District(grades=grades, staff=staff))
    assert "LEVEL_MISMATCH" in flags(calculations, "teachers_only")
    assert not any("LEVEL_MISMATCH" in f for f in calculations[calculations.staff_scope != "teachers_only"].qa_flags)


def test_level_mismatch_is_not_flagged_when_teachers_and_students_match_at_both_levels() -> None:
    calculations = calculate(District(grades={"g1": 100.0, "g9": 100.0}, staff=BOTH_LEVEL_STAFF))
    assert "LEVEL_MISMATCH" not in flags(calculations, "teachers_only")


def test_teachers_only_flags_are_lost_when_the_district_has_no_teachers_only_row() -> None:
    """Only ungraded teachers: LEVEL_MISMATCH holds, but there is no teachers_only row to carry it."""
    calculations = calculate(District(grades={"g1": 100.0}, staff={"Ungraded Teachers": 5.0}))
    assert "teachers_only" not in set(calculations.staff_scope)
    assert not any("LEVEL_MISMATCH" in f for f in calculations.qa_flags)


def test_flags_follow_the_methodology_table_order() -> None:
    # 40 students, only teachers (flat), 30 of them: ratio 0.75, lct 225 on teachers_only, no secondary students.
    calculations = calculate(District(state="DC", grades={"g1": 40.0}, staff={"Secondary Teachers": 30.0}))
    assert row(calculations, "teachers_only").qa_flags == (
        "ERR_FLAT_STAFF;ERR_IMPOSSIBLE_SSR;ERR_VOLATILE;WARN_LCT_HIGH;LEVEL_MISMATCH"
    )


def test_a_row_without_flags_has_an_empty_string() -> None:
    calculations = calculate(
        District(grades=K12_GRADES | {"g1": 500.0}, staff=CATEGORY_FTE | {"Elementary Teachers": 30.0})
    )
    assert row(calculations, "teachers_core").qa_flags == ""


# --- whether a calculation exists, and why not -------------------------------------------------------------------


def _result(*districts: District) -> tuple[pd.DataFrame, pd.DataFrame]:
    result = calculate_lct(**make_inputs(*districts), year=YEAR)
    return result.calculations, result.not_calculable


def _reasons(not_calculable: pd.DataFrame, leaid: str = LEAID) -> dict[str, str]:
    rows = not_calculable[not_calculable.district_id == leaid]
    return dict(zip(rows.staff_scope, rows.reason, strict=True))


def test_a_district_outside_the_directory_is_not_calculable() -> None:
    calculations, missing = _result(District(in_directory=False))
    assert calculations.empty
    assert _reasons(missing) == dict.fromkeys(ALL_SCOPES, "not_in_directory")


def test_a_district_without_membership_is_not_calculable() -> None:
    calculations, missing = _result(District(in_membership=False))
    assert calculations.empty
    assert _reasons(missing) == dict.fromkeys(ALL_SCOPES, "no_membership")


def test_a_district_without_staff_rows_is_not_calculable() -> None:
    calculations, missing = _result(District(in_staff=False))
    assert calculations.empty
    assert _reasons(missing) == dict.fromkeys(ALL_SCOPES, "no_staff")


def test_the_first_applicable_reason_wins() -> None:
    _, missing = _result(
        District(in_directory=False, in_membership=False),
        District(leaid="0100002", in_membership=False, in_staff=False),
    )
    assert _reasons(missing) == dict.fromkeys(ALL_SCOPES, "not_in_directory")
    assert _reasons(missing, "0100002") == dict.fromkeys(ALL_SCOPES, "no_membership")


def test_scopes_without_students_or_staff_are_not_calculable_with_the_reason() -> None:
    # Elementary students only; elementary teachers and a counselor, no ungraded or secondary teachers.
    staff = {"Elementary Teachers": 5.0, "Elementary School Counselors": 1.0}
    calculations, missing = _result(District(grades={"g1": 100.0}, staff=staff))
    assert list(calculations.staff_scope) == ALL_SCOPES[:6]
    assert _reasons(missing) == {"teachers_secondary": "zero_enrollment"}


def test_zero_staff_reason_when_the_scope_has_students_but_no_fte() -> None:
    calculations, missing = _result(District(grades={"g1": 100.0, "g9": 100.0}, staff={"Elementary Teachers": 5.0}))
    assert _reasons(missing) == {"teachers_secondary": "zero_staff"}
    assert "teachers_secondary" not in set(calculations.staff_scope)


def test_zero_enrollment_comes_before_zero_staff() -> None:
    _, missing = _result(District(grades={"prek": 40.0}, staff={"Pre-kindergarten Teachers": 3.0}))
    assert _reasons(missing) == dict.fromkeys(ALL_SCOPES, "zero_enrollment")


def test_staff_rows_that_are_all_unreported_mean_zero_staff() -> None:
    _, missing = _result(District(grades={"g1": 100.0}, staff={"Elementary Teachers": np.nan}))
    assert _reasons(missing)["teachers_only"] == "zero_staff"


def test_districts_come_from_all_three_inputs_and_are_sorted() -> None:
    calculations, missing = _result(
        District(leaid="0300003"),
        District(leaid="0100001", in_directory=False),
        District(leaid="0200002", in_staff=False),
    )
    assert list(calculations.district_id.unique()) == ["0300003"]
    assert list(missing.district_id.unique()) == ["0100001", "0200002", "0300003"]
    assert list(missing.columns) == ["district_id", "staff_scope", "reason"]


# --- output -------------------------------------------------------------------------------------------------------


def test_output_has_exactly_the_contract_columns_in_order_and_dtypes() -> None:
    calculations = calculate(District(grades=K12_GRADES, staff=CATEGORY_FTE))
    assert (
        tuple(calculations.columns)
        == CONTRACT_COLUMNS
        == (
            "district_id",
            "district_name",
            "state",
            "year",
            "staff_scope",
            "staff_count",
            "enrollment",
            "enrollment_type",
            "instructional_minutes",
            "instructional_minutes_source",
            "lct_value",
            "is_valid",
            "qa_flags",
        )
    )
    assert {c: str(t) for c, t in calculations.dtypes.items()} == CONTRACT_DTYPES
    assert CONTRACT_DTYPES["enrollment"] == "int64" and CONTRACT_DTYPES["is_valid"] == "bool"


def test_empty_inputs_give_empty_frames_with_the_contract_dtypes() -> None:
    result = calculate_lct(**make_inputs(), year=YEAR)
    assert result.calculations.empty and result.not_calculable.empty and result.lct_full.empty
    assert {c: str(t) for c, t in result.calculations.dtypes.items()} == CONTRACT_DTYPES


def test_rows_are_sorted_by_district_then_scope_order() -> None:
    calculations = calculate(
        District(leaid="0200002", grades=K12_GRADES, staff=CATEGORY_FTE),
        District(grades=K12_GRADES, staff=CATEGORY_FTE),
    )
    assert list(calculations.district_id) == ["0100001"] * 7 + ["0200002"] * 7
    assert list(calculations.staff_scope) == ALL_SCOPES * 2
    assert list(calculations.enrollment_type) == (["k12"] * 5 + ["elementary", "secondary"]) * 2


def test_row_carries_district_identity_year_and_counts() -> None:
    calculation = row(
        calculate(District(name="Springfield", state="CA", grades=K12_GRADES, staff=BOTH_LEVEL_STAFF)), "all"
    )
    assert (calculation.district_id, calculation.district_name, calculation.state, calculation.year) == (
        LEAID,
        "Springfield",
        "CA",
        YEAR,
    )
    assert (calculation.staff_count, calculation.enrollment, calculation.enrollment_type) == (7.0, 130, "k12")


def test_lct_and_minutes_are_rounded_on_output_only() -> None:
    # CA weighted minutes 309.2307..., staff 3.333: lct = 309.2307... x 3.333 / 130
    result = calculate_lct(
        **make_inputs(District(state="CA", grades=K12_GRADES, staff={"Elementary Teachers": 3.333})), year=YEAR
    )
    minutes = (280 * 60 + 300 * 30 + 360 * 40) / 130
    calculation = result.calculations.iloc[0]
    assert calculation.staff_count == 3.333
    assert calculation.instructional_minutes == 309.23
    assert calculation.lct_value == round(minutes * 3.333 / 130, 2) == 7.93
    assert result.lct_full.iloc[0] == pytest.approx(minutes * 3.333 / 130, rel=1e-15)
    assert result.lct_full.iloc[0] != calculation.lct_value
    assert result.lct_full.index.equals(result.calculations.index)


def test_district_frame_has_one_row_per_district_with_its_inputs() -> None:
    inputs = make_inputs(
        District(state="CA", grades=K12_GRADES, staff=CATEGORY_FTE), District(leaid="0200002", in_directory=False)
    )
    frame = build_district_frame(**inputs)
    assert tuple(frame.columns) == DISTRICT_FRAME_COLUMNS
    assert list(frame.leaid) == [LEAID, "0200002"]
    first = frame.iloc[0]
    assert (first.lea_name, first.state, first.in_directory, first.in_membership, first.in_staff) == (
        "Test District",
        "CA",
        True,
        True,
        True,
    )
    assert (first.minutes_elementary, first.minutes_middle, first.minutes_high) == (280.0, 300.0, 360.0)
    assert first.source_high == "state_requirement"
    assert pd.isna(frame.iloc[1].state) and not frame.iloc[1].in_directory


# --- input errors ---------------------------------------------------------------------------------------------------


def test_unknown_staff_category_raises() -> None:
    with pytest.raises(ValueError, match="Teachers"):
        calculate(District(staff={"Teachers": 5.0}))


def test_duplicate_staff_rows_raise() -> None:
    inputs = make_inputs(District())
    inputs["staff"] = pd.concat([inputs["staff"], inputs["staff"]], ignore_index=True)
    with pytest.raises(ValueError, match="duplicate"):
        calculate_lct(**inputs, year=YEAR)


def test_duplicate_directory_rows_raise() -> None:
    inputs = make_inputs(District())
    inputs["directory"] = pd.concat([inputs["directory"], inputs["directory"]], ignore_index=True)
    with pytest.raises(ValueError, match="directory has duplicate leaids"):
        calculate_lct(**inputs, year=YEAR)


def test_negative_counts_raise() -> None:
    with pytest.raises(ValueError, match="negative"):
        calculate(District(grades={"g1": -1.0}))


def test_leaid_must_have_seven_characters() -> None:
    with pytest.raises(ValueError, match="7 characters"):
        calculate(District(leaid="100001"))


def test_year_must_look_like_a_school_year() -> None:
    with pytest.raises(ValueError, match="year"):
        calculate_lct(**make_inputs(District()), year="2023")
