"""read_staff: one row per district and detail category, the Teachers total cross-checked, messiness counted."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lct_pipelines.nces.categories import STAFF_CATEGORIES, STAFF_TIERS, TEACHER_CATEGORIES
from lct_pipelines.nces.reader import NcesFileError, read_staff

HEADER = (
    "SCHOOL_YEAR,FIPST,STATENAME,ST,LEA_NAME,STATE_AGENCY_NO,UNION,ST_LEAID,LEAID,"
    "STAFF,STAFF_COUNT,TOTAL_INDICATOR,DMS_FLAG"
)


def row(leaid: str, staff: str, count: str, indicator: str = "Category Set A") -> str:
    return f'2023-2024,35,NEW MEXICO,NM,"Peñasco, ""Big"" Valley",35,,NM-063,{leaid},{staff},{count},{indicator},R'


def write(tmp_path: Path, rows: list[str], eol: str = "\r\n") -> Path:
    path = tmp_path / "ccd_lea_059_2324_l_1a_073124.csv"
    path.write_bytes((eol.join([HEADER, *rows]) + eol).encode("utf-8"))
    return path


def fte(frame, leaid: str) -> dict[str, float]:
    rows = frame[frame["leaid"] == leaid]
    return dict(zip(rows["category"], rows["fte"], strict=True))


def test_categories_and_tiers_are_the_nineteen_of_the_doc() -> None:
    assert len(STAFF_CATEGORIES) == 19
    assert len(TEACHER_CATEGORIES) == 5
    assert STAFF_TIERS["Pre-kindergarten Teachers"] == "teacher"
    assert STAFF_TIERS["Library/Media Support Staff"] == "instructional support"
    assert STAFF_TIERS["School Psychologists"] == "student support"
    assert STAFF_TIERS["School administrators"] == "administration"
    assert STAFF_TIERS["All Other Support Staff"] == "other"


def test_detail_rows_become_long_rows_and_totals_are_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("3500600", "Elementary Teachers", "314.50"),
            row("3500600", "Secondary Teachers", "200.25"),
            row("3500600", "Kindergarten Teachers", "20"),
            row("3500600", "Teachers", "534.75", "Education Unit Total"),
            row("3500600", "School Psychologists", "3.5"),
            row("3500600", "Guidance Counselors", "9", "Subtotal 1"),
            row("3500600", "LEA Staff", "40", "Education Unit Total"),
        ],
    )
    frame, report = read_staff(path)
    assert list(frame.columns) == ["leaid", "school_year", "category", "fte"]
    assert frame["fte"].dtype == np.float64
    # Rows follow the doc's category order within a district.
    assert list(frame["category"]) == [
        "Kindergarten Teachers",
        "Elementary Teachers",
        "Secondary Teachers",
        "School Psychologists",
    ]
    assert fte(frame, "3500600") == {
        "Kindergarten Teachers": 20.0,
        "Elementary Teachers": 314.5,
        "Secondary Teachers": 200.25,
        "School Psychologists": 3.5,
    }
    assert set(frame["school_year"]) == {"2023-24"}
    assert (report.rows_read, report.rows_used, report.total_rows, report.total_mismatches) == (7, 4, 3, 0)
    assert report.encoding == "utf-8" and report.kind == "staff"


def test_a_teachers_total_unlike_the_five_teacher_categories_is_a_mismatch(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("3500600", "Pre-kindergarten Teachers", "2"),
            row("3500600", "Elementary Teachers", "10.5"),
            row("3500600", "Ungraded Teachers", "1"),
            row("3500600", "Teachers", "13.50", "Education Unit Total"),
            row("3500700", "Elementary Teachers", "10"),
            row("3500700", "Teachers", "12", "Education Unit Total"),
        ],
    )
    _, report = read_staff(path)
    assert report.total_mismatches == 1
    assert report.examples["total_mismatches"] == ["3500700"]


def test_a_blank_fte_is_kept_as_nan_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, [row("3500600", "LEA Administrators", ""), row("3500600", "School administrators", "2")])
    frame, report = read_staff(path)
    values = fte(frame, "3500600")
    assert math.isnan(values["LEA Administrators"]) and values["School administrators"] == 2.0
    assert (report.blank_counts, report.rows_used) == (1, 1)


def test_duplicates_count_once_and_conflicts_keep_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("3500600", "Elementary Teachers", "10.5"),
            row("3500600", "Elementary Teachers", "10.50"),
            row("3500600", "Secondary Teachers", "4"),
            row("3500600", "Secondary Teachers", "5"),
        ],
    )
    frame, report = read_staff(path)
    assert fte(frame, "3500600") == {"Elementary Teachers": 10.5, "Secondary Teachers": 4.0}
    assert (report.duplicates, report.conflicts, report.rows_used) == (1, 1, 2)


def test_an_unknown_staff_category_is_skipped_and_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("3500600", "School Nurses", "3"),
            row("3500600", "Teachers", "3"),  # a total's name on a detail row
            row("3500600", "elementary teachers", "3"),
        ],
    )
    frame, report = read_staff(path)
    assert fte(frame, "3500600") == {"Elementary Teachers": 3.0}
    assert report.unknown_categories == 2
    assert report.unknown_category_values == ["School Nurses", "Teachers"]


def test_a_decimal_fte_is_fine_but_a_negative_one_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, [row("3500600", "Elementary Teachers", "0.75"), row("3500600", "Secondary Teachers", "-1")])
    with pytest.raises(NcesFileError) as caught:
        read_staff(path)
    assert caught.value.line == 3
    assert caught.value.problem == "STAFF_COUNT is not a non-negative number: '-1'"


def test_a_missing_required_column_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("SCHOOL_YEAR,LEAID,STAFF,TOTAL_INDICATOR\n2023-2024,3500600,LEA Administrators,Category Set A\n")
    with pytest.raises(NcesFileError, match=r"s\.csv, line 1: missing required column STAFF_COUNT in the header"):
        read_staff(path)
