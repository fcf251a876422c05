"""read_membership: detail rows summed by grade, totals only cross-checked, and every messiness case counted."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lct_pipelines.nces.categories import GRADE_COLUMNS
from lct_pipelines.nces.reader import NcesFileError, read_membership
from tests.nces.buckets import bucket_sum

HEADER = (
    "SCHOOL_YEAR,FIPST,STATENAME,ST,LEA_NAME,STATE_AGENCY_NO,UNION,ST_LEAID,LEAID,"
    "GRADE,RACE_ETHNICITY,SEX,STUDENT_COUNT,TOTAL_INDICATOR,DMS_FLAG"
)
DETAIL = "Category Set A - By Race/Ethnicity; Sex; Grade"
NCC = "No Category Codes"


def row(leaid: str, grade: str, race: str, sex: str, count: str, indicator: str = DETAIL) -> str:
    return f"2023-2024,01,ALABAMA,AL,Albertville City,01,,AL-101,{leaid},{grade},{race},{sex},{count},{indicator},R"


def total(leaid: str, count: str) -> str:
    return row(leaid, NCC, NCC, NCC, count, "Education Unit Total")


def write(tmp_path: Path, rows: list[str], name: str = "ccd_lea_052_2324_l_1a_073124.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def one(frame, leaid: str) -> dict:
    [record] = frame[frame["leaid"] == leaid].to_dict("records")
    return record


def test_detail_rows_are_summed_by_grade_over_race_and_sex(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Male", "12"),
            row("0100005", "Grade 1", "Asian", "Female", "3"),
            row("0100005", "Kindergarten", "Hispanic/Latino", "Male", "5"),
            row("0100005", "Pre-Kindergarten", "White", "Female", "4"),
            row("0100005", "Grade 13", "White", "Female", "1"),
            row("0100005", "Adult Education", "Not Specified", "Not Specified", "2"),
            row("0100005", "Ungraded", "Two or more races", "Female", "6"),
        ],
    )
    frame, report = read_membership(path)
    assert list(frame.columns) == ["leaid", "school_year", *GRADE_COLUMNS, "total_reported"]
    district = one(frame, "0100005")
    assert district["school_year"] == "2023-24"
    assert (district["g1"], district["kg"], district["prek"]) == (25.0, 5.0, 4.0)
    assert (district["g13"], district["adult_ed"], district["ungraded"]) == (1.0, 2.0, 6.0)
    assert math.isnan(district["g2"]) and math.isnan(district["total_reported"])
    assert all(frame[c].dtype == np.float64 for c in (*GRADE_COLUMNS, "total_reported"))
    assert (report.rows_read, report.rows_used, report.total_rows) == (8, 8, 0)
    assert report.kind == "membership" and report.encoding == "utf-8"


def test_total_and_subtotal_rows_are_never_summed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Male", "12"),
            row("0100005", "Kindergarten", "Asian", "Female", "5"),
            row("0100005", "Grade 1", NCC, NCC, "22", "Subtotal 4 - By Grade"),
            row("0100005", "Kindergarten", NCC, NCC, "5", "Subtotal 4 - By Grade"),
            row("0100005", NCC, "White", NCC, "22", "Derived - Subtotal by Race/Ethnicity and Sex minus AE"),
            total("0100005", "27"),
        ],
    )
    frame, report = read_membership(path)
    district = one(frame, "0100005")
    assert (district["g1"], district["kg"], district["total_reported"]) == (22.0, 5.0, 27.0)
    assert (report.rows_read, report.rows_used, report.total_rows, report.total_mismatches) == (7, 3, 4, 0)


def test_a_detail_sum_different_from_the_total_row_is_a_counted_mismatch(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            total("0100005", "30"),
            row("0100006", "Grade 2", "White", "Female", "7"),
            total("0100006", "7"),
        ],
    )
    frame, report = read_membership(path)
    assert one(frame, "0100005")["total_reported"] == 30.0
    assert report.total_mismatches == 1
    assert report.examples["total_mismatches"] == ["0100005"]


def test_a_district_with_only_total_rows_is_fine_and_not_in_the_output(tmp_path: Path) -> None:
    path = write(tmp_path, [total("0100001", "40"), row("0100005", "Grade 1", "White", "Female", "10")])
    frame, report = read_membership(path)
    assert list(frame["leaid"]) == ["0100005"]
    assert (report.total_rows, report.total_mismatches) == (1, 0)


def test_blank_counts_are_missing_not_zero_and_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 2", "White", "Female", ""),
            row("0100005", "Grade 2", "White", "Male", "7"),
            row("0100005", "Grade 3", "White", "Female", ""),
            row("0100005", "Grade 3", "White", "Male", '""'),
        ],
    )
    frame, report = read_membership(path)
    district = one(frame, "0100005")
    assert district["g2"] == 7.0
    assert math.isnan(district["g3"])
    assert (report.blank_counts, report.rows_used) == (3, 1)
    assert report.examples["blank_counts"] == ["0100005"]


def test_a_whitespace_only_count_is_a_blank(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [row("0100005", "Grade 2", "White", "Female", "   "), row("0100005", "Grade 2", "White", "Male", " 7 ")],
    )
    frame, report = read_membership(path)
    assert one(frame, "0100005")["g2"] == 7.0
    assert (report.blank_counts, report.rows_used) == (1, 1)


def test_a_whole_count_written_with_a_decimal_point_is_accepted(tmp_path: Path) -> None:
    frame, _ = read_membership(write(tmp_path, [row("0100005", "Grade 2", "White", "Female", "12.0")]))
    assert one(frame, "0100005")["g2"] == 12.0


def test_exact_duplicate_detail_rows_count_once_and_are_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Male", "12"),
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100007", "Grade 4", "Asian", "Male", ""),
            row("0100007", "Grade 4", "Asian", "Male", ""),
        ],
    )
    frame, report = read_membership(path)
    assert one(frame, "0100005")["g1"] == 22.0
    assert (report.duplicates, report.conflicts, report.rows_used, report.blank_counts) == (3, 0, 2, 1)
    assert report.examples["duplicates"] == ["0100005", "0100007"]


def test_conflicting_rows_keep_the_first_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100009", "Grade 1", "White", "Female", "1"),
            row("0100005", "Grade 1", "White", "Female", "99"),
            row("0100005", "Grade 1", "White", "Female", "10"),
        ],
    )
    frame, report = read_membership(path)
    assert one(frame, "0100005")["g1"] == 10.0
    assert (report.conflicts, report.duplicates) == (1, 1)
    assert report.examples["conflicts"] == ["0100005"]


def test_a_blank_against_a_number_is_a_conflict_and_the_first_row_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 5", "White", "Female", ""),
            row("0100005", "Grade 5", "White", "Female", "8"),
            row("0100005", "Grade 6", "White", "Female", "8"),
            row("0100005", "Grade 6", "White", "Female", ""),
        ],
    )
    frame, report = read_membership(path)
    district = one(frame, "0100005")
    assert math.isnan(district["g5"]) and district["g6"] == 8.0
    assert (report.conflicts, report.blank_counts, report.rows_used) == (2, 1, 1)


def test_duplicates_are_found_across_batches_far_apart(tmp_path: Path) -> None:
    filler = [row(f"01{i:05d}", "Grade 1", "White", "Female", "1") for i in range(10, 400)]
    rows = [
        row("0100005", "Grade 1", "White", "Female", "10"),
        *filler,
        row("0100005", "Grade 1", "White", "Female", "11"),
    ]
    frame, report = read_membership(write(tmp_path, rows), batch_size_bytes=4096)
    assert one(frame, "0100005")["g1"] == 10.0
    assert (report.conflicts, report.rows_read, len(frame)) == (1, 392, 391)


def test_small_batches_give_the_same_result_as_one_batch(tmp_path: Path) -> None:
    races = ["White", "Asian", "Black or African American", "Hispanic/Latino"]
    rows = [
        row(f"01{d:05d}", f"Grade {g}", race, sex, str((d * 7 + g * 3 + len(race)) % 50))
        for d in range(30)
        for g in range(1, 13)
        for race in races
        for sex in ("Female", "Male")
    ]
    path = write(tmp_path, rows)
    small, small_report = read_membership(path, batch_size_bytes=2048)
    large, large_report = read_membership(path)
    assert small.equals(large)
    assert small_report == large_report
    assert small_report.rows_used == 30 * 12 * 4 * 2


def test_leaid_without_leading_zero_is_repadded_and_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("100005", "Grade 1", "White", "Male", "5"),
            row(" 100005 ", "Grade 2", "White", "Male", "2"),
            total("100005", "17"),
        ],
    )
    frame, report = read_membership(path)
    assert list(frame["leaid"]) == ["0100005"]
    assert one(frame, "0100005")["g1"] == 15.0
    assert report.ids_repadded == 3
    assert report.examples["ids_repadded"] == ["0100005"]
    assert report.total_mismatches == 0


def test_an_leaid_that_is_not_1_to_7_digits_is_skipped_and_counted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("ABC", "Grade 1", "White", "Female", "10"),
            row("12345678", "Grade 1", "White", "Female", "10"),
            row("", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Female", "3"),
        ],
    )
    frame, report = read_membership(path)
    assert list(frame["leaid"]) == ["0100005"]
    assert (report.invalid_ids, report.rows_used) == (3, 1)
    assert report.examples["invalid_ids"] == ["'ABC'", "'12345678'", "''"]


def test_an_unknown_category_is_skipped_and_counted_with_its_value(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 14", "White", "Female", "10"),
            row("0100005", "Grade 1", "Martian", "Female", "10"),
            row("0100005", "Grade 1", "White", "Other", "10"),
            row("0100005", "Grade 1", "White", "Male", "4"),
        ],
    )
    frame, report = read_membership(path)
    assert one(frame, "0100005")["g1"] == 4.0
    assert report.unknown_categories == 3
    assert report.unknown_category_values == ["Grade 14", "Martian", "Other"]
    assert report.examples["unknown_categories"] == ["0100005"]


def test_category_values_match_regardless_of_case_and_surrounding_space(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [row("0100005", " grade 1 ", "WHITE", "female", "10", " category set a - by race/ethnicity; sex; grade ")],
    )
    frame, report = read_membership(path)
    assert one(frame, "0100005")["g1"] == 10.0
    assert (report.unknown_categories, report.total_rows) == (0, 0)


def test_a_detail_row_without_a_grade_is_excluded_and_counted_separately(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [row("0100005", NCC, "White", "Female", "10"), row("0100005", "Grade 1", NCC, NCC, "6")],
    )
    frame, report = read_membership(path)
    district = one(frame, "0100005")
    assert district["g1"] == 6.0
    assert (report.rows_without_grade, report.unknown_categories, report.rows_used) == (1, 0, 1)


def test_every_row_lands_in_exactly_one_report_bucket(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Female", "11"),
            row("0100005", "Grade 2", "White", "Female", ""),
            row("0100005", "Grade 99", "White", "Female", "1"),
            row("0100005", NCC, "White", "Female", "1"),
            row("X", "Grade 1", "White", "Female", "1"),
            total("0100005", "10"),
        ],
    )
    _, report = read_membership(path)
    assert report.rows_read == 8
    assert bucket_sum(report) == 8
    assert (report.rows_used, report.duplicates, report.conflicts, report.blank_counts) == (1, 1, 1, 1)
    assert (report.unknown_categories, report.rows_without_grade, report.invalid_ids, report.total_rows) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("count", "problem"),
    [
        ("abc", "STUDENT_COUNT is not a non-negative number: 'abc'"),
        ("-3", "STUDENT_COUNT is not a non-negative number: '-3'"),
        ("2.5", "STUDENT_COUNT is not a whole number: '2.5'"),
        ("nan", "STUDENT_COUNT is not a non-negative number: 'nan'"),
        ("1,5", "STUDENT_COUNT is not a non-negative number: '1,5'"),
    ],
)
def test_a_count_that_is_not_a_whole_non_negative_number_is_an_error_naming_its_line(
    tmp_path: Path, count: str, problem: str
) -> None:
    value = f'"{count}"' if "," in count else count
    path = write(
        tmp_path,
        [
            row("0100005", "Grade 1", "White", "Female", "10"),
            row("0100005", "Grade 1", "White", "Male", "12"),
            row("0100005", "Grade 2", "White", "Male", value),
        ],
    )
    with pytest.raises(NcesFileError) as caught:
        read_membership(path)
    assert caught.value.line == 4
    assert caught.value.problem == problem
    assert str(caught.value) == f"ccd_lea_052_2324_l_1a_073124.csv, line 4: {problem}"


def test_a_missing_required_column_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "SCHOOL_YEAR,LEAID,GRADE,RACE_ETHNICITY,SEX,TOTAL_INDICATOR\n2023-2024,0100005,Grade 1,White,Male,x\n"
    )
    with pytest.raises(NcesFileError) as caught:
        read_membership(path)
    assert caught.value.line == 1
    assert caught.value.problem == "missing required column STUDENT_COUNT in the header"


def test_a_file_mixing_school_years_is_an_error_at_the_first_other_year(tmp_path: Path) -> None:
    rows = [row("0100005", "Grade 1", "White", "Female", "10"), row("0100005", "Grade 2", "White", "Female", "10")]
    rows.append(rows[1].replace("2023-2024", "2022-2023").replace("Grade 2", "Grade 3"))
    with pytest.raises(NcesFileError) as caught:
        read_membership(write(tmp_path, rows))
    assert caught.value.line == 4
    assert "several school years" in caught.value.problem
