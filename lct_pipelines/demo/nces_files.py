"""Synthetic NCES CCD LEA files (029 directory, 052 membership, 059 staff) for demos, tests and benchmarks.

`write_demo_data` writes the three files of one school year in the exact CCD
layouts (see docs `nces-ccd-format.md`) into the landing folder
`<data_dir>/raw/nces_ccd/<year>/`, with real geography, skewed district sizes,
staff in realistic ratios (so the LCT scopes keep their expected order), the
edge districts of real releases and every known kind of messiness, planted a
few rows each. What was planted is counted exactly in the returned
`DemoDataSummary` and in `_demo_manifest.json`, so importer tests can assert
that their report finds exactly those numbers. Same seed, same bytes.

How: `nces_draw` draws a `Plan` (every district decided up front, from
`nces_calibration` and `nces_names`); one writer per file (`nces_directory`,
`nces_membership`, `nces_staff`, the last two sharing `nces_long`) turns it
into bytes through `nces_output`; `nces_summary` counts what was planted.
The layouts are in `nces_layout`, the category values in `nces/categories.py`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lct_pipelines.demo.nces_calibration import SCALES
from lct_pipelines.demo.nces_directory import write_directory
from lct_pipelines.demo.nces_draw import draw_plan
from lct_pipelines.demo.nces_membership import write_membership
from lct_pipelines.demo.nces_output import atomic_write_bytes, mb
from lct_pipelines.demo.nces_staff import write_staff
from lct_pipelines.demo.nces_summary import DemoDataSummary, summarise

__all__ = ["DemoDataSummary", "demo_file_names", "write_demo_data"]


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

    plan = draw_plan(np.random.default_rng(seed), scale, long_year)
    say(f"plan: {plan.size:,} districts in {len({int(s) for s in plan.state}):,} states and territories")
    seconds: dict[str, float] = {"plan": time.perf_counter() - started}

    t0 = time.perf_counter()
    directory = write_directory(plan, year_dir / names["directory"], encoding=directory_encoding, eol="\n")
    seconds["directory"] = time.perf_counter() - t0
    say(f"directory: {directory.rows:,} rows, {mb(directory.bytes)}")

    t0 = time.perf_counter()
    membership = write_membership(
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
        f"membership: {membership.rows:,} rows, {mb(membership.csv_bytes)} CSV, "
        f"{mb(membership.bytes)} zip, {seconds['membership']:.1f} s"
    )

    t0 = time.perf_counter()
    staff = write_staff(plan, year_dir / names["staff"], seed=seed, encoding=staff_encoding, eol="\r\n")
    seconds["staff"] = time.perf_counter() - t0
    say(f"staff: {staff.rows:,} rows, {mb(staff.bytes)}")

    summary = summarise(plan, year_dir, names, school_year, scale, seed, directory, membership, staff)
    manifest = json.dumps(summary.to_manifest(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_bytes(summary.manifest_path, manifest.encode("utf-8"))
    seconds["total"] = time.perf_counter() - started
    summary.seconds = seconds
    say(f"done: {summary.districts:,} districts, manifest {summary.manifest_path.name}, {seconds['total']:.1f} s")
    return summary


def _year_labels(school_year: str) -> tuple[str, str, str]:
    """'2023-24' -> ('2023-2024', '2324', '073124'): SCHOOL_YEAR, the file-name year code, the release date code."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", school_year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"school_year must look like 2023-24, not {school_year!r}")
    start = int(match[1])
    return f"{start}-{start + 1}", f"{start % 100:02d}{(start + 1) % 100:02d}", f"0731{(start + 1) % 100:02d}"
