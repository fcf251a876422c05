"""Error path only: where in the file a problem is, as a physical line number (header = 1).

The fast path never counts lines: these rescan the file with `csv` once an error is certain.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from lct_pipelines.nces.reader.source import Source


def _scan_rows(source: Source, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each data row, counted as pyarrow counts them (empty lines skipped)."""
    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
        rows = csv.reader((line.replace("\x00", "") for line in text), strict=False)
        try:
            next(rows, None)
            while True:
                start = rows.line_num + 1
                fields = next(rows, None)
                if fields is None:
                    return
                if fields:
                    yield start, fields
        except (csv.Error, UnicodeDecodeError):
            return


def first_line_where(source: Source, encoding: str, predicate: Callable[[list[str]], bool]) -> int | None:
    """The line of the first data row whose fields satisfy `predicate`, None if no row does."""
    return next((line for line, fields in _scan_rows(source, encoding) if predicate(fields)), None)


def row_at(source: Source, encoding: str, row: int) -> tuple[int | None, list[str]]:
    """The line and fields of data row `row` (0-based, as pyarrow counts); (None, []) past the end."""
    for index, (line, fields) in enumerate(_scan_rows(source, encoding)):
        if index == row:
            return line, fields
    return None, []


def line_of_row(source: Source, encoding: str, row: int) -> int | None:
    """The line of data row `row` (0-based, as pyarrow counts)."""
    return row_at(source, encoding, row)[0]


def line_at_offset(source: Source, offset: int) -> int:
    """The line holding byte `offset` of the raw (decompressed) stream."""
    newlines = 0
    with source.open() as raw:
        remaining = offset
        while remaining > 0:
            chunk = raw.read(min(remaining, 1 << 22))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            remaining -= len(chunk)
    return newlines + 1
