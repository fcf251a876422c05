"""Per-batch building blocks: category codebooks, the LEAID registry, growing columns, and the dedupe of kept rows.

They work on pyarrow's small per-batch dictionaries and on numpy arrays, never row by row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from lct_pipelines.nces.report import MAX_EXAMPLES

LEAID = re.compile(r"[0-9]{1,7}")


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def indices(column: pa.Array) -> np.ndarray:
    return column.indices.to_numpy(zero_copy_only=False)


class Codebook:
    """Codes of a vocabulary (position in it; `missing` if absent), matched after folding space and case.

    Works on the small per-batch dictionaries: a code table per distinct dictionary, then one `take` per row.
    """

    _MAX_TABLES = 4096

    def __init__(self, vocabulary: Iterable[str], missing: int = -1) -> None:
        self._known = {_fold(value): code for code, value in enumerate(vocabulary)}
        self._tables: dict[tuple[str, ...], np.ndarray] = {}
        self.missing = missing

    def code(self, value: str) -> int:
        return self._known.get(_fold(value), self.missing)

    def table(self, column: pa.Array) -> np.ndarray:
        """int64 code per entry of the column's dictionary (read-only, cached)."""
        strings = tuple(column.dictionary.to_pylist())
        table = self._tables.get(strings)
        if table is None:
            if len(self._tables) >= self._MAX_TABLES:
                self._tables.clear()
            table = self._tables[strings] = np.array([self.code(s) for s in strings], dtype=np.int64)
            table.flags.writeable = False
        return table

    def codes(self, column: pa.Array) -> np.ndarray:
        """int64 code per row of a dictionary-encoded column."""
        return self.table(column)[indices(column)]


class LeaidRegistry:
    """A small integer per distinct 7-character LEAID, in order of first appearance; -1 for an invalid one."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._index: dict[str, int] = {}
        self._cache: dict[str, tuple[int, bool]] = {}

    def lookup(self, raw: str) -> tuple[int, bool]:
        """(index or -1, whether leading zeros were restored)."""
        found = self._cache.get(raw)
        if found is None:
            digits = raw.strip()
            if LEAID.fullmatch(digits) is None:
                found = (-1, False)
            else:
                leaid = digits.zfill(7)
                index = self._index.get(leaid)
                if index is None:
                    index = self._index[leaid] = len(self.ids)
                    self.ids.append(leaid)
                found = (index, len(digits) < 7)
            self._cache[raw] = found
        return found

    def codes(self, column: pa.Array) -> tuple[np.ndarray, np.ndarray | None]:
        """Per row: the LEAID index (-1 if invalid) and, if any row had one, a mask of re-padded ids."""
        found = [self.lookup(s) for s in column.dictionary.to_pylist()]
        rows = indices(column)
        ids = np.array([f[0] for f in found], dtype=np.int64)[rows]
        padded = [f[1] for f in found]
        return ids, (np.array(padded, dtype=bool)[rows] if any(padded) else None)

    def some(self, ids: np.ndarray) -> list[str]:
        """A few of these LEAIDs (distinct, in order of first appearance in the file) for report examples."""
        return [self.ids[i] for i in np.unique(ids)[:MAX_EXAMPLES]]


class Parts:
    """Growing column of per-batch arrays, stored in the narrowest exact dtype to keep the peak small."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []

    def append(self, part: np.ndarray) -> None:
        self._parts.append(part)

    def take(self, empty_dtype: type = np.int64) -> np.ndarray:
        """One array; each part is freed as soon as it is copied, so the peak stays ~1x, not 2x."""
        parts = self._parts
        if not parts:
            return np.empty(0, dtype=empty_dtype)
        out = np.empty(sum(p.size for p in parts), dtype=np.result_type(*parts))
        parts.reverse()
        position = 0
        while parts:
            part = parts.pop()
            out[position : position + part.size] = part
            position += part.size
        return out


def narrow_keys(keys: np.ndarray, bound: int) -> np.ndarray:
    """int32 while every key so far is below 2**31 (exact; halves the kept bytes)."""
    return keys.astype(np.int32) if bound < 2**31 else keys


def narrow_counts(values: np.ndarray, whole: bool) -> np.ndarray:
    """float32 for whole counts below 2**24, which it holds exactly; FTE decimals stay float64."""
    if whole and not (values >= 2**24).any():  # NaN compares False: blanks are fine
        return values.astype(np.float32)
    return values


@dataclass
class Deduped:
    keys: np.ndarray  # kept (first) row per key, ascending
    values: np.ndarray
    duplicate_keys: np.ndarray  # one entry per dropped duplicate row
    conflict_keys: np.ndarray  # one entry per dropped conflicting row


def dedupe(keys: np.ndarray, values: np.ndarray) -> Deduped:
    """First row per key in file order (stable sort), later rows split into exact duplicates and conflicts.

    A blank (NaN) equals a blank; a blank against a number is a conflict.
    """
    if keys.size > 1 and not bool(np.all(keys[1:] >= keys[:-1])):
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        values = values[order]
        del order
    first = np.ones(keys.size, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    empty = np.empty(0, dtype=keys.dtype)
    if first.all():
        return Deduped(keys, values, empty, empty)
    reference = values[first][np.cumsum(first) - 1]
    same = (values == reference) | (np.isnan(values) & np.isnan(reference))
    later = ~first
    return Deduped(keys[first], values[first], keys[later & same], keys[later & ~same])
