"""The count columns (STUDENT_COUNT, STAFF_COUNT): non-negative numbers, whole ones for students, NaN when blank.

pyarrow parses them on the fast path and `CountParser` checks its numbers; read as text (the rare path), each
distinct string is parsed once. The first invalid count raises `BadCount`, which the stream turns into an error
at its line.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pyarrow as pa

from lct_pipelines.nces.reader.blocks import indices

# What pyarrow's float parsing accepts too (sign, exponent), so both paths agree; a negative fails later.
_COUNT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class BadCount(Exception):
    """An invalid count at data row `row` (0-based, pyarrow's count); the message is made on the error path."""

    def __init__(self, row: int, column: str, whole: bool) -> None:
        super().__init__(f"invalid {column} at data row {row}")
        self.row = row
        self.column = column
        self.whole = whole


def parse_count(text: str, column: str, whole: bool) -> float:
    """NaN for a blank; ValueError with the problem for anything but a non-negative decimal number."""
    stripped = text.strip()
    if not stripped:
        return math.nan
    if _COUNT.fullmatch(stripped) is None:
        raise ValueError(f"{column} is not a non-negative number: {text!r}")
    value = float(stripped)
    if value < 0:
        raise ValueError(f"{column} is not a non-negative number: {text!r}")
    if whole and not value.is_integer():
        raise ValueError(f"{column} is not a whole number: {text!r}")
    return value


class CountParser:
    """Parses each distinct count string of a file once (counts repeat a lot)."""

    def __init__(self, column: str, whole: bool) -> None:
        self._column = column
        self._whole = whole
        self._cache: dict[str, float] = {}

    def values(self, row0: int, column: pa.Array) -> np.ndarray:
        """float64 per row, NaN for a blank; `BadCount` at the first invalid count."""
        if not pa.types.is_dictionary(column.type):
            return self._checked(row0, column)
        strings = column.dictionary.to_pylist()
        cache = self._cache
        table = [cache.get(s) for s in strings]
        bad: list[int] = []
        for i, value in enumerate(table):
            if value is None:
                try:
                    table[i] = cache[strings[i]] = parse_count(strings[i], self._column, self._whole)
                except ValueError:
                    bad.append(i)
                    table[i] = math.nan
        rows = indices(column)
        if bad:
            raise BadCount(row0 + int(np.flatnonzero(np.isin(rows, bad))[0]), self._column, self._whole)
        return np.array(table, dtype=np.float64)[rows]

    def _checked(self, row0: int, column: pa.Array) -> np.ndarray:
        """Counts pyarrow already parsed (blank = null = NaN): reject negatives, fractions, 'nan' and 'inf'."""
        values = column.to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            bad = (values < 0) | np.isinf(values)
            if self._whole:
                bad |= (values - np.floor(values)) > 0
        nan = np.isnan(values)
        if int(np.count_nonzero(nan)) != column.null_count:  # a NaN that was not a blank: the text 'nan'
            bad |= nan & ~column.is_null().to_numpy(zero_copy_only=False)
        if bad.any():
            raise BadCount(row0 + int(np.argmax(bad)), self._column, self._whole)
        return values
