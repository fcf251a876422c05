"""What any CCD file goes through: containers, encodings, line endings, broken input, the header, the kind."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest

from lct_pipelines.nces.reader import (
    NcesFileError,
    detect_kind,
    read_directory,
    read_membership,
    read_staff,
    school_year_of,
)

MEMBERSHIP = "ccd_lea_052_2324_l_1a_073124"
HEADER = "SCHOOL_YEAR,ST,LEA_NAME,LEAID,GRADE,RACE_ETHNICITY,SEX,STUDENT_COUNT,TOTAL_INDICATOR,DMS_FLAG"
DETAIL = "Category Set A - By Race/Ethnicity; Sex; Grade"


def row(leaid: str = "0100005", name: str = "Albertville City", grade: str = "Grade 1", count: str = "10") -> str:
    return f"2023-2024,AL,{name},{leaid},{grade},White,Female,{count},{DETAIL},Reported"


def lines(*rows: str) -> list[str]:
    return [HEADER, *rows]


def write(tmp_path: Path, text_lines: list[str], *, eol: str = "\n", encoding: str = "utf-8", name: str = "") -> Path:
    path = tmp_path / (name or f"{MEMBERSHIP}.csv")
    path.write_bytes((eol.join(text_lines) + eol).encode(encoding))
    return path


def zipped(tmp_path: Path, members: dict[str, bytes], name: str = f"{MEMBERSHIP}.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def error_of(read, path: Path) -> NcesFileError:
    with pytest.raises(NcesFileError) as caught:
        read(path)
    return caught.value


# --- encodings ------------------------------------------------------------------------------------------------


def test_utf8_with_bom_is_read_and_the_bom_does_not_hide_the_first_column(tmp_path: Path) -> None:
    path = write(tmp_path, lines(row(name="Peñasco")), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfSCHOOL_YEAR")
    frame, report = read_membership(path)
    assert report.encoding == "utf-8-sig"
    assert frame.loc[0, "g1"] == 10.0 and frame.loc[0, "school_year"] == "2023-24"


def test_cp1252_bytes_switch_the_whole_file_to_cp1252_even_late_in_the_stream(tmp_path: Path) -> None:
    rows = [row(leaid=f"01{i:05d}") for i in range(300)] + [row(leaid="0100999", name="Añasco")]
    path = write(tmp_path, lines(*rows), encoding="cp1252")
    frame, report = read_membership(path, batch_size_bytes=2048)
    assert report.encoding == "cp1252"
    assert (report.rows_read, len(frame)) == (301, 301)  # the restart does not count rows twice


def test_bytes_undecodable_in_utf8_and_cp1252_are_an_error_naming_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, lines(row(), row(leaid="0100006"), row(leaid="0100007")))
    data = path.read_bytes().split(b"\n")
    data[2] = data[2].replace(b"Albertville", b"Albert\x81\x8d\x9dville")  # line 3
    path.write_bytes(b"\n".join(data))
    err = error_of(read_membership, path)
    assert err.line == 3
    assert str(err).startswith(f"{MEMBERSHIP}.csv, line 3: undecodable bytes")
    assert "byte 0x81" in err.problem


def test_the_cp1252_failure_line_is_named_when_utf8_failed_earlier(tmp_path: Path) -> None:
    path = write(tmp_path, lines(row(name="Peñasco"), row(leaid="0100006"), row(leaid="0100007")), encoding="cp1252")
    data = path.read_bytes().split(b"\n")
    data[3] = data[3].replace(b"Albertville", b"Albert\x90ville")  # line 4
    path.write_bytes(b"\n".join(data))
    err = error_of(read_membership, path)
    assert err.line == 4
    assert "not UTF-8 (first at line 2)" in err.problem


# --- CSV syntax -------------------------------------------------------------------------------------------------


def test_crlf_line_endings_and_a_trailing_empty_line_parse(tmp_path: Path) -> None:
    path = write(tmp_path, [*lines(row(), row(leaid="0100006", count="7")), ""], eol="\r\n")
    assert path.read_bytes().endswith(b"Reported\r\n\r\n")
    frame, report = read_membership(path)
    assert report.rows_read == 2
    assert frame["g1"].tolist() == [10.0, 7.0]


def test_quoted_fields_with_commas_quotes_and_newlines_parse(tmp_path: Path) -> None:
    path = write(tmp_path, lines(row(name='"Smith, ""Big"" Valley"'), row(leaid="0100006", name='"Two\nLines"')))
    frame, report = read_membership(path)
    assert report.rows_read == 2
    assert frame["leaid"].tolist() == ["0100005", "0100006"]


def test_a_row_with_the_wrong_number_of_fields_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, lines(row(), row(leaid="0100006"), "2023-2024,AL,Short", row(leaid="0100008")))
    err = error_of(read_membership, path)
    assert str(err) == f"{MEMBERSHIP}.csv, line 4: expected 10 columns, found 3"
    assert (err.line, err.problem) == (4, "expected 10 columns, found 3")


def test_the_error_line_is_the_physical_line_after_empty_lines_and_multiline_fields(tmp_path: Path) -> None:
    path = write(tmp_path, lines(row(name='"Two\nLines"'), "", row(leaid="0100006"), "x,y"))
    err = error_of(read_membership, path)
    assert err.line == 6  # header 1, quoted row 2-3, empty 4, row 5, bad row 6


def test_the_error_line_is_right_far_into_a_zipped_file(tmp_path: Path) -> None:
    rows = [row(leaid=f"01{i:05d}") for i in range(2000)]
    rows[1500] = row(leaid="0101500", count="many")
    data = ("\r\n".join(lines(*rows)) + "\r\n").encode()
    err = error_of(read_membership, zipped(tmp_path, {f"{MEMBERSHIP}.csv": data}))
    assert err.line == 1502
    assert str(err).startswith(f"{MEMBERSHIP}.zip ({MEMBERSHIP}.csv), line 1502: STUDENT_COUNT")


# --- containers and broken input -------------------------------------------------------------------------------------


def test_a_zip_holding_one_csv_reads_like_the_csv(tmp_path: Path) -> None:
    csv_path = write(tmp_path, lines(row(), row(leaid="100006", count="4")))
    archive = zipped(tmp_path, {"readme.txt": b"about", f"sub/{MEMBERSHIP}.csv": csv_path.read_bytes()})
    from_csv, csv_report = read_membership(csv_path)
    from_zip, zip_report = read_membership(archive)
    assert from_zip.equals(from_csv)
    assert zip_report.file == f"{MEMBERSHIP}.zip (sub/{MEMBERSHIP}.csv)"
    assert (zip_report.rows_read, zip_report.ids_repadded) == (csv_report.rows_read, csv_report.ids_repadded) == (2, 1)


@pytest.mark.parametrize(
    ("members", "problem"),
    [
        ({"readme.txt": b"x"}, "expected exactly one .csv file in the zip archive, found 0"),
        ({"a.csv": b"x", "b.CSV": b"y"}, "expected exactly one .csv file in the zip archive, found 2: a.csv, b.CSV"),
    ],
)
def test_a_zip_without_exactly_one_csv_is_an_error(tmp_path: Path, members: dict[str, bytes], problem: str) -> None:
    err = error_of(read_membership, zipped(tmp_path, members))
    assert str(err) == f"{MEMBERSHIP}.zip: {problem}"


def test_a_truncated_zip_is_an_error(tmp_path: Path) -> None:
    archive = zipped(tmp_path, {f"{MEMBERSHIP}.csv": ("\n".join(lines(row())) + "\n").encode()})
    archive.write_bytes(archive.read_bytes()[:40])
    err = error_of(read_membership, archive)
    assert err.problem.startswith("not a readable zip archive")


def test_corrupt_compressed_data_in_a_zip_is_an_error(tmp_path: Path) -> None:
    rows = [row(leaid=f"01{i:05d}", count=str(i)) for i in range(3000)]
    archive = zipped(tmp_path, {f"{MEMBERSHIP}.csv": ("\n".join(lines(*rows)) + "\n").encode()})
    data = bytearray(archive.read_bytes())
    start = len(f"{MEMBERSHIP}.csv") + 30 + 2000  # inside the deflate stream, past the header line
    data[start : start + 64] = bytes(64)
    archive.write_bytes(bytes(data))
    err = error_of(read_membership, archive)
    assert err.member == f"{MEMBERSHIP}.csv"
    assert err.problem.startswith("cannot read the file: ")


def test_binary_garbage_is_an_error_listing_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / f"{MEMBERSHIP}.csv"
    path.write_bytes(bytes(range(256)) * 64)
    err = error_of(read_membership, path)
    assert err.line == 1
    assert err.problem == (
        "missing required columns SCHOOL_YEAR, LEAID, GRADE, RACE_ETHNICITY, SEX, STUDENT_COUNT, "
        "TOTAL_INDICATOR in the header"
    )


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \n"])
def test_an_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / f"{MEMBERSHIP}.csv"
    path.write_bytes(content)
    assert str(error_of(read_staff, path)) == f"{MEMBERSHIP}.csv: the file is empty"


def test_a_header_without_data_rows_is_an_error(tmp_path: Path) -> None:
    err = error_of(read_membership, write(tmp_path, lines()))
    assert err.problem == "no data rows after the header"


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    err = error_of(read_directory, tmp_path / "nope.csv")
    assert err.problem.startswith("cannot open the file")


# --- the header, the kind ---------------------------------------------------------------------------------------


def test_header_names_match_regardless_of_case_whitespace_and_extra_columns(tmp_path: Path) -> None:
    header = " school_year ,St,Lea_Name, leaid ,EXTRA, Grade,race_ethnicity,sex , Student_Count,total_indicator"
    path = write(tmp_path, [header, f"2023-2024,AL,Albertville City,0100005,zzz,Grade 1,White,Female,10,{DETAIL}"])
    frame, _ = read_membership(path)
    assert frame.loc[0, "g1"] == 10.0


def test_detect_kind_follows_the_header_not_the_file_name(tmp_path: Path) -> None:
    membership = write(tmp_path, lines(row()), name="ccd_lea_059_2324_l_1a_073124.csv")
    staff = write(
        tmp_path,
        [
            "SCHOOL_YEAR,LEAID,STAFF,STAFF_COUNT,TOTAL_INDICATOR",
            "2023-2024,0100005,LEA Administrators,1,Category Set A",
        ],
        name="ccd_lea_029_2324_w_1a_073124.csv",
    )
    directory = write(
        tmp_path, ["SCHOOL_YEAR,ST,LEA_NAME,LEAID,LEA_TYPE", "2023-2024,AL,Albertville City,0100005,1"], name="x.csv"
    )
    archive = zipped(tmp_path, {"inner.csv": membership.read_bytes()}, name="data.zip")
    assert [detect_kind(p) for p in (membership, staff, directory, archive)] == [
        "membership",
        "staff",
        "directory",
        "membership",
    ]


def test_detect_kind_of_an_unknown_header_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, ["A,B,C", "1,2,3"], name="ccd_lea_052_2324_l_1a_073124.csv")
    err = error_of(detect_kind, path)
    assert err.line == 1 and "none of the CCD LEA layouts" in err.problem


# --- small pieces ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "year"), [("2023-2024", "2023-24"), (" 2023-24 ", "2023-24"), ("1999-2000", "1999-00")]
)
def test_school_year_of_gives_the_pipeline_key(value: str, year: str) -> None:
    assert school_year_of(value) == year


@pytest.mark.parametrize("value", ["2023", "2023-2025", "2023-25", "school year"])
def test_school_year_of_refuses_what_is_not_a_school_year(value: str) -> None:
    with pytest.raises(ValueError, match="not a school year"):
        school_year_of(value)


def test_an_error_survives_pickling_with_its_fields() -> None:
    err = NcesFileError("/data/x.zip", "expected 15 columns, found 3", line=4812, member="x.csv")
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) == "x.zip (x.csv), line 4812: expected 15 columns, found 3"
    assert (copy.path, copy.line, copy.problem, copy.member) == ("/data/x.zip", 4812, err.problem, "x.csv")
