"""The numbers behind the demo NCES files: scales, shares and ratios (beyond geography.py), and planted cases.

Chosen so the LCT scopes land where real data does; `PLANT` says how many districts (or rows) get each
planted case at each scale.
"""

from __future__ import annotations

import numpy as np

SCALES = ("small", "full")
SMALL_DISTRICTS = 600


# Race shares in RACES order (first seven); states not listed use the national mix.
NATIONAL_RACES = (0.009, 0.055, 0.148, 0.29, 0.004, 0.05, 0.444)
STATE_RACES: dict[str, tuple[float, ...]] = {
    "AK": (0.22, 0.06, 0.03, 0.08, 0.03, 0.16, 0.42),
    "AZ": (0.04, 0.03, 0.06, 0.47, 0.003, 0.04, 0.357),
    "CA": (0.004, 0.12, 0.05, 0.56, 0.004, 0.05, 0.212),
    "DC": (0.002, 0.02, 0.55, 0.2, 0.001, 0.04, 0.187),
    "HI": (0.005, 0.3, 0.02, 0.16, 0.1, 0.33, 0.085),
    "MS": (0.002, 0.01, 0.47, 0.05, 0.001, 0.03, 0.437),
    "NM": (0.1, 0.015, 0.02, 0.63, 0.001, 0.02, 0.214),
    "OK": (0.12, 0.02, 0.08, 0.2, 0.003, 0.12, 0.457),
    "TX": (0.003, 0.05, 0.13, 0.53, 0.002, 0.03, 0.255),
    "BI": (0.985, 0.001, 0.002, 0.006, 0.001, 0.004, 0.001),
    "AS": (0.001, 0.01, 0.001, 0.001, 0.98, 0.006, 0.001),
    "GU": (0.001, 0.3, 0.01, 0.01, 0.6, 0.069, 0.01),
    "MP": (0.001, 0.4, 0.001, 0.001, 0.55, 0.037, 0.01),
    "PR": (0.001, 0.001, 0.005, 0.99, 0.001, 0.001, 0.001),
    "VI": (0.001, 0.005, 0.75, 0.22, 0.001, 0.008, 0.015),
}
MALE_SHARE = 0.513
# Share of elementary-only / secondary-only districts (states with separate elementary and high school districts).
ELEMENTARY_ONLY = {"CA": 0.4, "IL": 0.4, "NJ": 0.35, "MT": 0.5, "AZ": 0.3, "VT": 0.4, "NH": 0.3, "ME": 0.15}
ELEMENTARY_ONLY.update({"MA": 0.1, "CT": 0.12, "OR": 0.1, "NY": 0.05, "ND": 0.1, "NE": 0.05})
SECONDARY_ONLY = {"CA": 0.05, "IL": 0.1, "NJ": 0.05, "MT": 0.3, "AZ": 0.05, "VT": 0.08, "NH": 0.05, "MA": 0.05}
CHARTER_SHARE = {"DC": 0.95, "AZ": 0.5, "CA": 0.4, "MI": 0.3, "OH": 0.3, "PA": 0.2, "MN": 0.3, "TX": 0.15}
CHARTER_SHARE.update({"NY": 0.25, "LA": 0.3, "CO": 0.1, "NC": 0.2, "ID": 0.3, "UT": 0.3, "AR": 0.1, "WI": 0.05})
# SY_STATUS_TEXT of districts with data: mostly Open, a few of the other open-like statuses.
OPEN_STATUSES = ("Open", "New", "Added", "Changed boundary/agency", "Reopened")
OPEN_STATUS_CUTS = (0.975, 0.987, 0.992, 0.997)
NEW_ENGLAND_UNIONS = frozenset({"VT", "NH", "ME", "MA", "CT"})
GRADE_WEIGHT = np.array([0.45, 0.95, *[1.0] * 8, 1.08, 1.0, 0.95, 0.92, 0.0, 0.0, 0.0])
# Students per teacher: elementary classes are smaller than secondary ones, so per-scope LCT means keep
# teachers_secondary < teachers_only < teachers_elementary even with state minutes differing by level.
STUDENTS_PER_K_TEACHER = 16.0
STUDENTS_PER_ELEM_TEACHER = 13.5
STUDENTS_PER_SEC_TEACHER = 19.0

# Planted cases per scale: how many districts (or rows) each one gets.
PLANT = {
    "small": {
        "closed": 3, "inactive": 1, "future": 1, "open_no_data": 2,
        "dir_mem": 2, "dir_staff": 2, "mem_staff": 2, "mem_only": 1, "staff_only": 1,
        "zero_enrollment": 10, "zero_both": 1, "zero_staff": 5, "staff_heavy": 3, "state_agency": 2,
        "stripped": 3, "mem_dup": 5, "mem_conflict": 3, "mem_blank": 6, "mem_mismatch": 2,
        "staff_dup": 4, "staff_conflict": 2, "staff_blank": 5, "staff_mismatch": 2,
        "dir_dup": 1, "dir_conflict": 1, "not_specified": 4, "grade13": 2, "adult_ed": 3,
    },
    "full": {
        "closed": 110, "inactive": 25, "future": 12, "open_no_data": 40,
        "dir_mem": 30, "dir_staff": 30, "mem_staff": 20, "mem_only": 6, "staff_only": 6,
        "zero_enrollment": 300, "zero_both": 25, "zero_staff": 170, "staff_heavy": 30, "state_agency": 60,
        "stripped": 12, "mem_dup": 25, "mem_conflict": 15, "mem_blank": 40, "mem_mismatch": 10,
        "staff_dup": 20, "staff_conflict": 12, "staff_blank": 30, "staff_mismatch": 10,
        "dir_dup": 3, "dir_conflict": 2, "not_specified": 150, "grade13": 40, "adult_ed": 200,
    },
}  # fmt: skip
