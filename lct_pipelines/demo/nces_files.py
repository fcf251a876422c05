"""Synthetic NCES CCD LEA files (029 directory, 052 membership, 059 staff) for demos, tests and benchmarks.

`write_demo_data` writes the three files of one school year in the exact CCD
layouts (see docs `nces-ccd-format.md`) into the landing folder
`<data_dir>/raw/nces_ccd/<year>/`, with real geography, skewed district sizes,
staff in realistic ratios (so the LCT scopes keep their expected order), the
edge districts of real releases and every known kind of messiness, planted a
few rows each. What was planted is counted exactly in the returned
`DemoDataSummary` and in `_demo_manifest.json`, so importer tests can assert
that their report finds exactly those numbers.

The big membership file is built without a per-row Python loop: per chunk of
districts, row attributes are numpy index arrays, the text columns come from
small lookup tables with `pyarrow.compute.take`, and each line is joined by
`binary_join_element_wise`. The joined array's data buffer *is* the CSV text,
so it is streamed straight into the zip member. Same seed, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lct_pipelines.nces.categories import (
    EDUCATION_UNIT_TOTAL,
    GRADES,
    MEMBERSHIP_DETAIL_INDICATOR,
    NO_CATEGORY_CODES,
    RACES,
    SEXES,
    STAFF_CATEGORIES,
    STAFF_DETAIL_INDICATOR,
    STAFF_TEACHERS_TOTAL,
    TEACHER_CATEGORIES,
)
from lct_pipelines.nces.geography import STATES, State

# --------------------------------------------------------------------------------------------------
# File layouts (exact CCD column names; the category values come from nces/categories.py)

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

SCALES = ("small", "full")
SMALL_DISTRICTS = 600
MEMBERSHIP_CHUNK = 400  # districts per vectorised batch (~75,000 rows): bounds memory, keeps bytes stable
STAFF_CHUNK = 4000
MANIFEST_NAME = "_demo_manifest.json"
EOL_NAMES = {"\n": "LF", "\r\n": "CRLF"}

# --------------------------------------------------------------------------------------------------
# Calibration (beyond geography.py): shares and ratios chosen so the LCT scopes land where real data does.

# Race shares in RACES order (first seven); states not listed use the national mix.
_NATIONAL_RACES = (0.009, 0.055, 0.148, 0.29, 0.004, 0.05, 0.444)
_STATE_RACES: dict[str, tuple[float, ...]] = {
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
_MALE_SHARE = 0.513
# Share of elementary-only / secondary-only districts (states with separate elementary and high school districts).
_ELEMENTARY_ONLY = {"CA": 0.4, "IL": 0.4, "NJ": 0.35, "MT": 0.5, "AZ": 0.3, "VT": 0.4, "NH": 0.3, "ME": 0.15}
_ELEMENTARY_ONLY.update({"MA": 0.1, "CT": 0.12, "OR": 0.1, "NY": 0.05, "ND": 0.1, "NE": 0.05})
_SECONDARY_ONLY = {"CA": 0.05, "IL": 0.1, "NJ": 0.05, "MT": 0.3, "AZ": 0.05, "VT": 0.08, "NH": 0.05, "MA": 0.05}
_CHARTER_SHARE = {"DC": 0.95, "AZ": 0.5, "CA": 0.4, "MI": 0.3, "OH": 0.3, "PA": 0.2, "MN": 0.3, "TX": 0.15}
_CHARTER_SHARE.update({"NY": 0.25, "LA": 0.3, "CO": 0.1, "NC": 0.2, "ID": 0.3, "UT": 0.3, "AR": 0.1, "WI": 0.05})
# SY_STATUS_TEXT of districts with data: mostly Open, a few of the other open-like statuses.
_OPEN_STATUSES = ("Open", "New", "Added", "Changed boundary/agency", "Reopened")
_OPEN_STATUS_CUTS = (0.975, 0.987, 0.992, 0.997)
_NEW_ENGLAND_UNIONS = frozenset({"VT", "NH", "ME", "MA", "CT"})
_GRADE_WEIGHT = np.array([0.45, 0.95, *[1.0] * 8, 1.08, 1.0, 0.95, 0.92, 0.0, 0.0, 0.0])
# Students per teacher: elementary classes are smaller than secondary ones, so per-scope LCT means keep
# teachers_secondary < teachers_only < teachers_elementary even with state minutes differing by level.
_STUDENTS_PER_K_TEACHER = 16.0
_STUDENTS_PER_ELEM_TEACHER = 13.5
_STUDENTS_PER_SEC_TEACHER = 19.0

# Planted cases per scale: how many districts (or rows) each one gets.
_PLANT = {
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

# Named districts: non-ASCII (cp1252-encodable) and CSV-hostile names, with the state that gets them.
_SPECIAL_NAMES = (
    ("NM", "Peñasco Independent Schools"),
    ("NM", "Doña Ana Community Schools"),
    ("NM", "Española Public Schools"),
    ("CO", "Cañon City RE-1"),
    ("AZ", "Smith, Jones and Lee Charter School"),
    ("MI", 'Academy of "Excellence" Charter'),
    ("CA", 'Lincoln, Adams & "Polk" Unified'),
)
_ANASCO = ("PR", "Escuela Especializada de Añasco")  # a closed LEA: directory only

_PLACE_WORDS = """
Oak Maple Cedar River Lake Spring Green Fair Clear Pine Elm Ash Willow Stone Mill Brook Red White Silver Golden North
South East West New High Rock Sand Bear Deer Eagle Fox Hawk Wolf Iron Copper Prairie Meadow Sun Cherry Apple Walnut
Hickory Cotton Harbor Bridge Union Liberty Franklin Jefferson Madison Lincoln Jackson Monroe Clay Marion Warren Greene
Wayne Hamilton Fulton Morgan Carroll Clinton
"""
_PLACE_ENDINGS = (
    "field ville ton dale wood view land ford port burg haven ridge mont crest side brook creek water well ley"
)
_WORDS_A = tuple(_PLACE_WORDS.split())
_WORDS_B = tuple(_PLACE_ENDINGS.split())
_WORDS_C = (" Valley", " Springs", " Falls", " Heights", " Grove", " Center", " Junction", " Hills", " Plains")
_WORDS_D = ("Lake ", "Mount ", "Port ", "Fort ", "Glen ", "Saint ")
_STATEWIDE_NAMES = {
    "HI": "Hawaii Department of Education",
    "PR": "Puerto Rico Department of Education",
    "GU": "Guam Department of Education",
    "AS": "American Samoa Department of Education",
    "MP": "Commonwealth of the Northern Mariana Islands Public School System",
}
_DCPS = "District of Columbia Public Schools"
_CHARTER_FORMS = (
    "{p} Academy", "{p} Preparatory Academy", "{p} Charter School", "{p} Leadership Academy",
    "{p} STEM Academy", "{p} Classical Academy", "{p} Community Charter", "{p} Arts Academy",
)  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Public API


@dataclass
class DemoDataSummary:
    """What `write_demo_data` wrote: paths, sizes and the exact counts of every planted case."""

    data_dir: Path
    year_dir: Path
    school_year: str
    scale: str
    seed: int
    paths: dict[str, Path]
    districts: int
    rows: dict[str, int]
    bytes: dict[str, int]
    csv_bytes: dict[str, int]
    district_counts: dict[str, int | float]
    planted: dict[str, int]
    planted_leaids: dict[str, list[str]]
    files: dict[str, dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def manifest_path(self) -> Path:
        return self.paths["manifest"]

    def to_manifest(self) -> dict[str, Any]:
        """The JSON manifest: everything but absolute paths and timings, so it is deterministic too."""
        return {
            "generator": "lct_pipelines.nces.demo_data",
            "school_year": self.school_year,
            "scale": self.scale,
            "seed": self.seed,
            "districts": self.districts,
            "files": self.files,
            "rows": self.rows,
            "bytes": self.bytes,
            "csv_bytes": self.csv_bytes,
            "district_counts": self.district_counts,
            "planted": self.planted,
            "planted_leaids": self.planted_leaids,
        }


def demo_file_names(school_year: str = "2023-24") -> dict[str, str]:
    """The CCD file names of a year: directory CSV, membership zip and CSV member, staff CSV."""
    _, code, release = _year_labels(school_year)
    return {
        "directory": f"ccd_lea_029_{code}_w_1a_{release}.csv",
        "membership": f"ccd_lea_052_{code}_l_1a_{release}.zip",
        "membership_member": f"ccd_lea_052_{code}_l_1a_{release}.csv",
        "staff": f"ccd_lea_059_{code}_l_1a_{release}.csv",
    }


def write_demo_data(
    data_dir: Path | str,
    scale: str = "small",
    seed: int = 42,
    school_year: str = "2023-24",
    progress: Callable[[str], None] | None = None,
    *,
    directory_encoding: str = "cp1252",
    membership_encoding: str = "utf-8",
    staff_encoding: str = "utf-8-sig",
    zip_level: int = 1,
) -> DemoDataSummary:
    """Write synthetic CCD directory, membership (zipped) and staff files of one year; return what was planted.

    The directory is Windows-1252 with LF and a trailing empty line, the
    membership CSV (inside the zip) UTF-8 with LF, the staff file UTF-8 with a
    BOM (`utf-8-sig`) and CRLF line endings: one file per encoding trap.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    long_year, _, _ = _year_labels(school_year)
    year_dir = Path(data_dir) / "raw" / "nces_ccd" / school_year
    year_dir.mkdir(parents=True, exist_ok=True)
    names = demo_file_names(school_year)

    plan = _plan(np.random.default_rng(seed), scale, long_year)
    say(f"plan: {plan.size:,} districts in {len({int(s) for s in plan.state}):,} states and territories")
    seconds: dict[str, float] = {"plan": time.perf_counter() - started}

    t0 = time.perf_counter()
    directory = _write_directory(plan, year_dir / names["directory"], encoding=directory_encoding, eol="\n")
    seconds["directory"] = time.perf_counter() - t0
    say(f"directory: {directory.rows:,} rows, {_mb(directory.bytes)}")

    t0 = time.perf_counter()
    membership = _write_membership(
        plan,
        year_dir / names["membership"],
        member=names["membership_member"],
        date_time=(int(long_year[5:]), 7, 31, 0, 0, 0),
        seed=seed,
        encoding=membership_encoding,
        eol="\n",
        zip_level=zip_level,
        say=say,
    )
    seconds["membership"] = time.perf_counter() - t0
    say(
        f"membership: {membership.rows:,} rows, {_mb(membership.csv_bytes)} CSV, "
        f"{_mb(membership.bytes)} zip, {seconds['membership']:.1f} s"
    )

    t0 = time.perf_counter()
    staff = _write_staff(plan, year_dir / names["staff"], seed=seed, encoding=staff_encoding, eol="\r\n")
    seconds["staff"] = time.perf_counter() - t0
    say(f"staff: {staff.rows:,} rows, {_mb(staff.bytes)}")

    summary = _summarise(plan, year_dir, names, school_year, scale, seed, directory, membership, staff)
    manifest = json.dumps(summary.to_manifest(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _atomic_write_bytes(summary.manifest_path, manifest.encode("utf-8"))
    seconds["total"] = time.perf_counter() - started
    summary.seconds = seconds
    say(f"done: {summary.districts:,} districts, manifest {summary.manifest_path.name}, {seconds['total']:.1f} s")
    return summary


# --------------------------------------------------------------------------------------------------
# The plan: one row per district, every attribute decided up front (so the files agree with each other)

ROLE_CORE, ROLE_CLOSED, ROLE_INACTIVE, ROLE_FUTURE, ROLE_NO_DATA = range(5)
LEVEL_UNIFIED, LEVEL_ELEMENTARY, LEVEL_SECONDARY, LEVEL_NONE = range(4)
KIND_NORMAL, KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH, KIND_ZERO_STAFF, KIND_STAFF_HEAVY = range(5)
CASE_NONE, CASE_DUP, CASE_CONFLICT, CASE_BLANK = range(4)


@dataclass
class _Plan:
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
        return _csv_line(row, "") + ","


def _plan(rng: np.random.Generator, scale: str, long_year: str) -> _Plan:
    """Decide every district: state, id, role, kind, grade span, size, names and planted cases."""
    plant = _PLANT[scale]
    core = _core_counts(scale)
    n_states = len(STATES)
    weights = core / core.sum()

    # Directory-only extras (closed, inactive, future, open without data), spread like the districts.
    extra = np.zeros((n_states, 5), dtype=np.int64)
    for role, key in ((ROLE_CLOSED, "closed"), (ROLE_INACTIVE, "inactive"), (ROLE_FUTURE, "future")):
        extra[:, role] = np.bincount(rng.choice(n_states, plant[key], p=weights), minlength=n_states)
    extra[:, ROLE_NO_DATA] = np.bincount(rng.choice(n_states, plant["open_no_data"], p=weights), minlength=n_states)
    pr = _state_index(_ANASCO[0])
    extra[pr, ROLE_CLOSED] += 1

    states, roles, leaids = [], [], []
    for si, s in enumerate(STATES):
        role_list = [ROLE_CORE] * int(core[si]) + [r for r in range(1, 5) for _ in range(int(extra[si, r]))]
        k = len(role_list)
        ids = np.sort(rng.choice(np.arange(1, max(2000, 6 * k)), size=k, replace=False))
        states += [si] * k
        roles += list(np.asarray(role_list)[rng.permutation(k)])
        leaids += [f"{s.fips}{i:05d}" for i in ids]
    n = len(states)
    state = np.asarray(states, dtype=np.int64)
    role = np.asarray(roles, dtype=np.int64)
    postal = np.asarray([STATES[i].postal for i in state])
    core_mask = role == ROLE_CORE
    state_core = core[state]

    # Coverage across the three files (core districts only; never the only district of a state).
    in_dir, in_mem, in_staff = np.ones(n, bool), core_mask.copy(), core_mask.copy()
    taken = ~core_mask | (state_core < 3)
    for key, d, m, st in (
        ("dir_mem", True, True, False),
        ("dir_staff", True, False, True),
        ("mem_staff", False, True, True),
        ("mem_only", False, True, False),
        ("staff_only", False, False, True),
    ):
        pick = _pick(rng, ~taken, plant[key])
        taken[pick] = True
        in_dir[pick], in_mem[pick], in_staff[pick] = d, m, st

    # District kinds (edge cases) among districts in all three files.
    full_cov = core_mask & in_dir & in_mem & in_staff & (state_core >= 3)
    kind = np.full(n, KIND_NORMAL)
    free = full_cov.copy()
    for key, code in (
        ("zero_enrollment", KIND_ZERO_ENROLLMENT),
        ("zero_both", KIND_ZERO_BOTH),
        ("zero_staff", KIND_ZERO_STAFF),
        ("staff_heavy", KIND_STAFF_HEAVY),
    ):
        pick = _pick(rng, free, plant[key])
        free[pick] = False
        kind[pick] = code

    # Grade level, charter status and LEA type.
    u = rng.random(n)
    elem_share = np.asarray([_ELEMENTARY_ONLY.get(p, 0.03) for p in postal])
    sec_share = np.asarray([_SECONDARY_ONLY.get(p, 0.01) for p in postal])
    level = np.where(u < elem_share, LEVEL_ELEMENTARY, np.where(u < elem_share + sec_share, LEVEL_SECONDARY, 0))
    charter = rng.random(n) < np.asarray([_CHARTER_SHARE.get(p, 0.02) for p in postal])
    charter &= (state_core >= 3) & ~np.isin(postal, ["BI", "PR", "VI", "GU", "AS", "MP"])
    charter_level = rng.choice(3, n, p=[0.35, 0.4, 0.25])
    level = np.where(charter, charter_level, level)
    lea_type = np.where(charter, 7, 1)
    new_england = np.isin(postal, sorted(_NEW_ENGLAND_UNIONS))
    lea_type = np.where(new_england & ~charter & (rng.random(n) < 0.35), 2, lea_type)
    lea_type = np.where(postal == "BI", 6, lea_type)
    agency = _pick(rng, free & ~charter, plant["state_agency"])
    free[agency] = False
    lea_type[agency] = rng.choice([5, 8, 9], agency.size, p=[0.5, 0.2, 0.3])
    zero_kinds = np.isin(kind, [KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH])
    lea_type = np.where(zero_kinds, np.where(new_england, 3, 4), lea_type)
    charter &= ~zero_kinds
    level = np.where(zero_kinds, LEVEL_NONE, level)
    heavy = kind == KIND_STAFF_HEAVY
    level = np.where(heavy, LEVEL_SECONDARY, level)
    lea_type = np.where(heavy, 9, lea_type)
    charter &= ~heavy

    # Sizes: split lognormal around the state median (calibrated on the 2023-24 quantiles), capped at the
    # state's largest district; the largest districts of the biggest states are planted at their real size.
    median = np.asarray([STATES[i].median_enrollment for i in state], dtype=float)
    cap = np.asarray([STATES[i].max_enrollment for i in state], dtype=float)
    z = rng.standard_normal(n)
    size = median * np.exp(np.where(z < 0, 1.2, 1.5) * z)
    single = state_core == 1
    size = np.where(single, median * np.exp(0.03 * z), size)
    size = np.where(charter, size * 0.7, size)
    size = np.where(lea_type == 5, rng.uniform(40, 600, n), size)
    size = np.where(heavy, rng.integers(4, 41, n), size)
    size = np.clip(np.round(size), 8, cap)
    for si, s in enumerate(STATES):
        if s.max_enrollment >= 250_000 and core[si] > 1:
            members = np.flatnonzero((state == si) & full_cov & (kind == KIND_NORMAL) & ~charter & (level == 0))
            if members.size:
                size[members[np.argmax(size[members])]] = s.max_enrollment

    # Grade spans.
    mask = np.zeros((n, 17), dtype=bool)
    mask[:, KG:14] = True
    elem_hi = rng.choice([9, 7, 6], n, p=[0.7, 0.15, 0.15])  # GSHI 08, 06, 05
    sec_lo = rng.choice([10, 8], n, p=[0.7, 0.3])  # GSLO 09, 07
    for i in np.flatnonzero(level == LEVEL_ELEMENTARY):
        mask[i, elem_hi[i] + 1 : 14] = False
    for i in np.flatnonzero(level == LEVEL_SECONDARY):
        mask[i, KG : (10 if heavy[i] else sec_lo[i])] = False
    has_students = ~zero_kinds
    prek_p = np.where(level == LEVEL_UNIFIED, 0.55, np.where(level == LEVEL_ELEMENTARY, 0.5, 0.0))
    prek_p = np.where(charter, prek_p * 0.5, prek_p)
    mask[:, PK] = (rng.random(n) < prek_p) & has_students
    students = has_students & in_mem
    mask[:, UG] = (rng.random(n) < 0.04) & has_students & ~heavy
    g13 = _pick(rng, students & ~charter & (level == LEVEL_UNIFIED) & (kind == KIND_NORMAL), plant["grade13"])
    mask[g13, G13] = True
    ae = _pick(rng, students & ~charter & (level == LEVEL_UNIFIED) & (kind == KIND_NORMAL), plant["adult_ed"])
    mask[ae, AE] = True

    weight = np.where(mask, _GRADE_WEIGHT, 0.0)
    lam = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-9) * size[:, None]
    lam[:, G13] = np.where(mask[:, G13], rng.uniform(5, 40, n), 0.0)
    lam[:, UG] = np.where(mask[:, UG], size * rng.uniform(0.002, 0.02, n) + 1, 0.0)
    lam[:, AE] = np.where(mask[:, AE], rng.uniform(5, 120, n), 0.0)
    lam[~has_students] = 0.0

    alpha = np.asarray([_STATE_RACES.get(p, _NATIONAL_RACES) for p in postal], dtype=float) * 8.0 + 1e-3
    race = rng.gamma(alpha)
    race_p = race / race.sum(axis=1, keepdims=True)
    not_specified = np.zeros(n, bool)
    not_specified[_pick(rng, students & (kind == KIND_NORMAL), plant["not_specified"])] = True

    # Status: open-like for districts with data (always Open for a state's only district).
    open_status = np.searchsorted(_OPEN_STATUS_CUTS, rng.random(n), side="right")
    open_status[single] = 0
    by_role = {ROLE_CLOSED: "Closed", ROLE_INACTIVE: "Inactive", ROLE_FUTURE: "Future", ROLE_NO_DATA: "Open"}
    status = [_OPEN_STATUSES[open_status[i]] if role[i] == ROLE_CORE else by_role[int(role[i])] for i in range(n)]

    # Special names on ordinary open districts of their state (a charter name makes its district a charter).
    giant = size >= 250_000
    clean = full_cov & (kind == KIND_NORMAL) & ~np.isin(lea_type, [5, 8, 9]) & (size >= 100) & ~single & ~giant
    clean &= np.asarray([st == "Open" for st in status])
    nameable = full_cov & (kind == KIND_NORMAL) & np.isin(lea_type, [1, 2, 7]) & ~giant & ~single
    special_names: dict[int, str] = {}
    for postal_code, special in _SPECIAL_NAMES:
        is_charter = "Charter" in special
        in_state = nameable & (postal == postal_code)
        preferred = in_state & clean & (charter == is_charter)
        preferred &= level == (LEVEL_ELEMENTARY if is_charter else LEVEL_UNIFIED)
        for candidates in (preferred, in_state & (charter == is_charter), in_state):
            pick = _pick(rng, candidates, 1)
            if pick.size:
                break
        if pick.size == 0:  # never at the built-in scales; keeps odd scales working
            continue
        i = int(pick[0])
        special_names[i] = special
        charter[i], lea_type[i] = is_charter, 7 if is_charter else 1
        clean[i] = nameable[i] = False

    # Names, places, websites, union numbers.
    name, city, website, st_leaid, union, charter_text = [], [], [], [], [], []
    places = _places(rng, 2 * n)
    web_u = rng.random(n)
    unique_names: set[str] = set()
    for i in range(n):
        s = STATES[int(state[i])]
        place, town = places[2 * i], places[2 * i + 1]
        main = role[i] == ROLE_CORE and lea_type[i] in (1, 2) and not charter[i]
        lea_name = _district_name(s, place, int(level[i]), bool(charter[i]), int(lea_type[i]), i, main)
        if lea_name in _STATEWIDE_NAMES.values() or lea_name == _DCPS:
            lea_name = lea_name if lea_name not in unique_names else f"{place} Public Schools"
            unique_names.add(lea_name)
        name.append(special_names.get(i, lea_name))
        city.append(town if lea_type[i] not in (5, 6) else place)
        slug = re.sub(r"[^a-z0-9]", "", place.lower())
        website.append(
            f"https://www.{slug}.k12.{s.postal.lower()}.us"
            if web_u[i] < 0.65
            else (f"https://www.{slug}schools.org" if web_u[i] < 0.9 else "")
        )
        st_leaid.append(f"{s.postal}-{int(leaids[i][2:]) * 7 % 10 ** (3 + int(s.fips) % 5):0{3 + int(s.fips) % 5}d}")
        union.append(f"{int(leaids[i][2:]) % 97 + 1:03d}" if lea_type[i] in (2, 3) else "")
        if charter[i]:
            charter_text.append(CHARTER_TEXTS[int(web_u[i] * 1000) % 3])
        elif s.postal in _CHARTER_SHARE or s.postal not in ("BI", "AS", "GU", "MP", "PR", "VI"):
            charter_text.append(NOT_CHARTER)
        else:
            charter_text.append("Not applicable")
    zip_codes = [f"{STATES[int(state[i])].zip3}{v:02d}" for i, v in enumerate(rng.integers(1, 99, n))]

    # The closed Añasco LEA of PR (directory only).
    closed_pr = np.flatnonzero((state == pr) & (role == ROLE_CLOSED))
    name[int(closed_pr[0])] = _ANASCO[1]

    # Planted messiness, each in its own district.
    stripped = np.zeros(n, bool)
    low_fips = np.asarray([int(STATES[i].fips) < 10 for i in state])
    pick = _pick(rng, clean & low_fips, plant["stripped"])
    stripped[pick] = True
    clean[pick] = False

    mem_case, mem_cell, mem_arg = np.zeros(n, np.int64), np.zeros((n, 2), np.int64), np.zeros(n, np.int64)
    for key, case in (("mem_dup", CASE_DUP), ("mem_conflict", CASE_CONFLICT), ("mem_blank", CASE_BLANK)):
        pick = _pick(rng, clean, plant[key])
        clean[pick] = False
        mem_case[pick] = case
        for j, i in enumerate(pick):
            grades = np.flatnonzero(mask[i, KG:14]) + KG
            mem_cell[i] = (rng.choice(grades), rng.integers(0, 14))
            mem_arg[i] = rng.integers(1, 6) if case == CASE_CONFLICT else 1 + j % 4
    mem_mismatch = np.zeros(n, np.int64)
    pick = _pick(rng, clean, plant["mem_mismatch"])
    clean[pick] = False
    mem_mismatch[pick] = rng.integers(1, 40, pick.size) * rng.choice([-1, 1], pick.size)

    staff_case, staff_cell, staff_arg = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    for key, case in (("staff_dup", CASE_DUP), ("staff_conflict", CASE_CONFLICT), ("staff_blank", CASE_BLANK)):
        pick = _pick(rng, clean, plant[key])
        clean[pick] = False
        staff_case[pick] = case
        for j, i in enumerate(pick):
            cats = [S_PARA, S_SUPPORT, S_SCH_ADM, S_OTHER, S_LEA_ADM]
            cats += [S_SEC] if level[i] != LEVEL_ELEMENTARY else [S_ELEM]
            staff_cell[i] = rng.choice(cats)
            staff_arg[i] = rng.integers(50, 500) if case == CASE_CONFLICT else 1 + j % 4
    staff_mismatch = np.zeros(n, np.int64)
    pick = _pick(rng, clean, plant["staff_mismatch"])
    clean[pick] = False
    staff_mismatch[pick] = rng.integers(50, 300, pick.size) * rng.choice([-1, 1], pick.size)

    dir_case = np.zeros(n, np.int64)
    for key, case in (("dir_dup", CASE_DUP), ("dir_conflict", CASE_CONFLICT)):
        pick = _pick(rng, clean, plant[key])
        clean[pick] = False
        dir_case[pick] = case

    return _Plan(
        size=n,
        long_year=long_year,
        state=state,
        leaid=leaids,
        role=role,
        in_dir=in_dir,
        in_mem=in_mem,
        in_staff=in_staff,
        kind=kind,
        level=level,
        charter=charter,
        lea_type=lea_type,
        grade_mask=mask,
        grade_lam=lam,
        race_p=race_p,
        not_specified=not_specified,
        stripped=stripped,
        name=name,
        status=status,
        union=union,
        st_leaid=st_leaid,
        city=city,
        zip=zip_codes,
        website=website,
        charter_text=charter_text,
        mem_case=mem_case,
        mem_cell=mem_cell,
        mem_arg=mem_arg,
        mem_mismatch=mem_mismatch,
        staff_case=staff_case,
        staff_cell=staff_cell,
        staff_arg=staff_arg,
        staff_mismatch=staff_mismatch,
        dir_case=dir_case,
        grade_counts=np.zeros((n, 17), np.int64),
        staff_fte=np.zeros((n, 19), np.int64),
    )


def _core_counts(scale: str) -> np.ndarray:
    """Districts with data per state: the real counts (full) or ~600 in proportion, at least 1 each (small)."""
    real = np.asarray([s.districts for s in STATES], dtype=np.int64)
    if scale == "full":
        return real
    quota = real * SMALL_DISTRICTS / real.sum()
    counts = np.maximum(1, np.floor(quota)).astype(np.int64)
    missing = SMALL_DISTRICTS - int(counts.sum())
    if missing > 0:
        order = np.argsort(-(quota - np.floor(quota)), kind="stable")
        counts[order[:missing]] += 1
    return counts


def _state_index(postal: str) -> int:
    return next(i for i, s in enumerate(STATES) if s.postal == postal)


def _pick(rng: np.random.Generator, eligible: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices where `eligible` (fewer if not enough), sorted."""
    pool = np.flatnonzero(eligible)
    if k <= 0 or pool.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(pool, size=min(k, pool.size), replace=False))


def _places(rng: np.random.Generator, k: int) -> list[str]:
    a = rng.integers(0, len(_WORDS_A), k)
    b = rng.integers(0, len(_WORDS_B), k)
    c = rng.integers(0, len(_WORDS_C), k)
    d = rng.integers(0, len(_WORDS_D), k)
    form = rng.random(k)
    out = []
    for i in range(k):
        word = _WORDS_A[a[i]]
        if form[i] < 0.65:
            out.append(word + _WORDS_B[b[i]])
        elif form[i] < 0.9:
            out.append(word + _WORDS_C[c[i]])
        else:
            out.append(_WORDS_D[d[i]] + word)
    return out


def _district_name(s: State, place: str, level: int, charter: bool, lea_type: int, i: int, main: bool) -> str:
    """A plausible LEA_NAME in the naming style of the state (`main`: an open regular district)."""
    p, st, num = place, s.postal, 1 + (i * 37) % 300
    if main and st in _STATEWIDE_NAMES:
        return _STATEWIDE_NAMES[st]
    if st == "VI":
        return "St. Croix School District" if i % 2 else "St. Thomas - St. John School District"
    if charter:
        return _CHARTER_FORMS[i % len(_CHARTER_FORMS)].format(p=p)
    if lea_type == 3:
        return f"SAU {num:02d}" if st == "NH" else f"{p} Supervisory Union"
    if lea_type == 4:
        return {"NY": f"{p} BOCES", "TX": f"Region {num % 20 + 1} Education Service Center"}.get(
            st, f"{p} Regional Education Service Agency"
        )
    if lea_type == 5:
        return f"{s.name.title()} School for the Deaf" if i % 2 else f"{s.name.title()} Department of Juvenile Justice"
    if lea_type in (8, 9):
        return f"{p} Virtual Academy" if i % 2 else f"{p} Special Education Cooperative"
    if st == "BI":
        return f"{p} {('Day School', 'Community School', 'Boarding School', 'Tribal School')[i % 4]}"
    if st == "DC":
        return _DCPS
    if level == LEVEL_ELEMENTARY:
        return {
            "CA": f"{p} Elementary",
            "IL": f"{p} SD {num}",
            "MT": f"{p} Elem",
            "NJ": f"{p} Township School District",
        }.get(st, f"{p} Elementary School District")
    if level == LEVEL_SECONDARY:
        return {"CA": f"{p} Union High", "IL": f"{p} Twp HSD {num}", "MT": f"{p} H S"}.get(
            st, f"{p} High School District"
        )
    county = ("AL", "GA", "FL", "MD", "KY", "TN", "VA", "NC", "SC", "WV", "LA", "MS", "UT", "NV")
    if st in county:
        return f"{p} County" if i % 3 else f"{p} City"
    styles = {
        "TX": f"{p} ISD",
        "CA": f"{p} Unified",
        "NY": f"{p} Central School District",
        "PA": f"{p} Area School District",
        "IL": f"{p} CUSD {num}",
        "OH": f"{p} Local" if i % 2 else f"{p} City",
        "NJ": f"{p} Public School District",
        "IA": f"{p} Community School District",
        "MN": f"{p} Public School District",
        "OK": f"{p} Public Schools",
    }
    return styles.get(st, f"{p} School District" if i % 2 else f"{p} Public Schools")


# --------------------------------------------------------------------------------------------------
# Writers


@dataclass
class _FileResult:
    path: Path
    rows: int
    bytes: int
    csv_bytes: int
    columns: Sequence[str]
    encoding: str
    eol: str
    trailing_empty_line: bool = False
    member: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> dict[str, Any]:
        """The manifest's description of the file: what a reader must cope with."""
        return {
            "name": self.path.name,
            "member": self.member,
            "columns": list(self.columns),
            "encoding": self.encoding,
            "bom": self.encoding.lower().replace("_", "-") == "utf-8-sig",
            "line_ending": EOL_NAMES.get(self.eol, self.eol),
            "trailing_empty_line": self.trailing_empty_line,
            "rows": self.rows,
            "bytes": self.bytes,
            "csv_bytes": self.csv_bytes,
        }


def _write_directory(plan: _Plan, path: Path, *, encoding: str, eol: str) -> _FileResult:
    """The 029 directory: one row per LEA (plus the planted duplicate and conflicting rows)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=eol)
    writer.writerow(DIRECTORY_COLUMNS)
    rows = 0
    for i in np.flatnonzero(plan.in_dir):
        s = STATES[int(plan.state[i])]
        lo, hi = _grade_span(plan, int(i))
        operational = _operational_schools(plan, int(i))
        t = int(plan.lea_type[i])
        row = [
            plan.long_year, s.fips, s.name, s.postal, plan.name[i], "01", plan.union[i], plan.st_leaid[i],
            plan.leaid[i], str(t), LEA_TYPE_TEXT[t], plan.status[i], plan.charter_text[i], lo, hi,
            plan.city[i], plan.zip[i], plan.website[i], str(operational),
        ]  # fmt: skip
        writer.writerow(row)
        rows += 1
        if plan.dir_case[i] == CASE_DUP:
            writer.writerow(row)
            rows += 1
        elif plan.dir_case[i] == CASE_CONFLICT:
            writer.writerow([*row[:11], "Changed boundary/agency", *row[12:18], str(operational + 1)])
            rows += 1
    buf.write(eol)  # the trailing empty line
    data = buf.getvalue().encode(encoding)
    _atomic_write_bytes(path, data)
    return _FileResult(
        path=path,
        rows=rows,
        bytes=len(data),
        csv_bytes=len(data),
        columns=DIRECTORY_COLUMNS,
        encoding=encoding,
        eol=eol,
        trailing_empty_line=True,
    )


def _grade_span(plan: _Plan, i: int) -> tuple[str, str]:
    """GSLO/GSHI: lowest and highest grade with students; N when there are none."""
    if plan.role[i] != ROLE_CORE or plan.kind[i] in (KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH):
        return "N", "N"
    grades = np.flatnonzero(plan.grade_mask[i, :UG])
    if grades.size == 0:
        return "UG", "UG"
    return GRADE_CODES[grades[0]], GRADE_CODES[grades[-1]]


def _operational_schools(plan: _Plan, i: int) -> int:
    if plan.role[i] != ROLE_CORE or plan.kind[i] in (KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH):
        return 0
    students = float(plan.grade_lam[i].sum())
    return max(1, round(students / (350 + (int(plan.leaid[i][2:]) * 13) % 300)))


def _write_membership(
    plan: _Plan,
    path: Path,
    *,
    member: str,
    date_time: tuple[int, int, int, int, int, int],
    seed: int,
    encoding: str,
    eol: str,
    zip_level: int,
    say: Callable[[str], None],
) -> _FileResult:
    """The 052 membership zip, streamed chunk by chunk into the deflated member (memory stays flat)."""
    info = zipfile.ZipInfo(member, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    _set_compress_level(info, zip_level)
    # Every GRADE,RACE_ETHNICITY,SEX text; RACES and SEXES already end with NO_CATEGORY_CODES (the total rows').
    grade_tab = pa.array([f"{g},{r},{x}," for g in (*GRADES, NO_CATEGORY_CODES) for r in RACES for x in SEXES])
    tail_tab = pa.array([f",{ind},{flag}{eol}" for ind in MEMBERSHIP_INDICATORS for flag in DMS_FLAGS])
    districts = np.flatnonzero(plan.in_mem)
    chunks = [districts[i : i + MEMBERSHIP_CHUNK] for i in range(0, districts.size, MEMBERSHIP_CHUNK)]
    stats = {"rows": 0, "stripped_rows": 0, "stripped_detail_rows": 0, "not_specified_rows": 0}
    tmp = _partial(path)
    written = 0
    # Zip64 headers only when the CSV may pass 2 GiB (it never does at full scale: ~0.6 GB).
    zip64 = int(plan.grade_mask[districts].sum()) * 15 * 220 > 2**31
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf, zf.open(info, "w", force_zip64=zip64) as out:
        sink = _Sink(out, encoding)
        sink.write_text(",".join(MEMBERSHIP_COLUMNS) + eol, first=True)
        next_report = 0.25
        for n_chunk, idx in enumerate(chunks):
            rng = np.random.default_rng([seed, 52, n_chunk])
            sink.write_utf8(_membership_chunk(plan, idx, rng, grade_tab, tail_tab, stats))
            done = (n_chunk + 1) / len(chunks)
            if len(chunks) > 20 and done >= next_report and done < 1:
                say(f"membership: {done:.0%} ({stats['rows']:,} rows, {_mb(sink.bytes)})")
                next_report += 0.25
        written = sink.bytes
    os.replace(tmp, path)
    return _FileResult(
        path=path,
        rows=stats["rows"],
        bytes=path.stat().st_size,
        csv_bytes=written,
        columns=MEMBERSHIP_COLUMNS,
        encoding=encoding,
        eol=eol,
        member=member,
        stats=stats,
    )


def _membership_chunk(
    plan: _Plan,
    idx: np.ndarray,
    rng: np.random.Generator,
    grade_tab: pa.Array,
    tail_tab: pa.Array,
    stats: dict[str, int],
) -> memoryview:
    """CSV text of the membership rows of districts `idx`; records their effective grade counts in the plan."""
    c = idx.size
    mask = plan.grade_mask[idx]
    pair_d, pair_g = np.nonzero(mask)  # one (district, grade) pair per offered grade, district-major
    n_pairs = pair_d.size
    pair_id = np.full((c, 17), -1, dtype=np.int64)
    pair_id[pair_d, pair_g] = np.arange(n_pairs)
    n_cell = np.where(plan.not_specified[idx][pair_d], 15, 14)
    pair_start = np.concatenate(([0], np.cumsum(n_cell)[:-1]))
    cell_pair = np.repeat(np.arange(n_pairs), n_cell)
    local = np.arange(cell_pair.size) - pair_start[cell_pair]
    race = np.where(local < 14, local // 2, 7)
    sex = np.where(local < 14, local % 2, 2)
    cd, cg = pair_d[cell_pair], pair_g[cell_pair]
    race_p = np.concatenate([plan.race_p[idx], np.full((c, 1), 0.004)], axis=1)
    sex_p = np.array([1 - _MALE_SHARE, _MALE_SHARE, 1.0])
    counts = rng.poisson(plan.grade_lam[idx][cd, cg] * race_p[cd, race] * sex_p[sex]).astype(np.int64)
    # Every offered grade of a district with students gets at least one, so GSLO/GSHI match the students.
    grade_total = np.bincount(cell_pair, weights=counts, minlength=n_pairs)
    has_students = ~np.isin(plan.kind[idx], [KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH])
    need = np.flatnonzero((grade_total == 0) & has_students[pair_d])
    counts[pair_start[need] + rng.integers(0, 14, need.size)] += 1

    # Planted cells: blanks in place; duplicates and conflicting copies as extra rows right after.
    blank = np.zeros(counts.size, dtype=bool)
    flag = np.zeros(counts.size, dtype=np.int64)
    extra_rows, extra_counts = [], []
    for j in np.flatnonzero(plan.mem_case[idx] != CASE_NONE):
        i = idx[j]
        g, cell = plan.mem_cell[i]
        row = pair_start[pair_id[j, g]] + cell
        case = plan.mem_case[i]
        if case == CASE_BLANK:
            blank[row], flag[row] = True, plan.mem_arg[i]
        else:
            extra_rows.append(row)
            extra_counts.append(counts[row] + (plan.mem_arg[i] if case == CASE_CONFLICT else 0))
    ok = ~blank
    grade_total = np.bincount(cell_pair[ok], weights=counts[ok], minlength=n_pairs).astype(np.int64)
    effective = np.zeros((c, 17), dtype=np.int64)
    effective[pair_d, pair_g] = grade_total
    plan.grade_counts[idx] = effective
    district_total = effective.sum(axis=1)
    reported_total = district_total + plan.mem_mismatch[idx]

    ex = np.asarray(extra_rows, dtype=np.int64)
    no_race, no_sex, no_grade = RACES.index(NO_CATEGORY_CODES), SEXES.index(NO_CATEGORY_CODES), len(GRADES)
    ar = np.arange(c)
    parts = {
        "d": (cd, cd[ex], pair_d, ar, ar),
        "g": (cg, cg[ex], pair_g, np.full(c, no_grade), np.full(c, no_grade)),
        "race": (race, race[ex], np.full(n_pairs, no_race), np.full(c, no_race), np.full(c, no_race)),
        "sex": (sex, sex[ex], np.full(n_pairs, no_sex), np.full(c, no_sex), np.full(c, no_sex)),
        "count": (
            counts,
            np.asarray(extra_counts, dtype=np.int64),
            grade_total,
            reported_total - effective[:, AE],
            reported_total,
        ),
        "blank": (blank, np.zeros(ex.size, bool), np.zeros(n_pairs, bool), np.zeros(c, bool), np.zeros(c, bool)),
        "flag": (flag, np.zeros(ex.size, np.int64), np.zeros(n_pairs, np.int64), np.zeros(c, np.int64), ar * 0),
        "ind": (cd * 0, ex * 0, pair_d * 0 + 1, np.full(c, 2), np.full(c, 3)),
        # order: district, then section (detail, subtotals, derived, total), then position (copies after originals)
        "key": (
            (cd << 40) | (np.arange(cd.size) << 1),
            (cd[ex] << 40) | (ex << 1) | 1,
            (pair_d << 40) | (1 << 36) | np.arange(n_pairs),
            (ar << 40) | (2 << 36),
            (ar << 40) | (3 << 36),
        ),
    }
    cols = {k: np.concatenate(v) for k, v in parts.items()}
    order = np.argsort(cols["key"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}

    prefixes = pa.array([plan.prefix(int(i), strip=bool(plan.stripped[i])) for i in idx])
    d = cols["d"]
    count_text = pc.fill_null(pc.cast(pa.array(cols["count"], mask=cols["blank"]), pa.string()), "")
    lines = pc.binary_join_element_wise(
        prefixes.take(pa.array(d)),
        grade_tab.take(pa.array((cols["g"] * len(RACES) + cols["race"]) * len(SEXES) + cols["sex"])),
        count_text,
        tail_tab.take(pa.array(cols["ind"] * len(DMS_FLAGS) + cols["flag"])),
        "",
    )
    stats["rows"] += len(d)
    stripped = plan.stripped[idx][d]
    stats["stripped_rows"] += int(stripped.sum())
    stats["stripped_detail_rows"] += int((stripped & (cols["ind"] == 0)).sum())
    stats["not_specified_rows"] += int((cols["race"] == 7).sum())
    return _text_buffer(lines)


def _write_staff(plan: _Plan, path: Path, *, seed: int, encoding: str, eol: str) -> _FileResult:
    """The 059 staff file: 19 detail categories and 4 total rows per district."""
    rng = np.random.default_rng([seed, 59])
    fte = _staff_fte(plan, rng)
    mid_tab = pa.array([f"{name}," for name in (*STAFF_CATEGORIES, *(t[0] for t in STAFF_TOTALS))])
    indicators = (STAFF_DETAIL_INDICATOR, *(t[1] for t in STAFF_TOTALS))
    tail_tab = pa.array([f",{ind},{flag}{eol}" for ind in indicators for flag in DMS_FLAGS])
    districts = np.flatnonzero(plan.in_staff)
    stats = {"rows": 0, "stripped_rows": 0, "stripped_detail_rows": 0}
    tmp = _partial(path)
    with tmp.open("wb") as fh:
        sink = _Sink(fh, encoding)
        sink.write_text(",".join(STAFF_COLUMNS) + eol, first=True)
        for start in range(0, districts.size, STAFF_CHUNK):
            idx = districts[start : start + STAFF_CHUNK]
            sink.write_utf8(_staff_chunk(plan, idx, fte[idx], mid_tab, tail_tab, stats))
        written = sink.bytes
    os.replace(tmp, path)
    return _FileResult(
        path=path,
        rows=stats["rows"],
        bytes=path.stat().st_size,
        csv_bytes=written,
        columns=STAFF_COLUMNS,
        encoding=encoding,
        eol=eol,
        stats=stats,
    )


def _staff_fte(plan: _Plan, rng: np.random.Generator) -> np.ndarray:
    """FTE per district and detail category, in hundredths, from the students each category serves."""
    n = plan.size
    counts = plan.grade_counts.astype(float)
    # Districts without membership rows still have students behind their staff: use the expected counts.
    counts[~plan.in_mem] = np.round(plan.grade_lam[~plan.in_mem])
    kg = counts[:, KG]
    g15 = counts[:, 2:7].sum(axis=1)
    mid = counts[:, 7:10].sum(axis=1)
    high = counts[:, 10:14].sum(axis=1)
    k12 = counts[:, K12].sum(axis=1)
    students = k12 + counts[:, G13] + counts[:, UG]
    level = plan.level

    # Small districts have smaller classes; each district and category gets its own noise.
    size_factor = 1 - 0.5 * np.exp(-students / 150)
    noise = rng.lognormal(0, 0.12, n) * size_factor

    def jitter(scale: float = 0.08) -> np.ndarray:
        return rng.lognormal(0, scale, n)

    def per(divisor_lo: float, divisor_hi: float, base: np.ndarray) -> np.ndarray:
        return base / rng.uniform(divisor_lo, divisor_hi, n)

    f = np.zeros((n, 19))
    elementary_only = level == LEVEL_ELEMENTARY
    f[:, S_KG] = kg / (_STUDENTS_PER_K_TEACHER * noise * jitter())
    elementary_students = np.where(elementary_only, g15 + mid, g15)
    f[:, S_ELEM] = elementary_students / (_STUDENTS_PER_ELEM_TEACHER * noise * jitter())
    secondary_students = np.where(elementary_only, 0.0, mid + high)
    f[:, S_SEC] = secondary_students / (_STUDENTS_PER_SEC_TEACHER * noise * jitter())
    k_in_elem = rng.random(n) < 0.15  # some states report kindergarten teachers as elementary teachers
    f[k_in_elem, S_ELEM] += f[k_in_elem, S_KG]
    f[k_in_elem, S_KG] = 0
    f[:, S_PK] = np.where(rng.random(n) < 0.85, counts[:, PK] / rng.uniform(12, 18, n), 0.0)
    teachers = f[:, S_KG] + f[:, S_ELEM] + f[:, S_SEC]
    # Ungraded teachers (special education, alternative programs) in many districts: teachers_core > teachers_only.
    f[:, S_UNGRADED] = counts[:, UG] / 10 + np.where(rng.random(n) < 0.45, teachers * rng.uniform(0.02, 0.14, n), 0)
    f[:, S_PARA] = per(45, 95, k12) + counts[:, PK] / 25
    f[:, S_COORD] = np.where((students < 400) & (rng.random(n) < 0.5), 0, per(500, 1500, students))
    f[:, S_LIB] = np.where((students < 500) & (rng.random(n) < 0.35), 0, per(700, 1500, students))
    f[:, S_LIBSUP] = np.where((students < 800) & (rng.random(n) < 0.5), 0, per(1000, 3000, students))
    f[:, S_COUNS_E] = per(450, 900, kg + g15)
    f[:, S_COUNS_S] = per(250, 450, mid + high)
    f[:, S_COUNS_O] = np.where(rng.random(n) < 0.5, 0, per(2500, 8000, students))
    f[:, S_PSYCH] = np.where((students < 600) & (rng.random(n) < 0.3), 0, per(1000, 2500, students))
    f[:, S_SUPPORT] = per(120, 260, students)
    f[:, S_LEA_ADM] = np.where(students > 0, 1 + per(2000, 5000, students), 0)
    f[:, S_LEA_SUP] = np.where(students > 0, 0.5 + per(500, 1200, students), 0)
    f[:, S_SCH_ADM] = per(250, 450, students)
    f[:, S_SCH_SUP] = per(150, 320, students)
    f[:, S_OTHER] = per(17, 35, students)

    kind = plan.kind
    agency = kind == KIND_ZERO_ENROLLMENT  # service agencies and supervisory unions: staff, no students
    for cat, lo, hi in (
        (S_LEA_ADM, 1, 5), (S_LEA_SUP, 1, 8), (S_COORD, 0, 6), (S_SUPPORT, 0, 25), (S_OTHER, 0, 20),
        (S_PSYCH, 0, 5), (S_PARA, 0, 12), (S_UNGRADED, 0, 10),
    ):  # fmt: skip
        f[agency, cat] = rng.uniform(lo, hi, int(agency.sum()))
    f[np.isin(kind, [KIND_ZERO_BOTH, KIND_ZERO_STAFF])] = 0
    heavy = kind == KIND_STAFF_HEAVY
    target = students * rng.uniform(1.3, 3.0, n)
    f[heavy] *= (target[heavy] / np.maximum(f[heavy].sum(axis=1), 1e-9))[:, None]
    # ... with more teachers than students, so every scope of theirs is clearly invalid (not near the 360 edge)
    f[heavy, S_SEC] = np.maximum(f[heavy, S_SEC], students[heavy] * rng.uniform(1.2, 1.6, int(heavy.sum())))

    hundredths = np.round(f * 100)
    whole = rng.random(n) < 0.4  # many states report whole FTE
    hundredths[whole] = np.round(hundredths[whole] / 100) * 100
    return hundredths.astype(np.int64)


def _staff_chunk(
    plan: _Plan, idx: np.ndarray, fte: np.ndarray, mid_tab: pa.Array, tail_tab: pa.Array, stats: dict[str, int]
) -> memoryview:
    c = idx.size
    d = np.repeat(np.arange(c), 19)
    cat = np.tile(np.arange(19), c)
    value = fte.reshape(-1).copy()
    blank = np.zeros(value.size, bool)
    flag = np.zeros(value.size, np.int64)
    extra_rows, extra_values = [], []
    for j in np.flatnonzero(plan.staff_case[idx] != CASE_NONE):
        i = idx[j]
        row = j * 19 + plan.staff_cell[i]
        case = plan.staff_case[i]
        if case == CASE_BLANK:
            blank[row], flag[row] = True, plan.staff_arg[i]
        else:
            extra_rows.append(row)
            extra_values.append(value[row] + (plan.staff_arg[i] if case == CASE_CONFLICT else 0))
    effective = np.where(blank, 0, value).reshape(c, 19)
    plan.staff_fte[idx] = effective
    totals = np.stack([effective[:, list(members)].sum(axis=1) for _, _, members in STAFF_TOTALS], axis=1)
    totals[:, 0] += plan.staff_mismatch[idx]
    ex = np.asarray(extra_rows, dtype=np.int64)
    n_tot = len(STAFF_TOTALS)
    td = np.repeat(np.arange(c), n_tot)
    tcat = np.tile(np.arange(n_tot), c)
    cols = {
        "d": np.concatenate([d, d[ex], td]),
        "mid": np.concatenate([cat, cat[ex], 19 + tcat]),
        "value": np.concatenate([value, np.asarray(extra_values, np.int64), totals.reshape(-1)]),
        "blank": np.concatenate([blank, np.zeros(ex.size + td.size, bool)]),
        "flag": np.concatenate([flag, np.zeros(ex.size + td.size, np.int64)]),
        "ind": np.concatenate([np.zeros(d.size + ex.size, np.int64), 1 + tcat]),
        "key": np.concatenate(
            [(d << 40) | (np.arange(d.size) << 1), (d[ex] << 40) | (ex << 1) | 1, (td << 40) | (1 << 36) | tcat]
        ),
    }
    order = np.argsort(cols["key"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    whole = pc.cast(pa.array(cols["value"] // 100), pa.string())
    cents = pc.utf8_lpad(pc.cast(pa.array(cols["value"] % 100), pa.string()), width=2, padding="0")
    value_text = pc.binary_join_element_wise(whole, ".", cents, "")
    value_text = pc.if_else(pa.array(cols["blank"]), "", value_text)
    prefixes = pa.array([plan.prefix(int(i), strip=bool(plan.stripped[i])) for i in idx])
    lines = pc.binary_join_element_wise(
        prefixes.take(pa.array(cols["d"])),
        mid_tab.take(pa.array(cols["mid"])),
        value_text,
        tail_tab.take(pa.array(cols["ind"] * len(DMS_FLAGS) + cols["flag"])),
        "",
    )
    stats["rows"] += len(cols["d"])
    stripped = plan.stripped[idx][cols["d"]]
    stats["stripped_rows"] += int(stripped.sum())
    stats["stripped_detail_rows"] += int((stripped & (cols["ind"] == 0)).sum())
    return _text_buffer(lines)


# --------------------------------------------------------------------------------------------------
# Summary and manifest


def _summarise(
    plan: _Plan,
    year_dir: Path,
    names: dict[str, str],
    school_year: str,
    scale: str,
    seed: int,
    directory: _FileResult,
    membership: _FileResult,
    staff: _FileResult,
) -> DemoDataSummary:
    in_dir, in_mem, in_staff = plan.in_dir, plan.in_mem, plan.in_staff
    students = plan.grade_counts.sum(axis=1)
    fte = plan.staff_fte.sum(axis=1)  # hundredths, every detail category (Pre-K teachers included)
    status = np.asarray(plan.status)
    nonzero = students[in_mem & (students > 0)]
    gslo_ghi = [_grade_span(plan, int(i)) for i in range(plan.size)]
    has_span = np.asarray([lo != "N" for lo, _ in gslo_ghi])
    listed = in_dir & has_span
    district_counts: dict[str, int | float] = {
        "total": plan.size,
        "directory": int(in_dir.sum()),
        "membership": int(in_mem.sum()),
        "staff": int(in_staff.sum()),
        "all_three": int((in_dir & in_mem & in_staff).sum()),
        "directory_only": int((in_dir & ~in_mem & ~in_staff).sum()),
        "directory_without_membership": int((in_dir & ~in_mem).sum()),
        "directory_without_staff": int((in_dir & ~in_staff).sum()),
        "membership_not_in_directory": int((in_mem & ~in_dir).sum()),
        "staff_not_in_directory": int((in_staff & ~in_dir).sum()),
        "membership_without_staff": int((in_mem & ~in_staff).sum()),
        "staff_without_membership": int((in_staff & ~in_mem).sum()),
        "closed": int((in_dir & (status == "Closed")).sum()),
        "inactive": int((in_dir & (status == "Inactive")).sum()),
        "future": int((in_dir & (status == "Future")).sum()),
        "charter": int((in_dir & plan.charter).sum()),
        "unified": int((listed & (plan.level == LEVEL_UNIFIED)).sum()),
        "elementary_only": int((listed & (plan.level == LEVEL_ELEMENTARY)).sum()),
        "secondary_only": int((listed & (plan.level == LEVEL_SECONDARY)).sum()),
        "zero_enrollment": int((in_mem & (students == 0)).sum()),
        "zero_enrollment_with_staff": int((in_mem & in_staff & (students == 0) & (fte > 0)).sum()),
        "zero_staff": int((in_staff & (fte == 0)).sum()),
        "zero_staff_with_students": int((in_mem & in_staff & (fte == 0) & (students > 0)).sum()),
        "staff_exceeds_enrollment": int((in_mem & in_staff & (students > 0) & (fte > students * 100)).sum()),
        "tiny_under_50": int((in_mem & (students > 0) & (students < 50)).sum()),
        "states_and_territories": len({int(s) for s in plan.state}),
        "enrollment_median": float(np.median(nonzero)) if nonzero.size else 0.0,
        "enrollment_max": int(nonzero.max()) if nonzero.size else 0,
        "enrollment_total": int(students[in_mem].sum()),
    }
    dir_dup = int((in_dir & (plan.dir_case == CASE_DUP)).sum())
    dir_conflict = int((in_dir & (plan.dir_case == CASE_CONFLICT)).sum())
    names_in_dir = [plan.name[i] for i in np.flatnonzero(in_dir)]
    planted = {
        "repadded_ids_directory_rows": 0,
        "repadded_ids_membership_rows": membership.stats["stripped_rows"],
        "repadded_ids_staff_rows": staff.stats["stripped_rows"],
        "repadded_ids_membership_detail_rows": membership.stats["stripped_detail_rows"],
        "repadded_ids_staff_detail_rows": staff.stats["stripped_detail_rows"],
        "duplicate_rows_directory": dir_dup,
        "duplicate_rows_membership": int((in_mem & (plan.mem_case == CASE_DUP)).sum()),
        "duplicate_rows_staff": int((in_staff & (plan.staff_case == CASE_DUP)).sum()),
        "conflicts_directory": dir_conflict,
        "conflicts_membership": int((in_mem & (plan.mem_case == CASE_CONFLICT)).sum()),
        "conflicts_staff": int((in_staff & (plan.staff_case == CASE_CONFLICT)).sum()),
        "blank_counts_membership": int((in_mem & (plan.mem_case == CASE_BLANK)).sum()),
        "blank_counts_staff": int((in_staff & (plan.staff_case == CASE_BLANK)).sum()),
        "total_mismatches_membership": int((in_mem & (plan.mem_mismatch != 0)).sum()),
        "total_mismatches_staff": int((in_staff & (plan.staff_mismatch != 0)).sum()),
        "not_specified_rows_membership": membership.stats["not_specified_rows"],
        "non_ascii_names_directory": sum(1 for x in names_in_dir if not x.isascii()),
        "quoted_names_directory": sum(1 for x in names_in_dir if "," in x or '"' in x),
    }

    def ids(mask: np.ndarray) -> list[str]:
        return [plan.leaid[i] for i in np.flatnonzero(mask)]

    planted_leaids = {
        "repadded_ids": ids(plan.stripped),
        "duplicate_rows_directory": ids(in_dir & (plan.dir_case == CASE_DUP)),
        "conflicts_directory": ids(in_dir & (plan.dir_case == CASE_CONFLICT)),
        "duplicate_rows_membership": ids(plan.mem_case == CASE_DUP),
        "conflicts_membership": ids(plan.mem_case == CASE_CONFLICT),
        "blank_counts_membership": ids(plan.mem_case == CASE_BLANK),
        "total_mismatches_membership": ids(plan.mem_mismatch != 0),
        "duplicate_rows_staff": ids(plan.staff_case == CASE_DUP),
        "conflicts_staff": ids(plan.staff_case == CASE_CONFLICT),
        "blank_counts_staff": ids(plan.staff_case == CASE_BLANK),
        "total_mismatches_staff": ids(plan.staff_mismatch != 0),
        "membership_not_in_directory": ids(in_mem & ~in_dir),
        "staff_not_in_directory": ids(in_staff & ~in_dir),
        "directory_without_membership": ids(in_dir & ~in_mem),
        "directory_without_staff": ids(in_dir & ~in_staff),
        "staff_exceeds_enrollment": ids(in_mem & in_staff & (students > 0) & (fte > students * 100)),
        "non_ascii_names": ids(np.asarray([not x.isascii() for x in plan.name]) & in_dir),
    }
    results = {"directory": directory, "membership": membership, "staff": staff}
    files = {k: r.entry() for k, r in results.items()}
    return DemoDataSummary(
        data_dir=year_dir.parents[2],
        year_dir=year_dir,
        school_year=school_year,
        scale=scale,
        seed=seed,
        paths={**{k: r.path for k, r in results.items()}, "manifest": year_dir / MANIFEST_NAME},
        districts=plan.size,
        rows={k: r.rows for k, r in results.items()},
        bytes={k: r.bytes for k, r in results.items()},
        csv_bytes={k: r.csv_bytes for k, r in results.items()},
        district_counts=district_counts,
        planted=planted,
        planted_leaids=planted_leaids,
        files=files,
    )


# --------------------------------------------------------------------------------------------------
# Small helpers


class _Sink:
    """Writes UTF-8 text buffers to a binary stream in the target encoding, counting the bytes written."""

    def __init__(self, out: BinaryIO, encoding: str) -> None:
        self.out = out
        self.codec = encoding.lower().replace("_", "-")
        self.passthrough = self.codec in ("utf-8", "utf8", "utf-8-sig")
        self.bytes = 0

    def write_text(self, text: str, *, first: bool = False) -> None:
        if first and self.codec == "utf-8-sig":
            self._write(b"\xef\xbb\xbf")
        self._write(text.encode("utf-8" if self.passthrough else self.codec))

    def write_utf8(self, data: memoryview) -> None:
        self._write(data if self.passthrough else bytes(data).decode("utf-8").encode(self.codec))

    def _write(self, data: bytes | memoryview) -> None:
        self.out.write(data)
        self.bytes += len(data)


def _text_buffer(lines: pa.Array | pa.ChunkedArray) -> memoryview:
    """The concatenated UTF-8 text of a string array, without copying: its data buffer between the offsets."""
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    if len(lines) == 0:
        return memoryview(b"")
    _, offsets_buf, data_buf = lines.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
    return memoryview(data_buf)[int(offsets[0]) : int(offsets[-1])]


def _csv_line(values: Sequence[str], eol: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerow(values)
    return buf.getvalue()


def _year_labels(school_year: str) -> tuple[str, str, str]:
    """'2023-24' -> ('2023-2024', '2324', '073124'): SCHOOL_YEAR, the file-name year code, the release date code."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", school_year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"school_year must look like 2023-24, not {school_year!r}")
    start = int(match[1])
    return f"{start}-{start + 1}", f"{start % 100:02d}{(start + 1) % 100:02d}", f"0731{(start + 1) % 100:02d}"


def _set_compress_level(info: zipfile.ZipInfo, level: int) -> None:
    """ZipInfo keeps the level in `_compresslevel` (3.11/3.12) or `compress_level` (3.13+)."""
    if hasattr(info, "compress_level"):
        info.compress_level = level
    else:
        info._compresslevel = level  # type: ignore[attr-defined]


def _partial(path: Path) -> Path:
    """A temp name the landing folder ignores (not .csv/.zip), renamed over `path` once complete."""
    return path.with_name(path.name + ".partial")


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = _partial(path)
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n / 1e3:,.1f} kB"
