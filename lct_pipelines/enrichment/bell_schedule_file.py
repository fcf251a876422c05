"""Read and validate a bell-schedule CSV (the format of the collected `bell_schedules_2024_25.csv`).

Valid rows come back as a frame ready to upsert; every other row is returned
with its line number and the reasons it was rejected. Nothing is guessed.
"""

from __future__ import annotations

import csv
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
_YEAR = re.compile(r"^\d{4}-\d{2}$")
_LEAID = re.compile(r"^\d{1,7}$")


class BellScheduleFileError(Exception):
    """The file as a whole cannot be read (missing columns, undecodable)."""


@dataclass
class Rejected:
    line: int
    district_id: str
    reasons: list[str]


@dataclass
class BellScheduleFile:
    rows: pd.DataFrame
    rejected: list[Rejected] = field(default_factory=list)


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


def _validate(row: dict[str, str]) -> tuple[dict[str, object] | None, list[str]]:
    reasons: list[str] = []
    leaid = normalise_leaid(row.get("district_id", ""))
    if leaid is None:
        reasons.append(f"district_id {row.get('district_id')!r} is not an NCES id of up to 7 digits")
    year = (row.get("year") or "").strip()
    if not _YEAR.match(year):
        reasons.append(f"year {year!r} is not like 2024-25")
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


def read_bell_schedule_file(path: Path) -> BellScheduleFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise BellScheduleFileError(f"{path}: not UTF-8 ({err})") from err
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BellScheduleFileError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
    reader.fieldnames = header
    good: dict[tuple[str, str, str], dict[str, object]] = {}
    rejected: list[Rejected] = []
    for line, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        clean, reasons = _validate(row)
        if clean is None:
            rejected.append(Rejected(line, row.get("district_id") or "", reasons))
            continue
        # A later row for the same district, year and level replaces an earlier one in the file.
        good[(str(clean["leaid"]), str(clean["year"]), str(clean["grade_level"]))] = clean
    columns = ["leaid", *[c for c in COLUMNS if c != "district_id"]]
    return BellScheduleFile(pd.DataFrame(list(good.values()), columns=columns), rejected)
