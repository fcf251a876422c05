"""What the demo NCES files hold: `DemoDataSummary`, with the exact count of every planted case, and its manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lct_pipelines.demo.nces_output import FileResult
from lct_pipelines.demo.nces_plan import (
    CASE_BLANK,
    CASE_CONFLICT,
    CASE_DUP,
    LEVEL_ELEMENTARY,
    LEVEL_SECONDARY,
    LEVEL_UNIFIED,
    Plan,
    grade_span,
)

MANIFEST_NAME = "_demo_manifest.json"


@dataclass
class DemoDataSummary:
    """What `write_demo_data` wrote: paths, sizes and the exact counts of every planted case."""

    data_dir: Path
    year_dir: Path
    school_year: str
    scale: str
    seed: int
    paths: dict[str, Path]
    districts: int
    rows: dict[str, int]
    bytes: dict[str, int]
    csv_bytes: dict[str, int]
    district_counts: dict[str, int | float]
    planted: dict[str, int]
    planted_leaids: dict[str, list[str]]
    files: dict[str, dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def manifest_path(self) -> Path:
        return self.paths["manifest"]

    def to_manifest(self) -> dict[str, Any]:
        """The JSON manifest: everything but absolute paths and timings, so it is deterministic too."""
        return {
            "generator": "lct_pipelines.demo.nces_files",
            "school_year": self.school_year,
            "scale": self.scale,
            "seed": self.seed,
            "districts": self.districts,
            "files": self.files,
            "rows": self.rows,
            "bytes": self.bytes,
            "csv_bytes": self.csv_bytes,
            "district_counts": self.district_counts,
            "planted": self.planted,
            "planted_leaids": self.planted_leaids,
        }


def summarise(
    plan: Plan,
    year_dir: Path,
    names: dict[str, str],
    school_year: str,
    scale: str,
    seed: int,
    directory: FileResult,
    membership: FileResult,
    staff: FileResult,
) -> DemoDataSummary:
    in_dir, in_mem, in_staff = plan.in_dir, plan.in_mem, plan.in_staff
    students = plan.grade_counts.sum(axis=1)
    fte = plan.staff_fte.sum(axis=1)  # hundredths, every detail category (Pre-K teachers included)
    status = np.asarray(plan.status)
    nonzero = students[in_mem & (students > 0)]
    gslo_ghi = [grade_span(plan, int(i)) for i in range(plan.size)]
    has_span = np.asarray([lo != "N" for lo, _ in gslo_ghi])
    listed = in_dir & has_span
    district_counts: dict[str, int | float] = {
        "total": plan.size,
        "directory": int(in_dir.sum()),
        "membership": int(in_mem.sum()),
        "staff": int(in_staff.sum()),
        "all_three": int((in_dir & in_mem & in_staff).sum()),
        "directory_only": int((in_dir & ~in_mem & ~in_staff).sum()),
        "directory_without_membership": int((in_dir & ~in_mem).sum()),
        "directory_without_staff": int((in_dir & ~in_staff).sum()),
        "membership_not_in_directory": int((in_mem & ~in_dir).sum()),
        "staff_not_in_directory": int((in_staff & ~in_dir).sum()),
        "membership_without_staff": int((in_mem & ~in_staff).sum()),
        "staff_without_membership": int((in_staff & ~in_mem).sum()),
        "closed": int((in_dir & (status == "Closed")).sum()),
        "inactive": int((in_dir & (status == "Inactive")).sum()),
        "future": int((in_dir & (status == "Future")).sum()),
        "charter": int((in_dir & plan.charter).sum()),
        "unified": int((listed & (plan.level == LEVEL_UNIFIED)).sum()),
        "elementary_only": int((listed & (plan.level == LEVEL_ELEMENTARY)).sum()),
        "secondary_only": int((listed & (plan.level == LEVEL_SECONDARY)).sum()),
        "zero_enrollment": int((in_mem & (students == 0)).sum()),
        "zero_enrollment_with_staff": int((in_mem & in_staff & (students == 0) & (fte > 0)).sum()),
        "zero_staff": int((in_staff & (fte == 0)).sum()),
        "zero_staff_with_students": int((in_mem & in_staff & (fte == 0) & (students > 0)).sum()),
        "staff_exceeds_enrollment": int((in_mem & in_staff & (students > 0) & (fte > students * 100)).sum()),
        "tiny_under_50": int((in_mem & (students > 0) & (students < 50)).sum()),
        "states_and_territories": len({int(s) for s in plan.state}),
        "enrollment_median": float(np.median(nonzero)) if nonzero.size else 0.0,
        "enrollment_max": int(nonzero.max()) if nonzero.size else 0,
        "enrollment_total": int(students[in_mem].sum()),
    }
    dir_dup = int((in_dir & (plan.dir_case == CASE_DUP)).sum())
    dir_conflict = int((in_dir & (plan.dir_case == CASE_CONFLICT)).sum())
    names_in_dir = [plan.name[i] for i in np.flatnonzero(in_dir)]
    planted = {
        "repadded_ids_directory_rows": 0,
        "repadded_ids_membership_rows": membership.stats["stripped_rows"],
        "repadded_ids_staff_rows": staff.stats["stripped_rows"],
        "repadded_ids_membership_detail_rows": membership.stats["stripped_detail_rows"],
        "repadded_ids_staff_detail_rows": staff.stats["stripped_detail_rows"],
        "duplicate_rows_directory": dir_dup,
        "duplicate_rows_membership": int((in_mem & (plan.mem_case == CASE_DUP)).sum()),
        "duplicate_rows_staff": int((in_staff & (plan.staff_case == CASE_DUP)).sum()),
        "conflicts_directory": dir_conflict,
        "conflicts_membership": int((in_mem & (plan.mem_case == CASE_CONFLICT)).sum()),
        "conflicts_staff": int((in_staff & (plan.staff_case == CASE_CONFLICT)).sum()),
        "blank_counts_membership": int((in_mem & (plan.mem_case == CASE_BLANK)).sum()),
        "blank_counts_staff": int((in_staff & (plan.staff_case == CASE_BLANK)).sum()),
        "total_mismatches_membership": int((in_mem & (plan.mem_mismatch != 0)).sum()),
        "total_mismatches_staff": int((in_staff & (plan.staff_mismatch != 0)).sum()),
        "not_specified_rows_membership": membership.stats["not_specified_rows"],
        "non_ascii_names_directory": sum(1 for x in names_in_dir if not x.isascii()),
        "quoted_names_directory": sum(1 for x in names_in_dir if "," in x or '"' in x),
    }

    def ids(mask: np.ndarray) -> list[str]:
        return [plan.leaid[i] for i in np.flatnonzero(mask)]

    planted_leaids = {
        "repadded_ids": ids(plan.stripped),
        "duplicate_rows_directory": ids(in_dir & (plan.dir_case == CASE_DUP)),
        "conflicts_directory": ids(in_dir & (plan.dir_case == CASE_CONFLICT)),
        "duplicate_rows_membership": ids(plan.mem_case == CASE_DUP),
        "conflicts_membership": ids(plan.mem_case == CASE_CONFLICT),
        "blank_counts_membership": ids(plan.mem_case == CASE_BLANK),
        "total_mismatches_membership": ids(plan.mem_mismatch != 0),
        "duplicate_rows_staff": ids(plan.staff_case == CASE_DUP),
        "conflicts_staff": ids(plan.staff_case == CASE_CONFLICT),
        "blank_counts_staff": ids(plan.staff_case == CASE_BLANK),
        "total_mismatches_staff": ids(plan.staff_mismatch != 0),
        "membership_not_in_directory": ids(in_mem & ~in_dir),
        "staff_not_in_directory": ids(in_staff & ~in_dir),
        "directory_without_membership": ids(in_dir & ~in_mem),
        "directory_without_staff": ids(in_dir & ~in_staff),
        "staff_exceeds_enrollment": ids(in_mem & in_staff & (students > 0) & (fte > students * 100)),
        "non_ascii_names": ids(np.asarray([not x.isascii() for x in plan.name]) & in_dir),
    }
    results = {"directory": directory, "membership": membership, "staff": staff}
    files = {k: r.entry() for k, r in results.items()}
    return DemoDataSummary(
        data_dir=year_dir.parents[2],
        year_dir=year_dir,
        school_year=school_year,
        scale=scale,
        seed=seed,
        paths={**{k: r.path for k, r in results.items()}, "manifest": year_dir / MANIFEST_NAME},
        districts=plan.size,
        rows={k: r.rows for k, r in results.items()},
        bytes={k: r.bytes for k, r in results.items()},
        csv_bytes={k: r.csv_bytes for k, r in results.items()},
        district_counts=district_counts,
        planted=planted,
        planted_leaids=planted_leaids,
        files=files,
    )
