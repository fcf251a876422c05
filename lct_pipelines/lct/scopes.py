"""The methodology's vocabulary as data: grades and bands, staff categories, the seven scopes, flags, reasons.

Everything else in `lct_pipelines.lct` reads these definitions; nothing restates a category list or a band.
The grade columns and the canonical staff category order are the reader's (`nces/categories.py`), re-exported.
The order of every tuple here is meaningful: `SCOPES` is the order of the methodology's scope table (and of the
output rows within a district), `FLAGS` is the order of the flags inside `qa_flags`, `NOT_CALCULABLE_REASONS`
is the order in which the reasons are tried (first applicable wins).

Decisions
---------
- Staff FTE of a scope is summed in the canonical category order of `STAFF_CATEGORIES`, one addition at a time.
  Adding a zero never changes a float, so two scopes that differ only by categories with no FTE get bit-identical
  sums; `ERR_FLAT_STAFF` compares them exactly.
- `all` is the explicit list of the 18 detail categories other than Pre-kindergarten Teachers. A category string
  outside `STAFF_CATEGORIES` (a total row such as `Teachers`, or a category renamed by a future CCD release) is an
  input error, not something to fold silently into `all`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lct_pipelines.nces.categories import GRADE_COLUMNS as GRADE_COLUMNS  # re-exported
from lct_pipelines.nces.categories import STAFF_CATEGORIES

# --- enrollment ---------------------------------------------------------------------------------------------


ENROLLMENT_K12 = "enrollment_k12"
ENROLLMENT_ELEMENTARY = "enrollment_elementary"
ENROLLMENT_MIDDLE = "enrollment_middle"
ENROLLMENT_HIGH = "enrollment_high"
ENROLLMENT_SECONDARY = "enrollment_secondary"

_ELEMENTARY_GRADES = ("kg", "g1", "g2", "g3", "g4", "g5")
_MIDDLE_GRADES = ("g6", "g7", "g8")
_HIGH_GRADES = ("g9", "g10", "g11", "g12")

# Band -> the grade columns it sums. Pre-K, grade 13, ungraded and adult education belong to no band.
BANDS: dict[str, tuple[str, ...]] = {
    ENROLLMENT_K12: _ELEMENTARY_GRADES + _MIDDLE_GRADES + _HIGH_GRADES,
    ENROLLMENT_ELEMENTARY: _ELEMENTARY_GRADES,
    ENROLLMENT_MIDDLE: _MIDDLE_GRADES,
    ENROLLMENT_HIGH: _HIGH_GRADES,
    ENROLLMENT_SECONDARY: _MIDDLE_GRADES + _HIGH_GRADES,
}
BAND_COLUMNS: tuple[str, ...] = tuple(BANDS)

# --- school levels (minutes are resolved per level) -----------------------------------------------------------

LEVEL_ELEMENTARY = "elementary"
LEVEL_MIDDLE = "middle"
LEVEL_HIGH = "high"
LEVELS: tuple[str, ...] = (LEVEL_ELEMENTARY, LEVEL_MIDDLE, LEVEL_HIGH)

# The band whose enrollment weights a level's minutes.
LEVEL_WEIGHT_BAND: dict[str, str] = {
    LEVEL_ELEMENTARY: ENROLLMENT_ELEMENTARY,
    LEVEL_MIDDLE: ENROLLMENT_MIDDLE,
    LEVEL_HIGH: ENROLLMENT_HIGH,
}

# --- enrollment types (the denominator of a scope) -----------------------------------------------------------

ENROLLMENT_TYPE_K12 = "k12"
ENROLLMENT_TYPE_ELEMENTARY = "elementary"
ENROLLMENT_TYPE_SECONDARY = "secondary"
ENROLLMENT_TYPES: tuple[str, ...] = (ENROLLMENT_TYPE_K12, ENROLLMENT_TYPE_ELEMENTARY, ENROLLMENT_TYPE_SECONDARY)

# The levels whose minutes a scope of this enrollment type averages (weighted by each level's enrollment):
# k12 -> all three (the five base scopes), elementary -> elementary only, secondary -> middle and high.
ENROLLMENT_TYPE_LEVELS: dict[str, tuple[str, ...]] = {
    ENROLLMENT_TYPE_K12: LEVELS,
    ENROLLMENT_TYPE_ELEMENTARY: (LEVEL_ELEMENTARY,),
    ENROLLMENT_TYPE_SECONDARY: (LEVEL_MIDDLE, LEVEL_HIGH),
}

# --- staff categories (exact NCES CCD 059 STAFF strings, Category Set A) --------------------------------------

PREK_TEACHERS = "Pre-kindergarten Teachers"
KINDERGARTEN_TEACHERS = "Kindergarten Teachers"
ELEMENTARY_TEACHERS = "Elementary Teachers"
SECONDARY_TEACHERS = "Secondary Teachers"
UNGRADED_TEACHERS = "Ungraded Teachers"
PARAPROFESSIONALS = "Paraprofessionals/Instructional Aides"
INSTRUCTIONAL_COORDINATORS = "Instructional Coordinators and Supervisors to the Staff"
LIBRARIANS = "Librarians/media specialists"
LIBRARY_SUPPORT = "Library/Media Support Staff"
ELEMENTARY_COUNSELORS = "Elementary School Counselors"
SECONDARY_COUNSELORS = "Secondary School Counselors"
OTHER_COUNSELORS = "Other Guidance Counselors"
SCHOOL_PSYCHOLOGISTS = "School Psychologists"
STUDENT_SUPPORT = "Student Support Services Staff (w/o Psychology)"
LEA_ADMINISTRATORS = "LEA Administrators"
LEA_ADMIN_SUPPORT = "LEA Administrative Support Staff"
SCHOOL_ADMINISTRATORS = "School administrators"
SCHOOL_ADMIN_SUPPORT = "School Administrative Support Staff"
ALL_OTHER_SUPPORT = "All Other Support Staff"


# --- the seven scopes -------------------------------------------------------------------------------------------

TEACHERS_ONLY = "teachers_only"
TEACHERS_CORE = "teachers_core"
INSTRUCTIONAL = "instructional"
INSTRUCTIONAL_PLUS_SUPPORT = "instructional_plus_support"
ALL = "all"
TEACHERS_ELEMENTARY = "teachers_elementary"
TEACHERS_SECONDARY = "teachers_secondary"


@dataclass(frozen=True)
class Scope:
    """One staff scope: which FTE it counts and which students it divides by."""

    name: str
    categories: tuple[str, ...]
    enrollment_type: str

    @property
    def staff_column(self) -> str:
        """The scope's FTE column in the per-district frame."""
        return f"staff_{self.name}"

    @property
    def enrollment_column(self) -> str:
        """The band column that is the scope's enrollment."""
        return f"enrollment_{self.enrollment_type}"


