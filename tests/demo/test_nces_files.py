"""The synthetic CCD files: exact layouts, real geography, and planted cases that match the manifest.

Files are read back with `csv` and `zipfile` (no type inference), and every
planted count is recounted here from the bytes, independently of the generator.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from statistics import mean

import pytest

from lct_pipelines.demo.nces_files import DemoDataSummary, demo_file_names, write_demo_data
from lct_pipelines.demo.nces_layout import DIRECTORY_COLUMNS, MEMBERSHIP_COLUMNS, STAFF_COLUMNS
from lct_pipelines.nces.categories import STAFF_CATEGORIES
from lct_pipelines.nces.geography import STATES

DETAIL_M = "Category Set A - By Race/Ethnicity; Sex; Grade"
HIGH_GRADES = {f"Grade {i}" for i in range(9, 13)}
K5_GRADES = {"Kindergarten", *(f"Grade {i}" for i in range(1, 6))}
GRADE_ORDER = ["Pre-Kindergarten", "Kindergarten", *(f"Grade {i}" for i in range(1, 14))]
GRADE_CODES = ["PK", "KG", *(f"{i:02d}" for i in range(1, 14))]
K12 = ["Kindergarten", *(f"Grade {i}" for i in range(1, 13))]


@dataclass
class Parsed:
    """The three files as rows of strings, plus the per-district sums the importer would compute."""

    summary: DemoDataSummary
    raw: dict[str, bytes]
    directory: list[dict[str, str]]
    membership: list[dict[str, str]]
    staff: list[dict[str, str]]
    headers: dict[str, list[str]]
    empty_lines: dict[str, int]
    manifest: dict
    grades: dict[str, Counter] = field(default_factory=dict)  # first, non-blank detail rows
    fte: dict[str, dict[str, float]] = field(default_factory=dict)


def _rows(text: str) -> tuple[list[str], list[dict[str, str]], int]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows, empty = [], 0
    for values in reader:
        if not values:
            empty += 1
            continue
        assert len(values) == len(header), values
        rows.append(dict(zip(header, values, strict=True)))
    return header, rows, empty


def _parse(summary: DemoDataSummary) -> Parsed:
    names = demo_file_names(summary.school_year)
    year_dir = summary.year_dir
    raw = {
        "directory": (year_dir / names["directory"]).read_bytes(),
        "staff": (year_dir / names["staff"]).read_bytes(),
    }
    with zipfile.ZipFile(year_dir / names["membership"]) as zf:
        assert zf.namelist() == [names["membership_member"]]
        raw["membership"] = zf.read(names["membership_member"])
    texts = {
        "directory": raw["directory"].decode("cp1252"),
        "membership": raw["membership"].decode("utf-8"),
        "staff": raw["staff"].decode("utf-8-sig"),
    }
    parsed = {k: _rows(t) for k, t in texts.items()}
    out = Parsed(
        summary=summary,
        raw=raw,
        directory=parsed["directory"][1],
        membership=parsed["membership"][1],
        staff=parsed["staff"][1],
        headers={k: v[0] for k, v in parsed.items()},
        empty_lines={k: v[2] for k, v in parsed.items()},
        manifest=json.loads((year_dir / "_demo_manifest.json").read_text("utf-8")),
    )
    seen: set[tuple[str, ...]] = set()
    grades: dict[str, Counter] = defaultdict(Counter)
    for r in out.membership:
        leaid = r["LEAID"].zfill(7)
        grades.setdefault(leaid, Counter())
        key = (leaid, r["GRADE"], r["RACE_ETHNICITY"], r["SEX"])
        if r["TOTAL_INDICATOR"] != DETAIL_M or key in seen:
            continue
        seen.add(key)
        if r["STUDENT_COUNT"] != "":
            grades[leaid][r["GRADE"]] += int(r["STUDENT_COUNT"])
    out.grades = dict(grades)
    seen_staff: set[tuple[str, str]] = set()
    fte: dict[str, dict[str, float]] = defaultdict(dict)
    for r in out.staff:
        leaid = r["LEAID"].zfill(7)
        fte.setdefault(leaid, {})
        if r["TOTAL_INDICATOR"] != "Category Set A" or (leaid, r["STAFF"]) in seen_staff:
            continue
        seen_staff.add((leaid, r["STAFF"]))
        if r["STAFF_COUNT"] != "":
            fte[leaid][r["STAFF"]] = float(r["STAFF_COUNT"])
    out.fte = dict(fte)
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    messages: list[str] = []
    summary = write_demo_data(tmp_path_factory.mktemp("demo"), scale="small", seed=42, progress=messages.append)
    assert messages and any(m.startswith("membership:") for m in messages)
    return _parse(summary)


def _duplicates(rows: list[dict[str, str]], key_cols: tuple[str, ...], value_col: str) -> tuple[int, int]:
    """(exact duplicate rows, conflicting rows) by LEAID (re-padded) + key columns; the first row wins."""
    first: dict[tuple[str, ...], str] = {}
    dups = conflicts = 0
    for r in rows:
        key = (r["LEAID"].zfill(7), *(r[c] for c in key_cols))
        if key not in first:
            first[key] = r[value_col]
        elif first[key] == r[value_col]:
            dups += 1
        else:
            conflicts += 1
    return dups, conflicts


# --------------------------------------------------------------------------------------------------
# Layout


def test_file_names_and_exact_headers(small: Parsed) -> None:
    names = demo_file_names("2023-24")
    assert names["directory"] == "ccd_lea_029_2324_w_1a_073124.csv"
    assert names["membership"] == "ccd_lea_052_2324_l_1a_073124.zip"
    assert names["staff"] == "ccd_lea_059_2324_l_1a_073124.csv"
    assert small.summary.year_dir.parts[-3:] == ("raw", "nces_ccd", "2023-24")
    assert small.headers["directory"] == list(DIRECTORY_COLUMNS)
    assert small.headers["membership"] == list(MEMBERSHIP_COLUMNS)
    assert small.headers["staff"] == list(STAFF_COLUMNS)
    assert small.headers["directory"][-1] == "OPERATIONAL_SCHOOLS"
    assert small.headers["membership"][9:] == [
        "GRADE", "RACE_ETHNICITY", "SEX", "STUDENT_COUNT", "TOTAL_INDICATOR", "DMS_FLAG",
    ]  # fmt: skip


def test_summary_rows_and_manifest_match_the_files(small: Parsed) -> None:
    s = small.summary
    assert s.rows == {"directory": len(small.directory), "membership": len(small.membership), "staff": len(small.staff)}
    for kind in ("directory", "staff"):
        assert s.bytes[kind] == s.paths[kind].stat().st_size
    assert s.csv_bytes["membership"] == len(small.raw["membership"])
    assert s.bytes["membership"] == s.paths["membership"].stat().st_size < s.csv_bytes["membership"]
    assert small.manifest == json.loads(json.dumps(s.to_manifest()))
    assert 550 <= s.districts <= 700
    assert {r["SCHOOL_YEAR"] for r in small.directory + small.membership + small.staff} == {"2023-2024"}


def test_every_state_and_territory_with_real_fips_and_names(small: Parsed) -> None:
    expected = {(s.postal, s.fips, s.name) for s in STATES}
    assert len(expected) == 57
    assert {"BI", "PR", "VI", "GU", "AS", "MP", "DC"} <= {s.postal for s in STATES}
    assert ("BI", "59", "BUREAU OF INDIAN EDUCATION") in expected
    assert {(r["ST"], r["FIPST"], r["STATENAME"]) for r in small.directory} == expected
    assert {r["ST"] for r in small.membership} == {s.postal for s in STATES}
    assert {r["ST"] for r in small.staff} == {s.postal for s in STATES}
    per_state = Counter(r["ST"] for r in small.directory if r["SY_STATUS_TEXT"] == "Open")
    assert per_state["TX"] > 15 and per_state["CA"] > 30 and per_state["HI"] == 1
    assert per_state["TX"] > per_state["WY"]


def test_directory_leaids_are_seven_characters_with_the_state_fips(small: Parsed) -> None:
    for r in small.directory:
        assert len(r["LEAID"]) == 7 and r["LEAID"].isdigit(), r
        assert r["LEAID"][:2] == r["FIPST"]
    assert any(r["LEAID"].startswith("0") for r in small.directory)
    assert any(r["LZIP"].startswith("0") for r in small.directory)  # New England / PR ZIP codes


# --------------------------------------------------------------------------------------------------
# Planted messiness: recount from the bytes, compare with the manifest


def test_stripped_leaids_match_the_manifest(small: Parsed) -> None:
    planted = small.manifest["planted"]
    for kind, rows in (("membership", small.membership), ("staff", small.staff)):
        short = [r for r in rows if len(r["LEAID"]) != 7]
        assert len(short) == planted[f"repadded_ids_{kind}_rows"] > 0
        assert all(len(r["LEAID"]) == 6 and int(r["FIPST"]) < 10 for r in short)
        assert {r["LEAID"].zfill(7) for r in short} == set(small.manifest["planted_leaids"]["repadded_ids"])
        detail = [r for r in short if r["TOTAL_INDICATOR"].startswith("Category Set A")]
        assert len(detail) == planted[f"repadded_ids_{kind}_detail_rows"] > 0
    assert planted["repadded_ids_directory_rows"] == 0
    directory_ids = {r["LEAID"] for r in small.directory}
    assert set(small.manifest["planted_leaids"]["repadded_ids"]) <= directory_ids


def test_membership_duplicates_conflicts_and_blanks_match_the_manifest(small: Parsed) -> None:
    planted = small.manifest["planted"]
    detail = [r for r in small.membership if r["TOTAL_INDICATOR"] == DETAIL_M]
    dups, conflicts = _duplicates(detail, ("GRADE", "RACE_ETHNICITY", "SEX"), "STUDENT_COUNT")
    assert dups == planted["duplicate_rows_membership"] > 0
    assert conflicts == planted["conflicts_membership"] > 0
    blanks = [r for r in small.membership if r["STUDENT_COUNT"] == ""]
    assert len(blanks) == planted["blank_counts_membership"] > 0
    assert {r["DMS_FLAG"] for r in blanks} <= {"Not reported", "Missing", "Suppressed", "Not applicable"}
    assert len({r["DMS_FLAG"] for r in blanks}) == 4
    assert {r["DMS_FLAG"] for r in small.membership if r["STUDENT_COUNT"] != ""} == {"Reported"}
    assert all(r["STUDENT_COUNT"].isdigit() for r in small.membership if r["STUDENT_COUNT"] != "")


def test_staff_duplicates_conflicts_and_blanks_match_the_manifest(small: Parsed) -> None:
    planted = small.manifest["planted"]
    detail = [r for r in small.staff if r["TOTAL_INDICATOR"] == "Category Set A"]
    assert {r["STAFF"] for r in detail} == set(STAFF_CATEGORIES)
    assert len(STAFF_CATEGORIES) == 19
    dups, conflicts = _duplicates(detail, ("STAFF",), "STAFF_COUNT")
    assert dups == planted["duplicate_rows_staff"] > 0
    assert conflicts == planted["conflicts_staff"] > 0
    blanks = [r for r in small.staff if r["STAFF_COUNT"] == ""]
    assert len(blanks) == planted["blank_counts_staff"] > 0
    assert all(r["DMS_FLAG"] != "Reported" for r in blanks)
    values = [r["STAFF_COUNT"] for r in small.staff if r["STAFF_COUNT"] != ""]
    assert all(v.count(".") == 1 and len(v.split(".")[1]) == 2 for v in values)
    assert any(not v.endswith(".00") for v in values)


def test_directory_duplicates_and_conflicts_match_the_manifest(small: Parsed) -> None:
    planted = small.manifest["planted"]
    first: dict[str, list[str]] = {}
    dups = conflicts = 0
    for r in small.directory:
        values = list(r.values())
        if r["LEAID"] not in first:
            first[r["LEAID"]] = values
        elif first[r["LEAID"]] == values:
            dups += 1
        else:
            conflicts += 1
    assert dups == planted["duplicate_rows_directory"] > 0
    assert conflicts == planted["conflicts_directory"] > 0


def test_totals_equal_the_detail_sums_except_the_planted_mismatches(small: Parsed) -> None:
    planted, ids = small.manifest["planted"], small.manifest["planted_leaids"]
    unit_totals = {
        r["LEAID"].zfill(7): int(r["STUDENT_COUNT"])
        for r in small.membership
        if r["TOTAL_INDICATOR"] == "Education Unit Total"
    }
    assert set(unit_totals) == set(small.grades)
    mismatched = {leaid for leaid, total in unit_totals.items() if total != sum(small.grades[leaid].values())}
    assert mismatched == set(ids["total_mismatches_membership"])
    assert len(mismatched) == planted["total_mismatches_membership"] > 0
    for r in small.membership:
        if r["TOTAL_INDICATOR"] == "Subtotal 4 - By Grade":
            assert int(r["STUDENT_COUNT"]) == small.grades[r["LEAID"].zfill(7)][r["GRADE"]], r
            assert r["RACE_ETHNICITY"] == r["SEX"] == "No Category Codes"
        elif r["TOTAL_INDICATOR"] == "Education Unit Total":
            assert r["GRADE"] == r["RACE_ETHNICITY"] == r["SEX"] == "No Category Codes"

    teacher_cats = [c for c in STAFF_CATEGORIES if c.endswith("Teachers")]
    assert len(teacher_cats) == 5
    teachers = {r["LEAID"].zfill(7): float(r["STAFF_COUNT"]) for r in small.staff if r["STAFF"] == "Teachers"}
    assert {r["TOTAL_INDICATOR"] for r in small.staff if r["STAFF"] == "Teachers"} == {"Education Unit Total"}
    off = {k for k, v in teachers.items() if abs(v - sum(small.fte[k].get(c, 0.0) for c in teacher_cats)) > 0.005}
    assert off == set(ids["total_mismatches_staff"])
    assert len(off) == planted["total_mismatches_staff"] > 0
    counselors = [c for c in STAFF_CATEGORIES if "Counselors" in c]
    for r in small.staff:
        if r["STAFF"] == "Guidance Counselors":
            assert float(r["STAFF_COUNT"]) == pytest.approx(
                sum(small.fte[r["LEAID"].zfill(7)].get(c, 0) for c in counselors)
            )
    assert {r["STAFF"] for r in small.staff if r["TOTAL_INDICATOR"] != "Category Set A"} == {
        "Teachers", "Guidance Counselors", "LEA Staff", "School Staff",
    }  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Bytes: encodings, quoting, line endings, determinism


def test_encodings_quoting_and_line_endings(small: Parsed) -> None:
    directory, staff, membership = small.raw["directory"], small.raw["staff"], small.raw["membership"]
    assert "Peñasco".encode("cp1252") == b"Pe\xf1asco"
    assert b"Pe\xf1asco" in directory and "Peñasco".encode() not in directory
    assert b"Do\xf1a Ana" in directory and b"A\xf1asco" in directory
    assert "Peñasco".encode() in membership and "Peñasco".encode() in staff  # UTF-8 elsewhere
    assert staff.startswith(b"\xef\xbb\xbf") and not directory.startswith(b"\xef\xbb\xbf")
    assert not membership.startswith(b"\xef\xbb\xbf")
    assert staff.count(b"\n") == staff.count(b"\r\n") > 1000
    assert b"\r" not in directory and b"\r" not in membership
    assert directory.endswith(b"\n\n") and small.empty_lines == {"directory": 1, "membership": 0, "staff": 0}
    assert b'"Smith, Jones and Lee Charter School"' in directory
    assert b'"Academy of ""Excellence"" Charter"' in directory
    assert b'"Lincoln, Adams & ""Polk"" Unified"' in membership
    names = {r["LEA_NAME"] for r in small.directory}
    assert {"Smith, Jones and Lee Charter School", 'Academy of "Excellence" Charter'} <= names
    assert small.manifest["planted"]["non_ascii_names_directory"] == sum(not n.isascii() for n in names) >= 4
    assert small.manifest["planted"]["quoted_names_directory"] == sum("," in n or '"' in n for n in names) >= 3


def test_same_seed_same_bytes_other_seed_other_bytes(small: Parsed, tmp_path: Path) -> None:
    again = write_demo_data(tmp_path / "again", scale="small", seed=42)
    other = write_demo_data(tmp_path / "other", scale="small", seed=7)
    for kind in ("directory", "membership", "staff", "manifest"):
        same = again.paths[kind].read_bytes() == small.summary.paths[kind].read_bytes()
        assert same, f"{kind} differs for the same seed"
        assert other.paths[kind].read_bytes() != again.paths[kind].read_bytes(), kind


def test_arguments_are_checked_and_other_years_are_named_for_their_year(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        write_demo_data(tmp_path, scale="huge")
    with pytest.raises(ValueError, match="school_year"):
        write_demo_data(tmp_path, school_year="2023-25")
    summary = write_demo_data(tmp_path, school_year="2022-23", seed=3)
    assert summary.paths["membership"].name == "ccd_lea_052_2223_l_1a_073123.zip"
    with zipfile.ZipFile(summary.paths["membership"]) as zf:
        assert zf.infolist()[0].date_time == (2023, 7, 31, 0, 0, 0)
        first = zf.read(zf.namelist()[0]).split(b"\n", 2)[1]
    assert first.startswith(b"2022-2023,01,ALABAMA,AL,")
    assert not list(summary.year_dir.glob("*.partial"))


# --------------------------------------------------------------------------------------------------
# Districts: grade levels, edge cases, staff ratios


def _span_districts(small: Parsed, lows: set[str], highs: set[str]) -> list[str]:
    return [
        r["LEAID"]
        for r in small.directory
        if r["GSLO"] in lows and r["GSHI"] in highs and r["LEAID"] in small.grades and r["LEAID"] in small.fte
    ]


def test_elementary_only_districts_have_no_high_school_students_or_secondary_teachers(small: Parsed) -> None:
    elementary = _span_districts(small, {"PK", "KG"}, {"05", "06", "08"})
    blanks = set(small.manifest["planted_leaids"]["blank_counts_staff"])
    assert len(elementary) >= 20
    for leaid in elementary:
        assert sum(small.grades[leaid][g] for g in HIGH_GRADES) == 0, leaid
        assert small.fte[leaid].get("Secondary Teachers", 0.0) == 0.0, leaid
        if any(small.fte[leaid].values()) and leaid not in blanks:  # not zero-staff, no planted blank
            assert small.fte[leaid].get("Elementary Teachers", 0.0) > 0, leaid
    rows_9_12 = {r["LEAID"] for r in small.membership if r["GRADE"] in HIGH_GRADES}
    assert not rows_9_12 & set(elementary)


def test_secondary_only_districts_have_no_k5_students_or_elementary_teachers(small: Parsed) -> None:
    secondary = _span_districts(small, {"07", "09"}, {"12"})
    blanks = set(small.manifest["planted_leaids"]["blank_counts_staff"])
    assert len(secondary) >= 5
    for leaid in secondary:
        assert sum(small.grades[leaid][g] for g in K5_GRADES) == 0, leaid
        assert small.fte[leaid].get("Elementary Teachers", 0.0) == 0.0
        assert small.fte[leaid].get("Kindergarten Teachers", 0.0) == 0.0
        if any(small.fte[leaid].values()) and leaid not in blanks:
            assert small.fte[leaid].get("Secondary Teachers", 0.0) > 0, leaid


def test_grade_span_matches_the_grades_with_students(small: Parsed) -> None:
    checked = 0
    for r in small.directory:
        grades = small.grades.get(r["LEAID"])
        if r["SY_STATUS_TEXT"] in ("Closed", "Inactive", "Future") or grades is None:
            continue
        with_students = [i for i, g in enumerate(GRADE_ORDER) if grades[g] > 0]
        if not with_students:
            assert (r["GSLO"], r["GSHI"]) == ("N", "N")
            continue
        # a planted blank may hide the only student of a grade; allow it, but only for planted districts
        if r["LEAID"] in small.manifest["planted_leaids"]["blank_counts_membership"]:
            continue
        assert (r["GSLO"], r["GSHI"]) == (GRADE_CODES[with_students[0]], GRADE_CODES[with_students[-1]]), r
        checked += 1
    assert checked > 500


def test_edge_districts_are_counted_exactly(small: Parsed) -> None:
    counts = small.manifest["district_counts"]
    directory = {r["LEAID"]: r for r in small.directory}
    mem, staff = set(small.grades), set(small.fte)
    students = {k: sum(v.values()) for k, v in small.grades.items()}
    fte = {k: sum(v.values()) for k, v in small.fte.items()}
    assert counts["zero_enrollment"] == sum(v == 0 for v in students.values()) >= 5
    assert counts["zero_enrollment_with_staff"] == sum(students[k] == 0 and fte.get(k, 0) > 0 for k in mem) >= 5
    assert counts["zero_staff_with_students"] == sum(fte[k] == 0 and students.get(k, 0) > 0 for k in staff) >= 3
    exceeds = {k for k in mem & staff if 0 < students[k] < fte[k]}
    assert counts["staff_exceeds_enrollment"] == len(exceeds) >= 2
    assert exceeds == set(small.manifest["planted_leaids"]["staff_exceeds_enrollment"])
    assert counts["tiny_under_50"] == sum(0 < v < 50 for v in students.values()) >= 1
    assert counts["membership_not_in_directory"] == len(mem - set(directory)) >= 1
    assert counts["staff_not_in_directory"] == len(staff - set(directory)) >= 1
    assert counts["directory_without_membership"] == len(set(directory) - mem) >= 3
    assert counts["directory_without_staff"] == len(set(directory) - staff) >= 3
    assert len(mem - staff) >= 1 and len(staff - mem) >= 1
    closed = {k for k, r in directory.items() if r["SY_STATUS_TEXT"] == "Closed"}
    assert counts["closed"] == len(closed) >= 1 and not closed & (mem | staff)
    assert all(directory[k]["GSLO"] == "N" for k in closed)
    charters = [r for r in directory.values() if r["LEA_TYPE"] == "7"]
    assert len(charters) == counts["charter"] >= 20
    assert all(r["CHARTER_LEA_TEXT"] != "Not a charter district" for r in charters)
    assert counts["enrollment_max"] == max(students.values()) > 350_000
    assert 400 <= counts["enrollment_median"] <= 1100
    present = Counter(g for v in small.grades.values() for g, n in v.items() if n > 0)
    assert all(present[g] > 0 for g in ("Pre-Kindergarten", "Grade 13", "Ungraded", "Adult Education"))
    assert sum(1 for v in small.fte.values() if v.get("Pre-kindergarten Teachers", 0) > 0) >= 20
    assert sum(1 for v in small.fte.values() if v.get("Ungraded Teachers", 0) > 0) >= 100
    assert any(r["RACE_ETHNICITY"] == "Not Specified" for r in small.membership)


def test_lct_scopes_keep_the_methodology_hierarchy(small: Parsed) -> None:
    """Per-scope means of valid LCT (flat 330 minutes) follow lct-methodology.md, teachers_only near 20-25."""
    minutes = 330.0
    scopes: dict[str, list[float]] = defaultdict(list)
    directory = {r["LEAID"] for r in small.directory}
    teach = ["Kindergarten Teachers", "Elementary Teachers", "Secondary Teachers"]
    instructional = [
        "Ungraded Teachers",
        "Paraprofessionals/Instructional Aides",
        "Instructional Coordinators and Supervisors to the Staff",
        "Librarians/media specialists",
        "Library/Media Support Staff",
    ]
    support = [c for c in STAFF_CATEGORIES if "Counselors" in c or c.startswith(("School Psych", "Student Support"))]
    for leaid in sorted(directory & set(small.grades) & set(small.fte)):
        g, f = small.grades[leaid], small.fte[leaid]

        def fsum(cats: list[str], f: dict[str, float] = f) -> float:
            return sum(f.get(c, 0.0) for c in cats)

        k12 = sum(g[x] for x in K12)
        elementary = sum(g[x] for x in K5_GRADES)
        secondary = k12 - elementary
        only = fsum(teach)
        core = only + f.get("Ungraded Teachers", 0.0)
        instr = only + fsum(instructional)
        plus = instr + fsum(support)
        everything = sum(v for c, v in f.items() if c != "Pre-kindergarten Teachers")
        for scope, staff, students in (
            ("teachers_only", only, k12),
            ("teachers_core", core, k12),
            ("instructional", instr, k12),
            ("instructional_plus_support", plus, k12),
            ("all", everything, k12),
            ("teachers_elementary", fsum(teach[:2]), elementary),
            ("teachers_secondary", f.get("Secondary Teachers", 0.0), secondary),
        ):
            if staff > 0 and students > 0:
                lct = minutes * staff / students
                if 0 < lct <= 360 and staff <= students:
                    scopes[scope].append(lct)
    m = {k: mean(v) for k, v in scopes.items()}
    assert 20 <= m["teachers_only"] <= 25, m
    assert m["teachers_secondary"] < m["teachers_only"] < m["teachers_elementary"], m
    chain = ["teachers_only", "teachers_core", "instructional", "instructional_plus_support", "all"]
    assert all(m[a] < m[b] for a, b in pairwise(chain)), m
    assert len(scopes["teachers_only"]) >= 500
