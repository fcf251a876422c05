"""What the long files (052 membership, 059 staff) share: how one is read, and the consumer keeping a key and a count.

Per kept detail row only an exact integer key (district index x category codes) and the count are stored, in
the narrowest exact dtypes; after the stream one stable sort finds duplicates (first row kept) and conflicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from lct_pipelines.nces.categories import EDUCATION_UNIT_TOTAL
from lct_pipelines.nces.reader.blocks import (
    Codebook,
    Deduped,
    LeaidRegistry,
    Parts,
    indices,
    narrow_counts,
    narrow_keys,
)
from lct_pipelines.nces.reader.counts import CountParser
from lct_pipelines.nces.reader.header import locate, read_header
from lct_pipelines.nces.reader.source import PathLike, resolve
from lct_pipelines.nces.reader.streaming import CODED, Columns, stream
from lct_pipelines.nces.reader.years import YearTracker, file_year
from lct_pipelines.nces.report import MAX_UNKNOWN_VALUES, ImportReport


def read_long(path: PathLike, rows: type[LongRows], batch_size_bytes: int) -> tuple[pd.DataFrame, ImportReport]:
    """Streams a long file into `rows` (the layout's consumer) and returns its frame and import report."""
    source = resolve(path)
    header = read_header(source)
    columns = locate(source, header, rows.required)
    consumer, encoding = stream(source, header, columns, rows, batch_size_bytes)
    report = ImportReport(file=source.name, kind=rows.kind, encoding=encoding)
    year = file_year(source, header, encoding, consumer.years)
    return consumer.finish(year, report), report


class LongRows:
    """What the membership and staff readers share: LEAIDs, counts, the indicator, the kept detail rows.

    Per kept detail row only an exact integer key and the count are stored (8-16 bytes); every data row lands
    in exactly one report bucket (see `report.py`).
    """

    kind: str
    required: tuple[str, ...]  # the columns the layout cannot be read without
    detail_indicator: str
    count_column: str
    whole_counts: bool
    key_space: int  # distinct category combinations per LEAID

    def __init__(self, text_counts: bool = False) -> None:
        self.text_counts = text_counts
        self.rows_read = 0
        self.leaids = LeaidRegistry()
        self.years = YearTracker()
        self.indicator = Codebook((self.detail_indicator, EDUCATION_UNIT_TOTAL), missing=2)
        self.counts = CountParser(self.count_column, self.whole_counts)
        self.keys = Parts()
        self.values = Parts()
        self.total_ids = Parts()
        self.total_values = Parts()
        self.present = np.zeros(0, dtype=bool)  # per LEAID index: has a detail row
        self.streamed = ImportReport(file="", kind="")  # counts and examples found while streaming

    def column_types(self, names: Iterable[str]) -> dict[str, pa.DataType]:
        """Categories dictionary-encoded; the count parsed by pyarrow unless reading counts as text."""
        numeric = pa.float64() if not self.text_counts else CODED
        return {name: numeric if name == self.count_column else CODED for name in names}

    def consume(self, row0: int, columns: Columns) -> None:
        """One batch, in a fixed number of whole-array steps (the common path has no per-problem work)."""
        size = len(columns["LEAID"])
        self.rows_read += size
        self.years.add(columns["SCHOOL_YEAR"])
        ids, padded = self.leaids.codes(columns["LEAID"])
        values = self.counts.values(row0, columns[self.count_column])
        # 0 detail, 1 the cross-check total, 2 any other total or subtotal; -1 below: an invalid LEAID.
        indicator = self.indicator.codes(columns["TOTAL_INDICATOR"])
        if padded is not None:
            self.streamed.ids_repadded += int(np.count_nonzero(padded))
            self.streamed.add_example("ids_repadded", self.leaids.some(ids[padded]))
        invalid = ids < 0
        if invalid.any():
            self._note_invalid(columns["LEAID"], invalid)
            indicator[invalid] = -1
        rows = np.flatnonzero(indicator == 0)
        cross = self._cross_check(columns, indicator)
        self.total_ids.append(ids[cross])
        self.total_values.append(values[cross])
        self.streamed.total_rows += int(np.count_nonzero(indicator > 0))
        if rows.size:
            ids = ids[rows]
            self._mark_present(ids)
            self._detail(columns, rows, ids, values[rows])

    def _store(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.keys.append(narrow_keys(keys, (len(self.leaids.ids) + 1) * self.key_space))
        self.values.append(narrow_counts(values, self.whole_counts))

    def _mark_present(self, ids: np.ndarray) -> None:
        size = len(self.leaids.ids)
        if self.present.size < size:
            grown = np.zeros(max(size, 2 * self.present.size), dtype=bool)
            grown[: self.present.size] = self.present
            self.present = grown
        self.present[ids] = True

    def _note_invalid(self, column: pa.Array, invalid: np.ndarray) -> None:
        self.streamed.invalid_ids += int(np.count_nonzero(invalid))
        strings = column.dictionary.to_pylist()
        self.streamed.add_example("invalid_ids", [repr(strings[i]) for i in indices(column)[invalid][:50]])

    def _note_unknown(self, columns: Columns, names: Iterable[str], rows: np.ndarray, ids: np.ndarray) -> None:
        """Counts detail rows with an unknown category and keeps a few of the offending strings."""
        self.streamed.unknown_categories += rows.size
        self.streamed.add_example("unknown_categories", self.leaids.some(ids))
        found = self.streamed.unknown_category_values
        for name in names:
            column = columns[name]
            strings = column.dictionary.to_pylist()
            codebook = self._codebook(name)
            for i in np.unique(indices(column)[rows]):
                value = strings[i].strip()
                if self._is_unknown(codebook.code(value)) and value not in found and len(found) < MAX_UNKNOWN_VALUES:
                    found.append(value)

    def _first_totals(self) -> np.ndarray:
        """Per LEAID index: the count of its first cross-check total row, NaN if none."""
        ids = self.total_ids.take()
        values = self.total_values.take(np.float64)
        out = np.full(len(self.leaids.ids), np.nan)
        unique, first = np.unique(ids, return_index=True)
        out[unique] = values[first]
        return out

    def _present_ids(self) -> np.ndarray:
        return np.flatnonzero(self.present)

    def _report(self, report: ImportReport, deduped: Deduped, id_of_key: Callable[[np.ndarray], np.ndarray]) -> None:
        """Copies the streamed counts into `report` and adds the dedupe outcome."""
        s = self.streamed
        report.rows_read = self.rows_read
        for name in ("total_rows", "ids_repadded", "invalid_ids", "unknown_categories", "rows_without_grade"):
            setattr(report, name, getattr(s, name))
        report.unknown_category_values = list(s.unknown_category_values)
        report.examples = {k: list(v) for k, v in s.examples.items()}
        blank = np.isnan(deduped.values)
        report.blank_counts = int(np.count_nonzero(blank))
        report.rows_used = int(blank.size - report.blank_counts)
        report.duplicates = int(deduped.duplicate_keys.size)
        report.conflicts = int(deduped.conflict_keys.size)
        for name, keys in (
            ("blank_counts", deduped.keys[blank]),
            ("duplicates", deduped.duplicate_keys),
            ("conflicts", deduped.conflict_keys),
        ):
            if keys.size:
                report.add_example(name, self.leaids.some(id_of_key(keys)))

    def _mismatches(
        self,
        report: ImportReport,
        present: np.ndarray,
        detail_sum: np.ndarray,
        reported: np.ndarray,
        total: np.ndarray,
        tolerance: float,
    ) -> None:
        """Districts with reported detail counts whose sum differs from the file's own total row."""
        compared = reported & ~np.isnan(total)
        differs = compared & ~np.isclose(detail_sum, np.nan_to_num(total), rtol=0.0, atol=tolerance)
        report.total_mismatches = int(np.count_nonzero(differs))
        if report.total_mismatches:
            report.add_example("total_mismatches", self.leaids.some(present[differs]))

    # Hooks of the two layouts.
    def finish(self, year: str, report: ImportReport) -> pd.DataFrame:
        """The file's frame once every batch is in; completes `report`."""
        raise NotImplementedError

    def _codebook(self, name: str) -> Codebook:
        raise NotImplementedError

    def _is_unknown(self, code: int) -> bool:
        """Whether a category code is not valid on a detail row."""
        return code < 0

    def _cross_check(self, columns: Columns, indicator: np.ndarray) -> np.ndarray:
        """Mask of the total rows (indicator > 0) that cross-check the detail sum."""
        raise NotImplementedError

    def _detail(self, columns: Columns, rows: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
        """Classifies the batch's detail rows (`rows`) and stores the kept ones."""
        raise NotImplementedError


def leaid_strings(registry: LeaidRegistry, ids: np.ndarray) -> pd.Series:
    return pd.Series(np.array(registry.ids, dtype=object)[ids], dtype="str")
