"""The plan of the demo NCES files: one record of every district's attributes, decided before any file is written.

Every writer reads the same `Plan`, so the three files agree with each other; `nces_draw` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lct_pipelines.demo.nces_layout import GRADE_CODES, UG
from lct_pipelines.demo.nces_output import csv_line
from lct_pipelines.nces.geography import STATES

ROLE_CORE, ROLE_CLOSED, ROLE_INACTIVE, ROLE_FUTURE, ROLE_NO_DATA = range(5)
LEVEL_UNIFIED, LEVEL_ELEMENTARY, LEVEL_SECONDARY, LEVEL_NONE = range(4)
KIND_NORMAL, KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH, KIND_ZERO_STAFF, KIND_STAFF_HEAVY = range(5)
CASE_NONE, CASE_DUP, CASE_CONFLICT, CASE_BLANK = range(4)


@dataclass
class Plan:
    """Per district (index i, in LEAID order within each state): what every file says about it."""

    size: int
    long_year: str
    state: np.ndarray
    leaid: list[str]
    role: np.ndarray
    in_dir: np.ndarray
    in_mem: np.ndarray
    in_staff: np.ndarray
    kind: np.ndarray
    level: np.ndarray
    charter: np.ndarray
    lea_type: np.ndarray
    grade_mask: np.ndarray  # (n, 17) grades with rows (and, unless zero-enrollment, with students)
    grade_lam: np.ndarray  # (n, 17) expected students
    race_p: np.ndarray  # (n, 7)
    not_specified: np.ndarray
    stripped: np.ndarray
    name: list[str]
    status: list[str]
    union: list[str]
    st_leaid: list[str]
    city: list[str]
    zip: list[str]
    website: list[str]
    charter_text: list[str]
    # planted cell per district: case code, grade or category, local cell, argument (delta or flag)
    mem_case: np.ndarray
    mem_cell: np.ndarray
    mem_arg: np.ndarray
    mem_mismatch: np.ndarray
    staff_case: np.ndarray
    staff_cell: np.ndarray
    staff_arg: np.ndarray
    staff_mismatch: np.ndarray
    dir_case: np.ndarray
    grade_counts: np.ndarray  # (n, 17) effective students, filled while writing membership
    staff_fte: np.ndarray  # (n, 19) effective FTE in hundredths, filled while writing staff

    def prefix(self, i: int, *, strip: bool) -> str:
        """The nine common columns of district `i` as CSV text, with the trailing comma."""
        s = STATES[int(self.state[i])]
        leaid = self.leaid[i].lstrip("0") if strip else self.leaid[i]
        row = (self.long_year, s.fips, s.name, s.postal, self.name[i], "01", self.union[i], self.st_leaid[i], leaid)
        return csv_line(row, "") + ","


def grade_span(plan: Plan, i: int) -> tuple[str, str]:
    """GSLO/GSHI: lowest and highest grade with students; N when there are none."""
    if plan.role[i] != ROLE_CORE or plan.kind[i] in (KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH):
        return "N", "N"
    grades = np.flatnonzero(plan.grade_mask[i, :UG])
    if grades.size == 0:
        return "UG", "UG"
    return GRADE_CODES[grades[0]], GRADE_CODES[grades[-1]]


def operational_schools(plan: Plan, i: int) -> int:
    """OPERATIONAL_SCHOOLS: one school per 350-650 students (at least one); 0 without students."""
    if plan.role[i] != ROLE_CORE or plan.kind[i] in (KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH):
        return 0
    students = float(plan.grade_lam[i].sum())
    return max(1, round(students / (350 + (int(plan.leaid[i][2:]) * 13) % 300)))