def _ordered(categories: Iterable[str]) -> tuple[str, ...]:
    chosen = set(categories)
    return tuple(c for c in STAFF_CATEGORIES if c in chosen)


_TEACHERS_ONLY = _ordered((KINDERGARTEN_TEACHERS, ELEMENTARY_TEACHERS, SECONDARY_TEACHERS))
_TEACHERS_CORE = _ordered((*_TEACHERS_ONLY, UNGRADED_TEACHERS))
_INSTRUCTIONAL = _ordered((*_TEACHERS_CORE, PARAPROFESSIONALS, INSTRUCTIONAL_COORDINATORS, LIBRARIANS, LIBRARY_SUPPORT))
_INSTRUCTIONAL_PLUS_SUPPORT = _ordered(
    (
        *_INSTRUCTIONAL,
        ELEMENTARY_COUNSELORS,
        SECONDARY_COUNSELORS,
        OTHER_COUNSELORS,
        SCHOOL_PSYCHOLOGISTS,
        STUDENT_SUPPORT,
    )
)
_ALL = tuple(c for c in STAFF_CATEGORIES if c != PREK_TEACHERS)

SCOPES: tuple[Scope, ...] = (
    Scope(TEACHERS_ONLY, _TEACHERS_ONLY, ENROLLMENT_TYPE_K12),
    Scope(TEACHERS_CORE, _TEACHERS_CORE, ENROLLMENT_TYPE_K12),
    Scope(INSTRUCTIONAL, _INSTRUCTIONAL, ENROLLMENT_TYPE_K12),
    Scope(INSTRUCTIONAL_PLUS_SUPPORT, _INSTRUCTIONAL_PLUS_SUPPORT, ENROLLMENT_TYPE_K12),
    Scope(ALL, _ALL, ENROLLMENT_TYPE_K12),
    Scope(TEACHERS_ELEMENTARY, _ordered((KINDERGARTEN_TEACHERS, ELEMENTARY_TEACHERS)), ENROLLMENT_TYPE_ELEMENTARY),
    Scope(TEACHERS_SECONDARY, (SECONDARY_TEACHERS,), ENROLLMENT_TYPE_SECONDARY),
)
SCOPE_NAMES: tuple[str, ...] = tuple(s.name for s in SCOPES)
SCOPES_BY_NAME: dict[str, Scope] = {s.name: s for s in SCOPES}
# The five scopes over k12 enrollment, compared by ERR_FLAT_STAFF.
BASE_SCOPE_NAMES: tuple[str, ...] = (TEACHERS_ONLY, TEACHERS_CORE, INSTRUCTIONAL, INSTRUCTIONAL_PLUS_SUPPORT, ALL)
STAFF_COLUMNS: tuple[str, ...] = tuple(s.staff_column for s in SCOPES)

