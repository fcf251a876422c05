"""Crafted NCES CCD files for tests: a few districts, exact numbers, the real column layout."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

COMMON = ["SCHOOL_YEAR", "FIPST", "STATENAME", "ST", "LEA_NAME", "STATE_AGENCY_NO", "UNION", "ST_LEAID", "LEAID"]
DIRECTORY = [
    *COMMON,
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
]
MEMBERSHIP = [*COMMON, "GRADE", "RACE_ETHNICITY", "SEX", "STUDENT_COUNT", "TOTAL_INDICATOR", "DMS_FLAG"]
STAFF = [*COMMON, "STAFF", "STAFF_COUNT", "TOTAL_INDICATOR", "DMS_FLAG"]
GRADE_NAMES = {
    "prek": "Pre-Kindergarten",
    "kg": "Kindergarten",
    **{f"g{n}": f"Grade {n}" for n in range(1, 14)},
    "ungraded": "Ungraded",
    "adult_ed": "Adult Education",
}
STATES = {
    "AL": ("01", "ALABAMA"),
    "WI": ("55", "WISCONSIN"),
    "TX": ("48", "TEXAS"),
    "DC": ("11", "DISTRICT OF COLUMBIA"),
    "MN": ("27", "MINNESOTA"),
}


@dataclass
class District:
    leaid: str
    name: str
    state: str
    grades: dict[str, int] = field(default_factory=dict)  # grade column -> students (split over two rows)
    staff: dict[str, float] = field(default_factory=dict)  # NCES STAFF category -> FTE


def _common(d: District, year: str) -> dict[str, str]:
    fips, state_name = STATES[d.state]
    start = year[:4]
    return {
        "SCHOOL_YEAR": f"{start}-{int(start) + 1}",
        "FIPST": fips,
        "STATENAME": state_name,
        "ST": d.state,
        "LEA_NAME": d.name,
        "STATE_AGENCY_NO": fips,
        "UNION": "",
        "ST_LEAID": f"{d.state}-{d.leaid[-3:]}",
        "LEAID": d.leaid,
    }


def write_ccd_files(folder: Path, districts: list[District], year: str = "2023-24") -> None:
    """Directory, membership and staff files for `districts` (students split Female/Male, White)."""
    folder.mkdir(parents=True, exist_ok=True)
    short = year[2:4] + year[5:7]
    with (folder / f"ccd_lea_029_{short}_w_1a_073124.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, DIRECTORY)
        writer.writeheader()
        for d in districts:
            writer.writerow(
                {
                    **_common(d, year),
                    "LEA_TYPE": "1",
                    "LEA_TYPE_TEXT": "Regular public school district",
                    "SY_STATUS_TEXT": "Open",
                    "CHARTER_LEA_TEXT": "No",
                    "GSLO": "KG",
                    "GSHI": "12",
                    "LCITY": "Town",
                    "LZIP": "01234",
                    "WEBSITE": "",
                    "OPERATIONAL_SCHOOLS": "3",
                }
            )
    with (folder / f"ccd_lea_052_{short}_l_1a_073124.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, MEMBERSHIP)
        writer.writeheader()
        for d in districts:
            for grade, students in d.grades.items():
                female = students // 2
                for sex, count in (("Female", female), ("Male", students - female)):
                    writer.writerow(
                        {
                            **_common(d, year),
                            "GRADE": GRADE_NAMES[grade],
                            "RACE_ETHNICITY": "White",
                            "SEX": sex,
                            "STUDENT_COUNT": str(count),
                            "TOTAL_INDICATOR": "Category Set A - By Race/Ethnicity; Sex; Grade",
                            "DMS_FLAG": "Reported",
                        }
                    )
            writer.writerow(
                {
                    **_common(d, year),
                    "GRADE": "No Category Codes",
                    "RACE_ETHNICITY": "No Category Codes",
                    "SEX": "No Category Codes",
                    "STUDENT_COUNT": str(sum(d.grades.values())),
                    "TOTAL_INDICATOR": "Education Unit Total",
                    "DMS_FLAG": "Reported",
                }
            )
    with (folder / f"ccd_lea_059_{short}_l_1a_073124.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, STAFF)
        writer.writeheader()
        for d in districts:
            for category, fte in d.staff.items():
                writer.writerow(
                    {
                        **_common(d, year),
                        "STAFF": category,
                        "STAFF_COUNT": f"{fte:.2f}",
                        "TOTAL_INDICATOR": "Category Set A",
                        "DMS_FLAG": "Reported",
                    }
                )


def unified_district(
    leaid: str,
    name: str,
    state: str = "WI",
    *,
    per_grade: int = 100,
    elementary_teachers: float = 40.0,
    secondary_teachers: float = 35.0,
) -> District:
    """A K-12 district with `per_grade` students in each grade and a full staff."""
    grades = {g: per_grade for g in ("kg", *(f"g{n}" for n in range(1, 13)))}
    staff = {
        "Kindergarten Teachers": 5.0,
        "Elementary Teachers": elementary_teachers,
        "Secondary Teachers": secondary_teachers,
        "Ungraded Teachers": 1.0,
        "Paraprofessionals/Instructional Aides": 12.0,
        "Instructional Coordinators and Supervisors to the Staff": 1.0,
        "Librarians/media specialists": 1.0,
        "Library/Media Support Staff": 1.0,
        "Elementary School Counselors": 2.0,
        "Secondary School Counselors": 2.0,
        "Other Guidance Counselors": 0.5,
        "School Psychologists": 1.0,
        "Student Support Services Staff (w/o Psychology)": 3.0,
        "LEA Administrators": 2.0,
        "LEA Administrative Support Staff": 4.0,
        "School administrators": 3.0,
        "School Administrative Support Staff": 6.0,
        "All Other Support Staff": 20.0,
    }
    return District(leaid, name, state, grades, staff)
