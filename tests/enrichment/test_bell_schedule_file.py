"""Bell-schedule CSVs in the collected format: valid rows kept, bad rows rejected with their reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from lct_pipelines.enrichment.bell_schedule_file import BellScheduleFileError, read_bell_schedule_file
from tests.conftest import SHARED_DATA

HEADER = (
    "district_id,district_name,state,year,grade_level,instructional_minutes,start_time,end_time,"
    "lunch_duration,source,confidence,method,notes\n"
)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bell.csv"
    path.write_text(HEADER + body)
    return path


def test_valid_rows_are_padded_and_normalised(tmp_path: Path) -> None:
    parsed = read_bell_schedule_file(
        _write(tmp_path, '634920,"San Mateo, Foster",ca,2024-25,Elementary,400,,,,web,HIGH,m,\n')
    )
    assert parsed.rejected == []
    row = parsed.rows.iloc[0]
    assert (row.leaid, row.state, row.grade_level, row.instructional_minutes, row.confidence) == (
        "0634920",
        "CA",
        "elementary",
        400.0,
        "high",
    )
    assert row.district_name == "San Mateo, Foster"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("63492X,n,CA,2024-25,high,400,,,,s,high,m,", "district_id"),
        ("634920,n,CA,2024,high,400,,,,s,high,m,", "year"),
        ("634920,n,CA,2024-25,kindergarten,400,,,,s,high,m,", "grade_level"),
        ("634920,n,CA,2024-25,high,59,,,,s,high,m,", "outside 60-600"),
        ("634920,n,CA,2024-25,high,601,,,,s,high,m,", "outside 60-600"),
        ("634920,n,CA,2024-25,high,lots,,,,s,high,m,", "not a number"),
        ("634920,n,CA,2024-25,high,400,,,,s,certain,m,", "confidence"),
    ],
)
def test_bad_rows_are_rejected_with_line_and_reason(tmp_path: Path, line: str, reason: str) -> None:
    parsed = read_bell_schedule_file(_write(tmp_path, "634920,n,CA,2024-25,middle,310,,,,s,high,m,\n" + line + "\n"))
    assert len(parsed.rows) == 1
    assert len(parsed.rejected) == 1
    assert parsed.rejected[0].line == 3
    assert reason in "; ".join(parsed.rejected[0].reasons)


def test_minutes_at_the_edges_are_accepted(tmp_path: Path) -> None:
    parsed = read_bell_schedule_file(
        _write(tmp_path, "1,n,CA,2024-25,high,60,,,,s,low,m,\n2,n,CA,2024-25,high,600,,,,s,low,m,\n")
    )
    assert sorted(parsed.rows.instructional_minutes) == [60.0, 600.0]


def test_missing_column_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bell.csv"
    path.write_text("district_id,year,grade_level,confidence\n1,2024-25,high,low\n")
    with pytest.raises(BellScheduleFileError, match=r"bell\.csv, line 1: missing column\(s\) instructional_minutes"):
        read_bell_schedule_file(path)


def test_the_81_collected_schedules_all_load() -> None:
    source = SHARED_DATA / "bell_schedules_2024_25.csv"
    if not source.exists():
        pytest.skip(f"{source} not present (a user's clone has no shared/ folder)")
    parsed = read_bell_schedule_file(source)
    assert parsed.rejected == []
    assert len(parsed.rows) == 81
    assert parsed.rows.leaid.str.len().eq(7).all()
