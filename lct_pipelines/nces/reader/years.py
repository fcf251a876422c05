"""The school year: a CCD `SCHOOL_YEAR` as the pipeline's key ('2023-24'), and the one year of a whole file."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from lct_pipelines.nces.reader.header import Header
from lct_pipelines.nces.reader.lines import first_line_where
from lct_pipelines.nces.reader.source import Source

_SCHOOL_YEAR = re.compile(r"([0-9]{4})\s*[-/]\s*([0-9]{4}|[0-9]{2})")


def school_year_of(value: str) -> str:
    """The pipeline's year key of a CCD `SCHOOL_YEAR`: '2023-2024' (or '2023-24') -> '2023-24'."""
    match = _SCHOOL_YEAR.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not a school year: {value!r}")
    start, end = int(match[1]), match[2]
    expected = f"{start + 1}" if len(end) == 4 else f"{(start + 1) % 100:02d}"
    if end != expected:
        raise ValueError(f"not a school year (the years are not consecutive): {value!r}")
    return f"{start}-{(start + 1) % 100:02d}"


class YearTracker:
    """The distinct non-blank SCHOOL_YEAR strings of a file (one per batch dictionary, so cheap)."""

    def __init__(self) -> None:
        self.values: dict[str, None] = {}

    def add(self, column: pa.Array) -> None:
        coded = pa.types.is_dictionary(column.type)
        strings = column.dictionary.to_pylist() if coded else pc.unique(column).to_pylist()
        for value in strings:
            stripped = value.strip()
            if stripped:
                self.values.setdefault(stripped)


def file_year(source: Source, header: Header, encoding: str, years: YearTracker) -> str:
    """The one school year of the file ('2023-24'); a file mixing years is not importable as one partition."""
    position = header.positions()["SCHOOL_YEAR"]
    values = list(years.values)
    if not values:
        raise source.error("SCHOOL_YEAR is blank on every row")
    if len(values) > 1:
        line = first_line_where(
            source, encoding, lambda f: position < len(f) and f[position].strip() not in ("", values[0])
        )
        raise source.error(f"several school years in one file: {', '.join(values[:5])}", line=line)
    try:
        return school_year_of(values[0])
    except ValueError as err:
        line = first_line_where(source, encoding, lambda f: position < len(f) and f[position].strip() == values[0])
        raise source.error(f"SCHOOL_YEAR: {err}", line=line) from None
