"""The demo's CCD file layouts: exact column names, the GSLO/GSHI grade codes, staff positions and total rows.

The category values themselves (grades, races, sexes, staff categories, indicators) come from
`nces/categories.py`, the vocabulary the reader recognises.
"""

from __future__ import annotations

from lct_pipelines.nces.categories import (
    EDUCATION_UNIT_TOTAL,
    MEMBERSHIP_DETAIL_INDICATOR,
    STAFF_CATEGORIES,
    STAFF_TEACHERS_TOTAL,
    TEACHER_CATEGORIES,
)

COMMON_COLUMNS = (
    "SCHOOL_YEAR",
    "FIPST",
    "STATENAME",
    "ST",
    "LEA_NAME",
    "STATE_AGENCY_NO",
    "UNION",
    "ST_LEAID",
    "LEAID",
)
DIRECTORY_COLUMNS = (
    *COMMON_COLUMNS,
    "LEA_TYPE",
    "LEA_TYPE_TEXT",
    "SY_STATUS_TEXT",
    "CHARTER_LEA_TEXT",
    "GSLO",
    "GSHI",
    "LCITY",
    "LZIP",
    "WEBSITE",
    "OPERATIONAL_SCHOOLS",
)
MEMBERSHIP_COLUMNS = (*COMMON_COLUMNS, "GRADE", "RACE_ETHNICITY", "SEX", "STUDENT_COUNT", "TOTAL_INDICATOR", "DMS_FLAG")
STAFF_COLUMNS = (*COMMON_COLUMNS, "STAFF", "STAFF_COUNT", "TOTAL_INDICATOR", "DMS_FLAG")

GRADE_CODES = ("PK", "KG", *(f"{i:02d}" for i in range(1, 14)), "UG", "AE")
PK, KG, G13, UG, AE = 0, 1, 14, 15, 16
K12 = slice(1, 14)  # Kindergarten .. Grade 12
MEMBERSHIP_INDICATORS = (
    MEMBERSHIP_DETAIL_INDICATOR,
    "Subtotal 4 - By Grade",
    "Derived - Education Unit Total minus Adult Education Count",
    EDUCATION_UNIT_TOTAL,
)
DMS_FLAGS = ("Reported", "Not reported", "Missing", "Suppressed", "Not applicable")
(
    S_PK,
    S_KG,
    S_ELEM,
    S_SEC,
    S_UNGRADED,
    S_PARA,
    S_COORD,
    S_LIB,
    S_LIBSUP,
    S_COUNS_E,
    S_COUNS_S,
    S_COUNS_O,
    S_PSYCH,
    S_SUPPORT,
    S_LEA_ADM,
    S_LEA_SUP,
    S_SCH_ADM,
    S_SCH_SUP,
    S_OTHER,
) = range(len(STAFF_CATEGORIES))  # positions in STAFF_CATEGORIES (nces/categories.py)
_TEACHERS = tuple(STAFF_CATEGORIES.index(c) for c in TEACHER_CATEGORIES)
_LEA_LEVEL = (S_COORD, S_LEA_ADM, S_LEA_SUP)
# Total rows of the staff file: name, TOTAL_INDICATOR, the detail categories they add up.
STAFF_TOTALS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    (STAFF_TEACHERS_TOTAL, EDUCATION_UNIT_TOTAL, _TEACHERS),
    ("Guidance Counselors", "Subtotal - Guidance Counselors", (S_COUNS_E, S_COUNS_S, S_COUNS_O)),
    ("LEA Staff", "Subtotal - LEA Staff", _LEA_LEVEL),
    ("School Staff", "Subtotal - School Staff", tuple(i for i in range(19) if i not in _LEA_LEVEL)),
)

LEA_TYPE_TEXT = {
    1: "Regular public school district that is not a component of a supervisory union",
    2: "Regular public school district that is a component of a supervisory union",
    3: "Supervisory union",
    4: "Regional education service agency",
    5: "State agency",
    6: "Federal agency",
    7: "Independent charter district",
    8: "Other education agency",
    9: "Specialized public school district",
}
NOT_CHARTER = "Not a charter district"
CHARTER_TEXTS = ("LEA for federal programs", "LEA for ESEA and Perkins", "LEA for IDEA")
