"""Read and validate a bell-schedule CSV (the format of the collected `bell_schedules_2024_25.csv`).

Valid rows come back as a frame ready to upsert; every other row is returned
with its line number and the reasons it was rejected. Nothing is guessed:
a year must be two consecutive years (2024-25), a state two letters, every
field at most MAX_FIELD_CHARS characters without NUL or other control
characters (PostgreSQL refuses NUL), and a second row for the same
district, year and grade level is rejected as a duplicate of the first.
Whether the district exists is for the caller to check against the
imported directory (enrichment/bulk_import.py).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

COLUMNS = (
    "district_id",
    "district_name",
    "state",
    "year",
    "grade_level",
    "instructional_minutes",
    "start_time",
    "end_time",
    "lunch_duration",
    "source",
    "confidence",
    "method",
    "notes",
)
REQUIRED = ("district_id", "year", "grade_level", "instructional_minutes", "confidence")
LEVELS = ("elementary", "middle", "high")
CONFIDENCES = ("high", "medium", "low")
MIN_MINUTES, MAX_MINUTES = 60, 600
# Longer than any note or source seen in the collected file (the longest is under 300 characters).
MAX_FIELD_CHARS = 2_000
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_LEAID = re.compile(r"^\d{1,7}$")
_STATE = re.compile(r"^[A-Za-z]{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BellScheduleFileError(Exception):
    """The file as a whole cannot be read (missing columns, undecodable, not CSV)."""


@dataclass
class Rejected:
    line: int
    district_id: str
    reasons: list[str]


@dataclass
class BellScheduleFile:
    rows: pd.DataFrame
    rejected: list[Rejected] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the file line of each of `rows`


def validate_minutes(value: str) -> tuple[float | None, str | None]:
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return None, f"instructional_minutes {value!r} is not a number"
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return None, f"instructional_minutes {minutes:g} outside {MIN_MINUTES}-{MAX_MINUTES}"
    return minutes, None


def normalise_leaid(value: str) -> str | None:
    value = (value or "").strip()
    return value.zfill(7) if _LEAID.match(value) else None


def school_year_problem(year: str) -> str | None:
    """Why `year` is not a school year like 2024-25 (two consecutive years), or None."""
    match = _YEAR.match(year)
    if not match:
        return f"year {year!r} is not like 2024-25"
    if (int(match[1]) + 1) % 100 != int(match[2]):
        return f"year {year!r} is not two consecutive years (like 2024-25)"
    return None


def _field_problems(row: dict[str | None, str | None]) -> list[str]:
    problems = []
    for column in COLUMNS:
        value = row.get(column) or ""
        if len(value) > MAX_FIELD_CHARS:
            problems.append(f"{column} is {len(value):,} characters long (at most {MAX_FIELD_CHARS:,})")
        elif _CONTROL.search(value):
            problems.append(f"{column} holds a control character ({'NUL' if chr(0) in value else 'not text'})")
    return problems


def _validate(row: dict[str | None, str | None]) -> tuple[dict[str, object] | None, list[str]]:
    reasons: list[str] = _field_problems(row)
    if reasons:  # the other checks would quote the same unprintable or huge values
        return None, reasons
    if None in row:
        reasons.append(f"the row has {row[None]} fields than the header")
    leaid = normalise_leaid(row.get("district_id", ""))
    if leaid is None:
        reasons.append(f"district_id {row.get('district_id')!r} is not an NCES id of up to 7 digits")
    year = (row.get("year") or "").strip()
    problem = school_year_problem(year)
    if problem:
        reasons.append(problem)
    state = (row.get("state") or "").strip()
    if state and not _STATE.match(state):
        reasons.append(f"state {state!r} is not a 2-letter postal code like WI")
    level = (row.get("grade_level") or "").strip().lower()
    if level not in LEVELS:
        reasons.append(f"grade_level {level!r} is not one of {', '.join(LEVELS)}")
    minutes, problem = validate_minutes((row.get("instructional_minutes") or "").strip())
    if problem:
        reasons.append(problem)
    confidence = (row.get("confidence") or "").strip().lower()
    if confidence not in CONFIDENCES:
        reasons.append(f"confidence {confidence!r} is not one of {', '.join(CONFIDENCES)}")
    if reasons:
        return None, reasons
    clean = {c: (row.get(c) or "").strip() or None for c in COLUMNS}
    clean.update(leaid=leaid, year=year, grade_level=level, instructional_minutes=minutes, confidence=confidence)
    clean.pop("district_id")
    if clean.get("state"):
        clean["state"] = str(clean["state"]).upper()
    return clean, []


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def read_bell_schedule_file(path: Path) -> BellScheduleFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise BellScheduleFileError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise BellScheduleFileError(f"{path}: cannot be read ({err.strerror or err})") from err
    # newline="": a quoted note may span lines; line_num then counts physical lines, so a record's line is
    # the one after where the previous record (or blank line) ended.
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(records, [])]
    except csv.Error as err:
        raise BellScheduleFileError(f"{path}, line 1: not a CSV header ({err})") from err
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BellScheduleFileError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
    good: list[dict[str, object]] = []
    lines: list[int] = []
    first_line_of: dict[tuple[str, str, str], int] = {}
    rejected: list[Rejected] = []
    ended = records.line_num
    while True:
        try:
            values = next(records)
        except StopIteration:
            break
        except csv.Error as err:  # e.g. a field over the csv module's 131,072 characters
            raise BellScheduleFileError(f"{path}, line {records.line_num}: not readable as CSV ({err})") from err
        start, ended = ended + 1, records.line_num
        if not any(v.strip() for v in values):
            continue
        row: dict[str | None, str | None] = dict(zip(header, values, strict=False))
        if len(values) != len(header):
            row[None] = "more" if len(values) > len(header) else "fewer"
        clean, reasons = _validate(row)
        district = _short(str(row.get("district_id") or ""))
        if clean is None:
            rejected.append(Rejected(start, district, reasons))
            continue
        key = (str(clean["leaid"]), str(clean["year"]), str(clean["grade_level"]))
        if key in first_line_of:
            rejected.append(Rejected(start, district, [f"duplicate of line {first_line_of[key]} ({', '.join(key)})"]))
            continue
        first_line_of[key] = start
        good.append(clean)
        lines.append(start)
    columns = ["leaid", *[c for c in COLUMNS if c != "district_id"]]
    return BellScheduleFile(pd.DataFrame(good, columns=columns), rejected, lines)
