"""LCT for every district and scope of one school year: the district frame, the calculations, what is not calculable.

    LCT = daily instructional minutes x staff FTE / students

`build_district_frame` turns the five inputs into one row per district (bands, the seven scope FTE sums, minutes
and sources per level). That row is everything the calculation reads, so a fingerprint over it (plus the year)
decides whether a district's calculations can change. `calculate_from_district_frame` turns that frame into the
export-contract rows with column arithmetic over all districts at once (an (n_districts x 7) grid, flattened
district-major), and `calculate_lct` chains the two.

Full precision vs output: validity, flags and QA statistics use the unrounded LCT. The contract's `lct_value` is
rounded to 2 decimals, so the unrounded values travel beside the frame as `CalculationResult.lct_full` (a float64
Series on the same index as `calculations`) instead of as an extra column: `calculations` stays exactly the export
contract and can be written as is, while `qa.build_qa_report(..., lct_full=result.lct_full)` gets full precision.

Decisions
---------
- Inputs: NaN (not reported) grade counts and staff FTE count as 0 in every sum. A district is "in" the membership
  or staff data when it has at least one row there, whatever the values; a district whose staff rows are all NaN
  is therefore `zero_staff`, not `no_staff`.
- Districts are the union of the directory, membership and staff leaids. Bell schedules and state requirements
  never add districts.
- Input errors raise ValueError instead of being guessed around: missing columns, a missing or non-7-character
  leaid, a duplicate leaid in directory or membership, a duplicate (leaid, category) in staff, a staff category
  outside the 19 NCES detail categories, a negative count or FTE (CCD's negative codes must become NaN on import),
  a year not like `2023-24`.
- Not calculable: one row per (district, scope) without a calculation. Reasons, first applicable wins:
  `not_in_directory`, `no_membership`, `no_staff` (the district level, students before staff), then
  `zero_enrollment` (the scope's enrollment is 0), then `zero_staff` (the scope's FTE is 0). The scope's students
  come before its staff: with no students there is nothing to measure whatever the staff, which is also what
  describes a closed district (no students, no staff) or a high-school district's `teachers_elementary`.
- Minutes of a scope: the enrollment-weighted mean over the levels of its enrollment type (k12: elementary, middle,
  high; elementary: elementary; secondary: middle, high). When all the used levels (weight > 0) have the same
  minutes, the scope gets exactly that value, with no floating-point drift from the weighting. A k12 scope always
  has a used level (k12 = elementary + middle + high > 0), so the mean is always defined where a calculation exists.
- `instructional_minutes_source`: the common source of the used levels, else `mixed`.
- Validity and flags use the unrounded LCT, minutes, FTE and enrollment. `lct_value > 0` always holds for an
  existing calculation (FTE > 0, enrollment > 0, minutes > 0 by construction); the check is kept as the doc states.
- Output: `lct_value` and `instructional_minutes` are rounded to 2 decimals with numpy's `round` (what pandas'
  `.round(2)` does: x 100, round half to even, / 100). At a value that prints as an exact .xx5 it can differ in the
  last digit from Python's `round()`, which rounds the exact binary value; the choice is fixed so reruns and
  reference checks agree. A tiny LCT can therefore export as 0.0 while valid (validity uses the unrounded value).
  `staff_count` is the FTE sum, unrounded. `enrollment` is int64: CCD counts are whole, so the sum is
  exact; a fractional sum (not expected) is used as is in the calculation and rounded to the nearest integer
  only in the export.
- `qa_flags` lists flags in the methodology table's order: ERR_FLAT_STAFF, ERR_IMPOSSIBLE_SSR, ERR_VOLATILE,
  WARN_LCT_LOW, WARN_LCT_HIGH, LEVEL_MISMATCH; `''` when none.
- District flags (ERR_FLAT_STAFF, ERR_VOLATILE) go on every calculation of the district, the
  teachers_elementary and teachers_secondary rows included; ERR_VOLATILE always tests enrollment_k12.
  WARN_LCT_HIGH and LEVEL_MISMATCH go only on the teachers_only row; a district without a teachers_only
  calculation has no row to carry them, and they are not recorded elsewhere.
- Thresholds are applied exactly as the table states them, strict where it says < or >: ERR_IMPOSSIBLE_SSR when
  staff / enrollment > 0.5 (0.5 itself is not flagged), ERR_VOLATILE when enrollment_k12 < 50, WARN_LCT_LOW when
  LCT < 5, WARN_LCT_HIGH when LCT > 120. LEVEL_MISMATCH: (K + Elementary Teachers > 0) differs from
  (enrollment_elementary > 0), or (Secondary Teachers > 0) differs from (enrollment_secondary > 0).
- ERR_FLAT_STAFF compares the five base FTE sums exactly (see `scopes`: sums built in one canonical order, so
  categories with no FTE leave them bit-identical).
- Rows are sorted by district_id (string order), then by the scope order of the methodology.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lct_pipelines.lct.minutes import (
    LEVEL_SOURCES,
    MINUTES_COLUMNS,
    MINUTES_SOURCES,
    SOURCE_COLUMNS,
    SOURCE_MIXED,
    resolve_minutes,
)
from lct_pipelines.lct.scopes import (
    BAND_COLUMNS,
    BANDS,
    BASE_SCOPE_NAMES,
    ENROLLMENT_ELEMENTARY,
    ENROLLMENT_K12,
    ENROLLMENT_SECONDARY,
    ENROLLMENT_TYPE_LEVELS,
    ENROLLMENT_TYPES,
    ERR_FLAT_STAFF,
    ERR_IMPOSSIBLE_SSR,
    ERR_VOLATILE,
    FLAG_SEPARATOR,
    FLAGS,
    GRADE_COLUMNS,
    LEVEL_MISMATCH,
    LEVEL_WEIGHT_BAND,
    NOT_CALCULABLE_REASONS,
    REASON_NO_MEMBERSHIP,
    REASON_NO_STAFF,
    REASON_NOT_IN_DIRECTORY,
    REASON_ZERO_ENROLLMENT,
    REASON_ZERO_STAFF,
    SCOPE_NAMES,
    SCOPES,
    STAFF_CATEGORIES,
    STAFF_COLUMNS,
    TEACHERS_ELEMENTARY,
    TEACHERS_ONLY,
    TEACHERS_SECONDARY,
    WARN_LCT_HIGH,
    WARN_LCT_LOW,
    positions_in,
    require_columns,
)

CONTRACT_DTYPES: dict[str, str] = {
    "district_id": "str",
    "district_name": "str",
    "state": "str",
    "year": "str",
    "staff_scope": "str",
    "staff_count": "float64",
    "enrollment": "int64",
    "enrollment_type": "str",
    "instructional_minutes": "float64",
    "instructional_minutes_source": "str",
    "lct_value": "float64",
    "is_valid": "bool",
    "qa_flags": "str",
}
CONTRACT_COLUMNS: tuple[str, ...] = tuple(CONTRACT_DTYPES)
NOT_CALCULABLE_COLUMNS: tuple[str, ...] = ("district_id", "staff_scope", "reason")

DISTRICT_FRAME_COLUMNS: tuple[str, ...] = (
    "leaid",
    "lea_name",
    "state",
    "in_directory",
    "in_membership",
    "in_staff",
    *BAND_COLUMNS,
    *STAFF_COLUMNS,
    *MINUTES_COLUMNS,
    *SOURCE_COLUMNS,
)

MAX_VALID_LCT = 360.0
IMPOSSIBLE_SSR = 0.5  # staff / enrollment above this is flagged
VOLATILE_ENROLLMENT = 50  # enrollment_k12 below this is flagged
LOW_LCT = 5.0  # lct_value below this is flagged
HIGH_TEACHERS_ONLY_LCT = 120.0  # teachers_only lct_value above this is flagged
OUTPUT_DECIMALS = 2

_YEAR = re.compile(r"^\d{4}-\d{2}$")
_N_SCOPES = len(SCOPES)
_SCOPE_INDEX = {name: i for i, name in enumerate(SCOPE_NAMES)}
_FLAG_BIT = {flag: 1 << i for i, flag in enumerate(FLAGS)}
# qa_flags text for every combination of flags, indexed by the bit mask.
_FLAG_TEXT = pd.array(
    [FLAG_SEPARATOR.join(f for f in FLAGS if mask & _FLAG_BIT[f]) for mask in range(1 << len(FLAGS))], dtype="str"
)
_MIXED_CODE = MINUTES_SOURCES.index(SOURCE_MIXED)
_REASON_CODE = {reason: i for i, reason in enumerate(NOT_CALCULABLE_REASONS)}


@dataclass(frozen=True)
class CalculationResult:
    """One school year's calculations.

    - `calculations`: the export contract (`CONTRACT_COLUMNS`, `CONTRACT_DTYPES`), RangeIndex.
    - `lct_full`: the unrounded LCT of each row of `calculations` (same index), for QA statistics.
    - `not_calculable`: `district_id, staff_scope, reason` for every (district, scope) without a calculation.
    - `districts`: the per-district frame the calculation read (`build_district_frame`).
    """

    calculations: pd.DataFrame
    lct_full: pd.Series
    not_calculable: pd.DataFrame
    districts: pd.DataFrame


def _leaids(values: pd.Series, name: str) -> pd.Series:
    ids = values.astype("str").reset_index(drop=True)
    if ids.isna().any():
        raise ValueError(f"{name} has rows without a leaid")
    return ids


def _reject_duplicates(positions: np.ndarray, ids: pd.Index, name: str) -> None:
    counts = np.bincount(positions, minlength=len(ids))
    if counts.size and counts.max() > 1:
        raise ValueError(f"{name} has duplicate leaids {ids[np.flatnonzero(counts > 1)[:10]].tolist()}")


def _non_negative(values: np.ndarray, name: str) -> np.ndarray:
    """NaN -> 0, after checking nothing is negative."""
    if (values < 0).any():
        raise ValueError(f"{name} has negative values (not-reported codes must be NaN)")
    return np.nan_to_num(values, nan=0.0)


def _district_positions(*leaids: pd.Series) -> tuple[pd.Index, list[np.ndarray]]:
    """The sorted union of the leaids, and each input's row positions in it (one hash pass over all rows)."""
    codes, uniques = pd.factorize(pd.concat(leaids, ignore_index=True))
    order = np.asarray(uniques.argsort())
    ids = pd.Index(uniques.take(order), dtype="str", name="leaid")
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    positions = rank[codes]
    bounds = np.cumsum([0, *(len(x) for x in leaids)])
    return ids, [positions[start:stop] for start, stop in itertools.pairwise(bounds)]


