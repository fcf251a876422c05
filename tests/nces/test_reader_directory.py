"""read_directory: one row per LEAID, optional columns as nulls, names decoded right, ids kept as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lct_pipelines.nces.reader import NcesFileError, read_directory
from tests.nces.buckets import bucket_sum

HEADER = (
    "SCHOOL_YEAR,FIPST,STATENAME,ST,LEA_NAME,STATE_AGENCY_NO,UNION,ST_LEAID,LEAID,LEA_TYPE,LEA_TYPE_TEXT,"
    "SY_STATUS_TEXT,CHARTER_LEA_TEXT,GSLO,GSHI,LCITY,LZIP,WEBSITE,OPERATIONAL_SCHOOLS"
)
COLUMNS = [
    "leaid",
    "school_year",
    "fipst",
    "state",
    "state_name",
    "lea_name",
    "st_leaid",
    "lea_type",
    "lea_type_text",
    "sy_status_text",
    "charter_lea_text",
    "gslo",
    "gshi",
    "city",
    "zip",
    "website",
    "operational_schools",
]


def row(
    leaid: str, name: str = "Albertville City", lea_type: str = "1", schools: str = "6", zip_: str = "03596"
) -> str:
    return (
        f"2023-2024,01,ALABAMA,AL,{name},01,,AL-101,{leaid},{lea_type},Regular public school district,Open,"
        f"Not a charter district,PK,12,ALBERTVILLE,{zip_},http://www.albertk12.org,{schools}"
    )


def write(tmp_path: Path, rows: list[str], encoding: str = "utf-8", header: str = HEADER) -> Path:
    path = tmp_path / "ccd_lea_029_2324_w_1a_073124.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def test_one_row_per_leaid_with_every_output_column(tmp_path: Path) -> None:
    frame, report = read_directory(write(tmp_path, [row("0100005"), row("0100006", schools="", lea_type="")]))
    assert list(frame.columns) == COLUMNS
    first = frame.iloc[0].to_dict()
    assert first["leaid"] == "0100005" and first["school_year"] == "2023-24" and first["fipst"] == "01"
    assert (first["state"], first["state_name"], first["city"], first["zip"]) == (
        "AL",
        "ALABAMA",
        "ALBERTVILLE",
        "03596",
    )
    assert (first["lea_type"], first["operational_schools"], first["gslo"], first["gshi"]) == (1, 6, "PK", "12")
    assert str(frame["lea_type"].dtype) == "Int64" and str(frame["operational_schools"].dtype) == "Int64"
    assert frame["operational_schools"].isna().tolist() == [False, True]
    assert (report.rows_read, report.rows_used, report.kind) == (2, 2, "directory")


def test_optional_columns_absent_from_the_file_are_null_columns(tmp_path: Path) -> None:
    path = write(tmp_path, ["2023-2024,AL,Albertville City,0100005"], header="SCHOOL_YEAR,ST,LEA_NAME,LEAID")
    frame, _ = read_directory(path)
    assert list(frame.columns) == COLUMNS
    assert frame.loc[0, "lea_name"] == "Albertville City"
    assert frame[["fipst", "city", "zip", "lea_type", "operational_schools"]].isna().all().all()
    assert str(frame["lea_type"].dtype) == "Int64"


def test_a_missing_required_column_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, ["2023-2024,AL,0100005"], header="SCHOOL_YEAR,ST,LEAID")
    with pytest.raises(NcesFileError) as caught:
        read_directory(path)
    assert caught.value.line == 1
    assert caught.value.problem == "missing required column LEA_NAME in the header"


def test_cp1252_names_are_decoded_right(tmp_path: Path) -> None:
    path = write(tmp_path, [row("3500600", "Peñasco Independent Schools"), row("7200030", "Añasco")], "cp1252")
    frame, report = read_directory(path)
    assert report.encoding == "cp1252"
    assert list(frame["lea_name"]) == ["Peñasco Independent Schools", "Añasco"]


def test_utf8_names_are_read_as_utf8(tmp_path: Path) -> None:
    frame, report = read_directory(write(tmp_path, [row("3500600", "Peñasco Independent Schools")]))
    assert report.encoding == "utf-8"
    assert frame.loc[0, "lea_name"] == "Peñasco Independent Schools"


def test_quoted_names_with_commas_and_quotes_are_parsed(tmp_path: Path) -> None:
    frame, _ = read_directory(write(tmp_path, [row("0100005", '"Smith, ""Big"" Valley"'), row("0100006", "O'Brien")]))
    assert list(frame["lea_name"]) == ['Smith, "Big" Valley', "O'Brien"]
    assert list(frame["zip"]) == ["03596", "03596"]


def test_exact_duplicates_are_counted_and_differing_rows_are_conflicts_keeping_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [row("0100005"), row("0100006", "First"), row("0100005"), row("0100006", "Second"), row("100006", "First")],
    )
    frame, report = read_directory(path)
    assert list(frame["leaid"]) == ["0100005", "0100006"]
    assert frame.loc[1, "lea_name"] == "First"
    assert (report.duplicates, report.conflicts, report.ids_repadded, report.rows_used) == (2, 1, 1, 2)
    assert report.examples["duplicates"] == ["0100005", "0100006"]
    assert report.examples["conflicts"] == ["0100006"]
    assert bucket_sum(report) == report.rows_read == 5


def test_invalid_leaids_are_skipped_and_counted(tmp_path: Path) -> None:
    frame, report = read_directory(write(tmp_path, [row("0100005"), row("N/A")]))
    assert list(frame["leaid"]) == ["0100005"]
    assert report.invalid_ids == 1 and report.examples["invalid_ids"] == ["'N/A'"]


def test_a_non_integer_lea_type_is_an_error_naming_its_line(tmp_path: Path) -> None:
    with pytest.raises(NcesFileError) as caught:
        read_directory(write(tmp_path, [row("0100005"), row("0100006", lea_type="x")]))
    assert caught.value.line == 3
    assert caught.value.problem == "LEA_TYPE is not an integer: 'x'"


def test_a_membership_file_is_refused_as_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "ccd_lea_029_2324_w_1a_073124.csv"
    path.write_text(
        "SCHOOL_YEAR,ST,LEA_NAME,LEAID,GRADE,RACE_ETHNICITY,SEX,STUDENT_COUNT,TOTAL_INDICATOR\n"
        "2023-2024,AL,Albertville City,0100005,Grade 1,White,Male,3,Category Set A - By Race/Ethnicity; Sex; Grade\n"
    )
    with pytest.raises(NcesFileError, match="line 1: the header is that of a membership file"):
        read_directory(path)


def test_leaids_stay_text_even_when_all_digits(tmp_path: Path) -> None:
    frame, _ = read_directory(write(tmp_path, [row("0100005"), row("0600001")]))
    assert frame["leaid"].tolist() == ["0100005", "0600001"]
    assert pd.api.types.is_string_dtype(frame["leaid"])
