"""The 059 staff reader: one FTE per district and detail category, cross-checked against the `Teachers` total."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lct_pipelines.nces.categories import (
    KIND_STAFF,
    STAFF_CATEGORIES,
    STAFF_DETAIL_INDICATOR,
    STAFF_TEACHERS_TOTAL,
    TEACHER_CATEGORIES,
)
from lct_pipelines.nces.reader.blocks import Codebook, dedupe
from lct_pipelines.nces.reader.long import LongRows, leaid_strings, read_long
from lct_pipelines.nces.reader.source import PathLike
from lct_pipelines.nces.reader.streaming import DEFAULT_BLOCK_SIZE, Columns
from lct_pipelines.nces.report import ImportReport


def read_staff(path: PathLike, batch_size_bytes: int = DEFAULT_BLOCK_SIZE) -> tuple[pd.DataFrame, ImportReport]:
    """The 059 staff: one row per LEAID and detail category (leaid, school_year, category, fte).

    `fte` is NaN when the kept row's count is blank. The `Teachers` total rows cross-check the five teacher
    categories (`total_mismatches`).
    """
    return read_long(path, _StaffRows, batch_size_bytes)


_N_STAFF = len(STAFF_CATEGORIES)
_TEACHERS_TOTAL = _N_STAFF  # code of the `Teachers` total row in the staff codebook
_TEACHER_CODES = np.array([STAFF_CATEGORIES.index(c) for c in TEACHER_CATEGORIES])


class _StaffRows(LongRows):
    kind = KIND_STAFF
    required = ("SCHOOL_YEAR", "LEAID", "STAFF", "STAFF_COUNT", "TOTAL_INDICATOR")
    detail_indicator = STAFF_DETAIL_INDICATOR
    count_column = "STAFF_COUNT"
    whole_counts = False
    key_space = _N_STAFF

    def __init__(self, text_counts: bool = False) -> None:
        super().__init__(text_counts)
        self.staff = Codebook((*STAFF_CATEGORIES, STAFF_TEACHERS_TOTAL))

    def _codebook(self, name: str) -> Codebook:
        return self.staff

    def _is_unknown(self, code: int) -> bool:
        # `Teachers` on a detail row is a total's name, not one of the 19 detail categories.
        return code < 0 or code == _TEACHERS_TOTAL

    def _cross_check(self, columns: Columns, indicator: np.ndarray) -> np.ndarray:
        return (indicator > 0) & (self.staff.codes(columns["STAFF"]) == _TEACHERS_TOTAL)

    def _detail(self, columns: Columns, rows: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
        category = self.staff.codes(columns["STAFF"])[rows]
        unknown = (category < 0) | (category == _TEACHERS_TOTAL)
        if unknown.any():
            self._note_unknown(columns, ("STAFF",), rows[unknown], ids[unknown])
            keep = ~unknown
            ids, category, values = ids[keep], category[keep], values[keep]
        self._store(ids * _N_STAFF + category, values)

    def finish(self, year: str, report: ImportReport) -> pd.DataFrame:
        deduped = dedupe(self.keys.take(), self.values.take(np.float64))
        self._report(report, deduped, lambda keys: keys // _N_STAFF)
        ids, category = np.divmod(deduped.keys.astype(np.int64), _N_STAFF)
        size = len(self.leaids.ids)
        teacher = np.isin(category, _TEACHER_CODES) & ~np.isnan(deduped.values)
        teachers = np.bincount(ids[teacher], weights=deduped.values[teacher], minlength=size)
        reported = np.bincount(ids[teacher], minlength=size) > 0
        present = self._present_ids()
        total = self._first_totals()[present]
        self._mismatches(report, present, teachers[present], reported[present], total, tolerance=0.005)
        frame = pd.DataFrame(
            {
                "leaid": leaid_strings(self.leaids, ids),
                "school_year": year,
                "category": pd.Series(np.array(STAFF_CATEGORIES, dtype=object)[category], dtype="str"),
                "fte": deduped.values.astype(np.float64),
                "_order": category,
            }
        )
        return frame.sort_values(["leaid", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