def _staff_matrix(staff: pd.DataFrame, district: np.ndarray, ids: pd.Index) -> np.ndarray:
    """FTE as a (category, district) matrix in `STAFF_CATEGORIES` x `ids` order; NaN FTE as 0."""
    n = len(ids)
    category = positions_in(staff["category"], STAFF_CATEGORIES)
    if (category < 0).any():
        unknown = sorted(staff["category"][category < 0].astype("str").fillna("<missing>").unique())
        raise ValueError(f"staff has categories outside the NCES detail categories: {unknown}")
    cell = category * n + district
    counts = np.bincount(cell, minlength=len(STAFF_CATEGORIES) * n)
    if counts.size and counts.max() > 1:
        first = int(np.argmax(counts > 1))
        raise ValueError(
            f"staff has duplicate rows for leaid {ids[first % n]!r}, category {STAFF_CATEGORIES[first // n]!r}"
        )
    fte = _non_negative(staff["fte"].to_numpy(dtype="float64", na_value=np.nan), "staff fte")
    matrix = np.zeros(len(STAFF_CATEGORIES) * n)
    matrix[cell] = fte
    return matrix.reshape(len(STAFF_CATEGORIES), n)


def _grade_matrix(enrollment: pd.DataFrame, positions: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Students per grade aligned to the districts; NaN and absent districts as 0."""
    values = enrollment[list(GRADE_COLUMNS)].to_numpy(dtype="float64", na_value=np.nan)
    values = _non_negative(values, "enrollment")
    grades: dict[str, np.ndarray] = {}
    for j, grade in enumerate(GRADE_COLUMNS):
        column = np.zeros(n)
        column[positions] = values[:, j]
        grades[grade] = column
    return grades


def _ordered_sum(columns: list[np.ndarray], n: int) -> np.ndarray:
    """Sum one column at a time in the given order (see the decision on exact FTE comparisons)."""
    total = np.zeros(n)
    for column in columns:
        total = total + column
    return total


def build_district_frame(
    directory: pd.DataFrame,
    enrollment: pd.DataFrame,
    staff: pd.DataFrame,
    state_requirements: pd.DataFrame,
    bell_schedules: pd.DataFrame,
) -> pd.DataFrame:
    """Everything the calculation reads, one row per district of any of the three NCES inputs, sorted by leaid.

    Columns (`DISTRICT_FRAME_COLUMNS`): `leaid`, `lea_name`, `state` (NaN when not in the directory),
    `in_directory`, `in_membership`, `in_staff` (bool), the five `enrollment_*` bands (float64, 0 when not in the
    membership), `staff_<scope>` for the seven scopes (float64 FTE, 0 when not in the staff data),
    `minutes_elementary|middle|high` (float64) and `source_elementary|middle|high`.
    """
    require_columns(directory, ("leaid", "lea_name", "state"), "directory")
    require_columns(enrollment, ("leaid", *GRADE_COLUMNS), "enrollment")
    require_columns(staff, ("leaid", "category", "fte"), "staff")

    ids, (directory_rows, enrollment_rows, staff_rows) = _district_positions(
        _leaids(directory["leaid"], "directory"),
        _leaids(enrollment["leaid"], "enrollment"),
        _leaids(staff["leaid"], "staff"),
    )
    bad = ids[ids.str.len() != 7]
    if len(bad):
        raise ValueError(f"leaids must have 7 characters: {bad[:10].tolist()}")
    _reject_duplicates(directory_rows, ids, "directory")
    _reject_duplicates(enrollment_rows, ids, "enrollment")
    n = len(ids)

    in_directory = np.zeros(n, dtype=bool)
    in_directory[directory_rows] = True
    in_membership = np.zeros(n, dtype=bool)
    in_membership[enrollment_rows] = True
    in_staff = np.zeros(n, dtype=bool)
    in_staff[staff_rows] = True

    # Row of the directory for each district, -1 when it has none.
    directory_row = np.full(n, -1, dtype="int64")
    directory_row[directory_rows] = np.arange(len(directory_rows))
    lea_name = directory["lea_name"].astype("str").array.take(directory_row, allow_fill=True)
    state = directory["state"].astype("str").array.take(directory_row, allow_fill=True)

    grades = _grade_matrix(enrollment, enrollment_rows, n)
    bands = {band: _ordered_sum([grades[g] for g in BANDS[band]], n) for band in BAND_COLUMNS}

    fte = _staff_matrix(staff, staff_rows, ids)
    category_row = {c: i for i, c in enumerate(STAFF_CATEGORIES)}
    scope_staff = {s.staff_column: _ordered_sum([fte[category_row[c]] for c in s.categories], n) for s in SCOPES}

    leaid = pd.Series(ids, dtype="str")
    minutes = resolve_minutes(pd.DataFrame({"leaid": leaid, "state": state}), state_requirements, bell_schedules)
    frame = pd.DataFrame(
        {
            "leaid": leaid,
            "lea_name": lea_name,
            "state": state,
            "in_directory": in_directory,
            "in_membership": in_membership,
            "in_staff": in_staff,
            **bands,
            **scope_staff,
            **{column: minutes[column] for column in (*MINUTES_COLUMNS, *SOURCE_COLUMNS)},
        }
    )
    return frame


def _scope_minutes(districts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Minutes (float64) and source codes (positions in `MINUTES_SOURCES`) as (district, scope) grids."""
    n = len(districts)
    level_minutes = {}
    level_source = {}
    level_weight = {}
    for level in LEVEL_WEIGHT_BAND:
        level_minutes[level] = districts[f"minutes_{level}"].to_numpy(dtype="float64")
        codes = positions_in(districts[f"source_{level}"], LEVEL_SOURCES)
        if (codes < 0).any():
            raise ValueError(f"source_{level} holds values outside {LEVEL_SOURCES}")
        level_source[level] = codes
        level_weight[level] = districts[LEVEL_WEIGHT_BAND[level]].to_numpy(dtype="float64")

    by_type_minutes: dict[str, np.ndarray] = {}
    by_type_source: dict[str, np.ndarray] = {}
    for enrollment_type in ENROLLMENT_TYPES:
        levels = ENROLLMENT_TYPE_LEVELS[enrollment_type]
        weighted = _ordered_sum([level_minutes[lv] * level_weight[lv] for lv in levels], n)
        weight = _ordered_sum([level_weight[lv] for lv in levels], n)
        mean = np.divide(weighted, weight, out=level_minutes[levels[0]].copy(), where=weight > 0)
        used = [level_weight[lv] > 0 for lv in levels]
        low = np.min([np.where(u, level_minutes[lv], np.inf) for u, lv in zip(used, levels, strict=True)], axis=0)
        high = np.max([np.where(u, level_minutes[lv], -np.inf) for u, lv in zip(used, levels, strict=True)], axis=0)
        by_type_minutes[enrollment_type] = np.where(low == high, low, mean)
        first = np.min([np.where(u, level_source[lv], _MIXED_CODE) for u, lv in zip(used, levels, strict=True)], axis=0)
        last = np.max([np.where(u, level_source[lv], -1) for u, lv in zip(used, levels, strict=True)], axis=0)
        by_type_source[enrollment_type] = np.where(first == last, first, _MIXED_CODE)

    minutes = np.column_stack([by_type_minutes[s.enrollment_type] for s in SCOPES])
    sources = np.column_stack([by_type_source[s.enrollment_type] for s in SCOPES])
    return minutes, sources.astype("int64")


def _district_flags(districts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(flags on every row of the district, flags on its teachers_only row) as bit masks per district."""
    base = [districts[f"staff_{name}"].to_numpy(dtype="float64") for name in BASE_SCOPE_NAMES]
    flat = np.logical_and.reduce([column == base[0] for column in base[1:]])
    volatile = districts[ENROLLMENT_K12].to_numpy(dtype="float64") < VOLATILE_ENROLLMENT
    every_row = np.where(flat, _FLAG_BIT[ERR_FLAT_STAFF], 0) | np.where(volatile, _FLAG_BIT[ERR_VOLATILE], 0)

    def mismatch(staff_column: str, band: str) -> np.ndarray:
        has_teachers = districts[staff_column].to_numpy(dtype="float64") > 0
        has_students = districts[band].to_numpy(dtype="float64") > 0
        return has_teachers != has_students

    level_mismatch = mismatch(f"staff_{TEACHERS_ELEMENTARY}", ENROLLMENT_ELEMENTARY) | mismatch(
        f"staff_{TEACHERS_SECONDARY}", ENROLLMENT_SECONDARY
    )
    teachers_only_row = np.where(level_mismatch, _FLAG_BIT[LEVEL_MISMATCH], 0)
    return every_row.astype("int64"), teachers_only_row.astype("int64")


def _check_year(year: str) -> None:
    if not isinstance(year, str) or not _YEAR.match(year):
        raise ValueError(f"year {year!r} is not like 2023-24")


def calculate_from_district_frame(districts: pd.DataFrame, year: str) -> CalculationResult:
    """The calculations for the districts of a `build_district_frame` frame (all of them, or any subset)."""
    _check_year(year)
    require_columns(districts, DISTRICT_FRAME_COLUMNS, "districts")
    districts = districts.reset_index(drop=True)

    # (district, scope) grids; raveled they are district-major, the output order.
    staff = np.column_stack([districts[s.staff_column].to_numpy(dtype="float64") for s in SCOPES])
    students = np.column_stack([districts[s.enrollment_column].to_numpy(dtype="float64") for s in SCOPES])
    minutes, sources = _scope_minutes(districts)
    present = (
        districts["in_directory"].to_numpy(dtype=bool)
        & districts["in_membership"].to_numpy(dtype=bool)
        & districts["in_staff"].to_numpy(dtype=bool)
    )
    exists = (present[:, None] & (staff > 0) & (students > 0)).ravel()

    cells = np.flatnonzero(exists)
    district = cells // _N_SCOPES
    scope = cells % _N_SCOPES
    fte = staff.ravel()[cells]
    pupils = students.ravel()[cells]
    scope_minutes = minutes.ravel()[cells]
    lct = scope_minutes * fte / pupils

    is_valid = (lct > 0) & (lct <= MAX_VALID_LCT) & (fte <= pupils)

    every_row, teachers_only_row = _district_flags(districts)
    on_teachers_only = scope == _SCOPE_INDEX[TEACHERS_ONLY]
    mask = every_row[district] | np.where(on_teachers_only, teachers_only_row[district], 0)
    mask |= np.where(fte / pupils > IMPOSSIBLE_SSR, _FLAG_BIT[ERR_IMPOSSIBLE_SSR], 0)
    mask |= np.where(lct < LOW_LCT, _FLAG_BIT[WARN_LCT_LOW], 0)
    mask |= np.where(on_teachers_only & (lct > HIGH_TEACHERS_ONLY_LCT), _FLAG_BIT[WARN_LCT_HIGH], 0)

    scope_names = pd.array(SCOPE_NAMES, dtype="str")
    enrollment_types = pd.array([s.enrollment_type for s in SCOPES], dtype="str")
    calculations = pd.DataFrame(
        {
            "district_id": districts["leaid"].astype("str").array.take(district),
            "district_name": districts["lea_name"].astype("str").array.take(district),
            "state": districts["state"].astype("str").array.take(district),
            "year": pd.array([year], dtype="str").take(np.zeros(len(cells), dtype="int64")),
            "staff_scope": scope_names.take(scope),
            "staff_count": fte,
            "enrollment": np.rint(pupils).astype("int64"),
            "enrollment_type": enrollment_types.take(scope),
            "instructional_minutes": np.round(scope_minutes, OUTPUT_DECIMALS),
            "instructional_minutes_source": pd.array(MINUTES_SOURCES, dtype="str").take(sources.ravel()[cells]),
            "lct_value": np.round(lct, OUTPUT_DECIMALS),
            "is_valid": is_valid,
            "qa_flags": _FLAG_TEXT.take(mask),
        }
    )

    missing = np.flatnonzero(~exists)
    missing_district = missing // _N_SCOPES
    district_reason = np.select(
        [
            ~districts["in_directory"].to_numpy(dtype=bool),
            ~districts["in_membership"].to_numpy(dtype=bool),
            ~districts["in_staff"].to_numpy(dtype=bool),
        ],
        [_REASON_CODE[REASON_NOT_IN_DIRECTORY], _REASON_CODE[REASON_NO_MEMBERSHIP], _REASON_CODE[REASON_NO_STAFF]],
        default=-1,
    )[missing_district]
    scope_reason = np.where(
        students.ravel()[missing] <= 0, _REASON_CODE[REASON_ZERO_ENROLLMENT], _REASON_CODE[REASON_ZERO_STAFF]
    )
    reason = np.where(district_reason >= 0, district_reason, scope_reason)
    not_calculable = pd.DataFrame(
        {
            "district_id": districts["leaid"].astype("str").array.take(missing_district),
            "staff_scope": scope_names.take(missing % _N_SCOPES),
            "reason": pd.array(NOT_CALCULABLE_REASONS, dtype="str").take(reason),
        }
    )
    return CalculationResult(
        calculations=calculations,
        lct_full=pd.Series(lct, index=calculations.index, name="lct_value", dtype="float64"),
        not_calculable=not_calculable,
        districts=districts,
    )


def calculate_lct(
    directory: pd.DataFrame,
    enrollment: pd.DataFrame,
    staff: pd.DataFrame,
    state_requirements: pd.DataFrame,
    bell_schedules: pd.DataFrame,
    year: str,
) -> CalculationResult:
    """LCT for every district and scope of `year` (see the module docstring for the rules)."""
    _check_year(year)
    districts = build_district_frame(directory, enrollment, staff, state_requirements, bell_schedules)
    return calculate_from_district_frame(districts, year)
