"""The 052 membership reader: per district the detail counts summed by grade over race and sex, and its total row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lct_pipelines.nces.categories import (
    GRADE_COLUMNS,
    GRADES,
    KIND_MEMBERSHIP,
    MEMBERSHIP_DETAIL_INDICATOR,
    NO_CATEGORY_CODES,
    RACES,
    SEXES,
)
from lct_pipelines.nces.reader.blocks import Codebook, dedupe, indices
from lct_pipelines.nces.reader.long import LongRows, leaid_strings, read_long
from lct_pipelines.nces.reader.source import PathLike
from lct_pipelines.nces.reader.streaming import DEFAULT_BLOCK_SIZE, Columns
from lct_pipelines.nces.report import ImportReport


def read_membership(path: PathLike, batch_size_bytes: int = DEFAULT_BLOCK_SIZE) -> tuple[pd.DataFrame, ImportReport]:
    """The 052 membership: per LEAID the detail counts summed by grade over race and sex, plus its total row.

    Columns: leaid, school_year, prek, kg, g1..g13, ungraded, adult_ed (float64, NaN when no detail row of the
    grade has a count), total_reported (the `Education Unit Total` row, NaN if absent).
    """
    return read_long(path, _MembershipRows, batch_size_bytes)


_N_GRADES = len(GRADES) + 1  # + No Category Codes
_N_RACES = len(RACES)
_N_SEXES = len(SEXES)
_NO_GRADE = len(GRADES)
_PER_GRADE = _N_RACES * _N_SEXES
_UNUSABLE = -(1 << 40)  # far below any sum of usable category codes


class _MembershipRows(LongRows):
    kind = KIND_MEMBERSHIP
    required = ("SCHOOL_YEAR", "LEAID", "GRADE", "RACE_ETHNICITY", "SEX", "STUDENT_COUNT", "TOTAL_INDICATOR")
    detail_indicator = MEMBERSHIP_DETAIL_INDICATOR
    count_column = "STUDENT_COUNT"
    whole_counts = True
    key_space = _N_GRADES * _PER_GRADE

    def __init__(self, text_counts: bool = False) -> None:
        super().__init__(text_counts)
        self.codebooks = {
            "GRADE": Codebook((*GRADES, NO_CATEGORY_CODES)),
            "RACE_ETHNICITY": Codebook(RACES),
            "SEX": Codebook(SEXES),
        }

    def _codebook(self, name: str) -> Codebook:
        return self.codebooks[name]

    def _cross_check(self, columns: Columns, indicator: np.ndarray) -> np.ndarray:
        return indicator == 1

    def _detail(self, columns: Columns, rows: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
        # Exact key: LEAID index * key_space + (grade * races + race) * sexes + sex; no hashing, no collisions.
        # The category part adds up three pre-scaled code tables; an unusable code (unknown, or the grade
        # `No Category Codes`) is a large negative, so one sign test finds every row needing a closer look.
        grade, race, sex = (
            self._scaled_codes(columns, name, scale)
            for name, scale in (("GRADE", _PER_GRADE), ("RACE_ETHNICITY", _N_SEXES), ("SEX", 1))
        )
        category = np.add(np.add(grade, race, out=grade), sex, out=grade)[rows]
        keys = ids * self.key_space + category
        set_aside = category < 0
        if set_aside.any():
            self._set_aside(columns, rows[set_aside], ids[set_aside])
            keep = ~set_aside
            keys, values = keys[keep], values[keep]
        self._store(keys, values)

    def _scaled_codes(self, columns: Columns, name: str, scale: int) -> np.ndarray:
        table = self.codebooks[name].table(columns[name])
        usable = (table >= 0) & (table != _NO_GRADE) if name == "GRADE" else table >= 0
        return np.where(usable, table * scale, _UNUSABLE)[indices(columns[name])]

    def _set_aside(self, columns: Columns, rows: np.ndarray, ids: np.ndarray) -> None:
        """Counts detail rows with an unknown category, then those with no grade (both excluded)."""
        grade, race, sex = (self.codebooks[name].codes(columns[name])[rows] for name in self.codebooks)
        unknown = (grade < 0) | (race < 0) | (sex < 0)
        if unknown.any():
            self._note_unknown(columns, self.codebooks, rows[unknown], ids[unknown])
        no_grade = ~unknown
        if no_grade.any():
            self.streamed.rows_without_grade += int(np.count_nonzero(no_grade))
            self.streamed.add_example("rows_without_grade", self.leaids.some(ids[no_grade]))

    def finish(self, year: str, report: ImportReport) -> pd.DataFrame:
        deduped = dedupe(self.keys.take(), self.values.take(np.float64))
        self._report(report, deduped, lambda keys: keys // self.key_space)
        size = len(self.leaids.ids)
        cells = np.floor_divide(deduped.keys, _PER_GRADE, out=deduped.keys)  # in place: keys are done with
        sums, counted = _sum_by_cell(cells, deduped.values, size * _N_GRADES)
        del deduped
        present = self._present_ids()
        grades = sums.reshape(size, _N_GRADES)[present, : len(GRADES)]
        reported = counted.reshape(size, _N_GRADES)[present].sum(axis=1) > 0
        total = self._first_totals()[present]
        detail_sum = np.nansum(grades, axis=1)
        self._mismatches(report, present, detail_sum, reported, total, tolerance=1e-6)
        frame = pd.DataFrame({"leaid": leaid_strings(self.leaids, present), "school_year": year})
        for position, column in enumerate(GRADE_COLUMNS):
            frame[column] = grades[:, position]
        frame["total_reported"] = total
        return frame.sort_values("leaid", kind="stable").reset_index(drop=True)


def _sum_by_cell(cells: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell (ascending input): the float64 sum of the non-blank values (NaN if none) and how many there were.

    `values` is modified (blanks set to 0). `np.add.reduceat` over the sorted cells, in the values' own dtype:
    a bincount or a float64 reduceat would first copy every value to float64.
    """
    sums = np.full(size, np.nan)
    counted = np.zeros(size, dtype=np.int64)
    if cells.size == 0:
        return sums, counted
    blank = np.flatnonzero(np.isnan(values))
    values[blank] = 0
    starts = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1])))
    group_sums = np.add.reduceat(values, starts).astype(np.float64)
    if values.dtype == np.float32:
        # Non-negative whole numbers add exactly in float32 while the result stays below 2**24.
        for group in np.flatnonzero(group_sums >= 2**24):
            end = starts[group + 1] if group + 1 < starts.size else values.size
            group_sums[group] = values[starts[group] : end].sum(dtype=np.float64)
    sizes = np.diff(starts, append=values.size)
    group_counted = sizes - np.bincount(np.searchsorted(starts, blank, side="right") - 1, minlength=starts.size)
    where = cells[starts]
    sums[where] = np.where(group_counted > 0, group_sums, np.nan)
    counted[where] = group_counted
    return sums, counted
