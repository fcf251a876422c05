"""Benchmark data made from the project's own generators: a half-size membership file, a loaded LCT database.

Nothing here reads /work/shared or the landing folder: the NCES files come from `write_demo_data`, the
bell schedules from a seeded generator below (the demo NCES data has none), the statutory minutes from the
project's seed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lct_pipelines.enrichment.bell_schedule_file import COLUMNS as BELL_FILE_COLUMNS

# Every n-th district with a state gets bell schedules (at full scale ~700 districts, ~2,000 rows).
BELL_SCHEDULE_EVERY = 25
# The collected-schedules columns, with the table's `leaid` in place of the file's `district_id`.
_BELL_COLUMNS = ("leaid", *BELL_FILE_COLUMNS[1:])


def write_head_zip(source: Path, target: Path, data_rows: int) -> tuple[int, int, int]:
    """Copy the header and the first `data_rows` lines of the CSV inside `source` into the zip `target`.

    Returns (data rows, CSV bytes, zip bytes). Districts are contiguous in the demo file, so the head is a
    smaller file of the same shape, cut at most through one district.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as archive:
        member = archive.infolist()[0]
        with (
            archive.open(member) as raw,
            zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out,
            out.open(member.filename, "w", force_zip64=False) as sink,
        ):
            written = 0
            lines = -1  # the header's newline makes it 0: data lines written so far
            while lines < data_rows:
                chunk = raw.read(1 << 20)
                if not chunk:
                    break
                newlines = chunk.count(b"\n")
                cut = len(chunk)
                if lines + newlines > data_rows:  # the chunk holds the last wanted line: cut after it
                    cut = 0
                    for _ in range(data_rows - lines):
                        cut = chunk.index(b"\n", cut) + 1
                    newlines = data_rows - lines
                sink.write(chunk[:cut])
                written += cut
                lines += newlines
    return lines, written, target.stat().st_size


def demo_bell_schedules(directory: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Collected-schedule rows for every n-th district: 1-3 levels, some with an older year too.

    So minutes resolution meets all of it: a bell schedule for some levels only (sources mixed), two years
    of one level (the newer wins), every confidence.
    """
    rng = np.random.default_rng(seed)
    districts = directory[directory["state"].notna()].sort_values("leaid").iloc[::BELL_SCHEDULE_EVERY]
    rows: list[dict[str, Any]] = []
    for leaid, name, state in districts[["leaid", "lea_name", "state"]].itertuples(index=False):
        levels = [lv for lv in ("elementary", "middle", "high") if rng.random() < 0.7] or ["elementary"]
        for level in levels:
            years = ["2024-25", "2023-24"] if rng.random() < 0.2 else [rng.choice(["2023-24", "2024-25"])]
            for year in years:
                rows.append(
                    {
                        "leaid": leaid,
                        "district_name": name,
                        "state": state,
                        "year": str(year),
                        "grade_level": level,
                        "instructional_minutes": float(rng.integers(290, 421)),
                        "start_time": "8:00 AM",
                        "end_time": "3:00 PM",
                        "lunch_duration": "30",
                        "source": "benchmark generator",
                        "confidence": str(rng.choice(["high", "medium", "low"])),
                        "method": "bench",
                        "notes": None,
                    }
                )
    return pd.DataFrame(rows, columns=list(_BELL_COLUMNS))


def bell_schedule_edit(leaid: str, name: str, state: str, minutes: float) -> pd.DataFrame:
    """One district's newly collected elementary schedule (what `lct enrich` saves)."""
    row = dict.fromkeys(_BELL_COLUMNS)
    row.update(
        leaid=leaid,
        district_name=name,
        state=state,
        year="2025-26",
        grade_level="elementary",
        instructional_minutes=float(minutes),
        source="benchmark edit",
        confidence="high",
        method="bench",
    )
    return pd.DataFrame([row], columns=list(_BELL_COLUMNS))


def load_lct_database(url: str, nces: Any, year: str) -> dict[str, int]:
    """Import the year's three NCES files the way the assets do, plus statutory minutes and bell schedules."""
    from lct_pipelines.assets.nces import directory_table, enrollment_table, staff_table
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import replace_partition, transaction
    from lct_pipelines.enrichment.store import load_state_requirements, upsert_bell_schedules
    from lct_pipelines.nces import reader

    counts: dict[str, int] = {}
    engine = build_engine(url, application_name="lct-bench")
    try:
        directory = None
        for kind, read, shape, target in (
            ("directory", reader.read_directory, directory_table, "nces.lea_directory"),
            ("membership", reader.read_membership, enrollment_table, "nces.lea_enrollment"),
            ("staff", reader.read_staff, staff_table, "nces.lea_staff"),
        ):
            frame, _report = read(nces.paths[kind])
            table = shape(frame.assign(school_year=year))
            with transaction(engine) as cur:
                replace_partition(cur, target, table, year)
            counts[target] = len(table)
            if kind == "directory":
                directory = frame
        assert directory is not None
        bells = demo_bell_schedules(directory)
        with transaction(engine) as cur:
            counts["lct.state_requirements"] = load_state_requirements(cur)
            upsert_bell_schedules(cur, bells)
        counts["lct.bell_schedules"] = len(bells)
    finally:
        engine.dispose()
    return counts
