"""The 029 directory reader: one row per LEAID (first row kept), optional columns absent from the file as nulls."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from lct_pipelines.nces.categories import KIND_DIRECTORY
from lct_pipelines.nces.reader.blocks import LEAID
from lct_pipelines.nces.reader.header import Header, locate, long_kind, read_header
from lct_pipelines.nces.reader.lines import line_of_row
from lct_pipelines.nces.reader.source import PathLike, Source, resolve
from lct_pipelines.nces.reader.streaming import DEFAULT_BLOCK_SIZE, TEXT, Columns, stream
from lct_pipelines.nces.reader.years import YearTracker, file_year
from lct_pipelines.nces.report import ImportReport

_REQUIRED = ("SCHOOL_YEAR", "ST", "LEA_NAME", "LEAID")
# Output column <- CCD column, in output order (leaid, school_year and the two integer columns aside).
_TEXT_COLUMNS = {
    "fipst": "FIPST",
    "state": "ST",
    "state_name": "STATENAME",
    "lea_name": "LEA_NAME",
    "st_leaid": "ST_LEAID",
    "lea_type": "LEA_TYPE",
    "lea_type_text": "LEA_TYPE_TEXT",
    "sy_status_text": "SY_STATUS_TEXT",
    "charter_lea_text": "CHARTER_LEA_TEXT",
    "gslo": "GSLO",
    "gshi": "GSHI",
    "city": "LCITY",
    "zip": "LZIP",
    "website": "WEBSITE",
    "operational_schools": "OPERATIONAL_SCHOOLS",
}
_INTEGER_COLUMNS = ("lea_type", "operational_schools")


def read_directory(path: PathLike, batch_size_bytes: int = DEFAULT_BLOCK_SIZE) -> tuple[pd.DataFrame, ImportReport]:
    """The 029 directory: one row per LEAID (first row kept), optional columns absent from the file as nulls."""
    source = resolve(path)
    header = read_header(source)
    kind = long_kind(header)
    if kind is not None:
        raise source.error(f"the header is that of a {kind} file, not a directory file", line=1)
    wanted = (*_REQUIRED, *(c for c in _TEXT_COLUMNS.values() if c not in _REQUIRED))
    columns = locate(source, header, _REQUIRED, wanted)
    consumer, encoding = stream(source, header, columns, lambda _: _DirectoryRows(), batch_size_bytes)
    report = ImportReport(file=source.name, kind=KIND_DIRECTORY, encoding=encoding)
    frame = _build_directory(source, header, encoding, consumer, report)
    return frame, report


class _DirectoryRows:
    """Collects the (small) directory as text columns; the work happens once in `_build_directory`."""

    def __init__(self) -> None:
        self.rows_read = 0
        self.parts: dict[str, list[pa.Array]] = {}

    def column_types(self, names: Iterable[str]) -> dict[str, pa.DataType]:
        return dict.fromkeys(names, TEXT)

    def consume(self, row0: int, columns: Columns) -> None:
        self.rows_read += len(next(iter(columns.values())))
        for name, column in columns.items():
            self.parts.setdefault(name, []).append(column)

    def column(self, name: str, size: int) -> pd.Series:
        """Stripped text, blank as missing; an absent column is all missing."""
        if name not in self.parts:
            return pd.Series(np.nan, index=range(size), dtype="str")
        text = pa.chunked_array(self.parts[name], type=pa.string()).to_pandas().astype("str").str.strip()
        return text.where(text != "")


def _build_directory(
    source: Source, header: Header, encoding: str, rows: _DirectoryRows, report: ImportReport
) -> pd.DataFrame:
    size = report.rows_read = rows.rows_read
    years = YearTracker()
    for part in rows.parts["SCHOOL_YEAR"]:
        years.add(part)
    frame = pd.DataFrame({"leaid": _directory_ids(rows.column("LEAID", size), report)})
    frame["school_year"] = file_year(source, header, encoding, years)
    for output, ccd in _TEXT_COLUMNS.items():
        frame[output] = rows.column(ccd, size)
    for output in _INTEGER_COLUMNS:
        frame[output] = _integers(source, encoding, frame[output], _TEXT_COLUMNS[output])
    frame = _first_row_per_leaid(frame[frame["leaid"].notna()], report)
    report.rows_used = len(frame)
    return frame.sort_values("leaid", kind="stable").reset_index(drop=True)


def _directory_ids(raw: pd.Series, report: ImportReport) -> pd.Series:
    """7-character LEAIDs, missing where invalid; counts both problems into `report`."""
    valid = raw.str.fullmatch(LEAID.pattern).fillna(False).astype(bool)
    report.invalid_ids = int((~valid).sum())
    report.add_example("invalid_ids", [repr(v if isinstance(v, str) else "") for v in raw[~valid][:50]])
    ids = raw.str.zfill(7).where(valid)
    padded = valid & (raw.str.len() < 7)
    report.ids_repadded = int(padded.sum())
    report.add_example("ids_repadded", list(ids[padded][:50]))
    return ids


def _first_row_per_leaid(frame: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Drops later rows of an LEAID: identical ones are duplicates, differing ones conflicts."""
    duplicate = frame.duplicated(keep="first")
    conflict = ~duplicate & frame.duplicated("leaid", keep="first")
    report.duplicates = int(duplicate.sum())
    report.conflicts = int(conflict.sum())
    report.add_example("duplicates", list(frame["leaid"][duplicate][:50]))
    report.add_example("conflicts", list(frame["leaid"][conflict][:50]))
    return frame[~(duplicate | conflict)]


def _integers(source: Source, encoding: str, text: pd.Series, column: str) -> pd.Series:
    """Nullable Int64 from text like '3' or '3.0'; anything else is an error at its line."""
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (text.notna() & (numbers.isna() | (numbers % 1 != 0) | (numbers.abs() >= 2**31))).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        problem = f"{column} is not an integer: {text.iloc[row]!r}"
        raise source.error(problem, line=line_of_row(source, encoding, row))
    return numbers.astype("Int64")
