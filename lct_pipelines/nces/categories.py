"""The CCD vocabulary: the three LEA files and their category values, exactly as `nces-ccd-format.md` spells them.

Order matters: the reader encodes a category as its position in these tuples,
and the output columns and staff rows follow the same order. The demo generator
writes its files from the same values.
"""

from __future__ import annotations

from types import MappingProxyType

# --- the three LEA files -------------------------------------------------------------------------------------

KIND_DIRECTORY = "directory"
KIND_MEMBERSHIP = "membership"
KIND_STAFF = "staff"
# File-name hint per kind: the survey part of the NCES name. The header decides (see nces.reader.detect_kind).
KIND_HINTS: MappingProxyType[str, str] = MappingProxyType(
    {KIND_DIRECTORY: "_029_", KIND_MEMBERSHIP: "_052_", KIND_STAFF: "_059_"}
)

# --- TOTAL_INDICATOR ------------------------------------------------------------------------------------------

MEMBERSHIP_DETAIL_INDICATOR = "Category Set A - By Race/Ethnicity; Sex; Grade"
STAFF_DETAIL_INDICATOR = "Category Set A"
EDUCATION_UNIT_TOTAL = "Education Unit Total"

# A legitimate value of GRADE, RACE_ETHNICITY and SEX that carries no category.
NO_CATEGORY_CODES = "No Category Codes"

# --- 052 membership ------------------------------------------------------------------------------------------

# GRADE value -> output column, in output order.
GRADE_TO_COLUMN: MappingProxyType[str, str] = MappingProxyType(
    {
        "Pre-Kindergarten": "prek",
        "Kindergarten": "kg",
        **{f"Grade {n}": f"g{n}" for n in range(1, 14)},
        "Ungraded": "ungraded",
        "Adult Education": "adult_ed",
    }
)
GRADES: tuple[str, ...] = tuple(GRADE_TO_COLUMN)
GRADE_COLUMNS: tuple[str, ...] = tuple(GRADE_TO_COLUMN.values())

RACES: tuple[str, ...] = (
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Hispanic/Latino",
    "Native Hawaiian or Other Pacific Islander",
    "Two or more races",
    "White",
    "Not Specified",
    NO_CATEGORY_CODES,
)
SEXES: tuple[str, ...] = ("Female", "Male", "Not Specified", NO_CATEGORY_CODES)

# --- 059 staff -----------------------------------------------------------------------------------------------

TIER_TEACHER = "teacher"
TIER_INSTRUCTIONAL_SUPPORT = "instructional support"
TIER_STUDENT_SUPPORT = "student support"
TIER_ADMINISTRATION = "administration"
TIER_OTHER = "other"
TIERS: tuple[str, ...] = (
    TIER_TEACHER,
    TIER_INSTRUCTIONAL_SUPPORT,
    TIER_STUDENT_SUPPORT,
    TIER_ADMINISTRATION,
    TIER_OTHER,
)

# The 19 detail categories (TOTAL_INDICATOR = "Category Set A") and their tier, in the doc's order.
STAFF_TIERS: MappingProxyType[str, str] = MappingProxyType(
    {
        "Pre-kindergarten Teachers": TIER_TEACHER,
        "Kindergarten Teachers": TIER_TEACHER,
        "Elementary Teachers": TIER_TEACHER,
        "Secondary Teachers": TIER_TEACHER,
        "Ungraded Teachers": TIER_TEACHER,
        "Paraprofessionals/Instructional Aides": TIER_INSTRUCTIONAL_SUPPORT,
        "Instructional Coordinators and Supervisors to the Staff": TIER_INSTRUCTIONAL_SUPPORT,
        "Librarians/media specialists": TIER_INSTRUCTIONAL_SUPPORT,
        "Library/Media Support Staff": TIER_INSTRUCTIONAL_SUPPORT,
        "Elementary School Counselors": TIER_STUDENT_SUPPORT,
        "Secondary School Counselors": TIER_STUDENT_SUPPORT,
        "Other Guidance Counselors": TIER_STUDENT_SUPPORT,
        "School Psychologists": TIER_STUDENT_SUPPORT,
        "Student Support Services Staff (w/o Psychology)": TIER_STUDENT_SUPPORT,
        "LEA Administrators": TIER_ADMINISTRATION,
        "LEA Administrative Support Staff": TIER_ADMINISTRATION,
        "School administrators": TIER_ADMINISTRATION,
        "School Administrative Support Staff": TIER_ADMINISTRATION,
        "All Other Support Staff": TIER_OTHER,
    }
)
STAFF_CATEGORIES: tuple[str, ...] = tuple(STAFF_TIERS)
TEACHER_CATEGORIES: tuple[str, ...] = tuple(c for c, tier in STAFF_TIERS.items() if tier == TIER_TEACHER)

# The total row that adds up the five teacher categories; the reader cross-checks it.
STAFF_TEACHERS_TOTAL = "Teachers"