# --- flags, in the order they appear inside `qa_flags` (the methodology's table order) --------------------------

ERR_FLAT_STAFF = "ERR_FLAT_STAFF"
ERR_IMPOSSIBLE_SSR = "ERR_IMPOSSIBLE_SSR"
ERR_VOLATILE = "ERR_VOLATILE"
WARN_LCT_LOW = "WARN_LCT_LOW"
WARN_LCT_HIGH = "WARN_LCT_HIGH"
LEVEL_MISMATCH = "LEVEL_MISMATCH"
FLAGS: tuple[str, ...] = (ERR_FLAT_STAFF, ERR_IMPOSSIBLE_SSR, ERR_VOLATILE, WARN_LCT_LOW, WARN_LCT_HIGH, LEVEL_MISMATCH)
FLAG_SEPARATOR = ";"

# --- why a (district, scope) has no calculation, in the order tried (first applicable wins) ---------------------

REASON_NOT_IN_DIRECTORY = "not_in_directory"
REASON_NO_MEMBERSHIP = "no_membership"
REASON_NO_STAFF = "no_staff"
REASON_ZERO_ENROLLMENT = "zero_enrollment"
REASON_ZERO_STAFF = "zero_staff"
NOT_CALCULABLE_REASONS: tuple[str, ...] = (
    REASON_NOT_IN_DIRECTORY,
    REASON_NO_MEMBERSHIP,
    REASON_NO_STAFF,
    REASON_ZERO_ENROLLMENT,
    REASON_ZERO_STAFF,
)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the input and the columns it lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def positions_in(values: pd.Series | pd.Index, keys: Sequence[str] | pd.Series | pd.Index) -> np.ndarray:
    """The position in `keys` of each string of `values` (int64; -1 when absent or missing).

    A hash lookup in Arrow: for string keys it is several times faster than `Index.get_indexer`, which converts
    both sides to Python objects first.
    """
    found = pc.index_in(
        pa.array(pd.Series(values, dtype="str"), type=pa.large_string()),
        value_set=pa.array(pd.Series(keys, dtype="str"), type=pa.large_string()),
    )
    return pc.fill_null(found, -1).to_numpy().astype("int64")
