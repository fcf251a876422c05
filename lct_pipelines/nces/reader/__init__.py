"""Streaming, memory-bounded readers of the three NCES CCD LEA files: 029 directory, 052 membership, 059 staff.

How a file is read (`nces-ccd-format.md` has the formats and the messiness handled):

- A `.csv`, or a `.zip` holding exactly one `.csv`, streamed with `pyarrow.csv.open_csv` in 1 MiB blocks (its
  streaming reader reads ~32 blocks ahead, so the block size bounds memory), projected to the needed columns.
  Text columns stay text (an LEAID is never a number), the repetitive ones dictionary-encoded so per-batch
  work touches a handful of distinct strings plus integer arrays; counts are parsed by pyarrow (a blank is
  null), and only if pyarrow cannot read one as a number is the file read again with counts as text.
- The bytes pass through `_DecodingReader`, which checks they are UTF-8 (one `isascii` per block for ASCII
  data). On the first invalid sequence the stream restarts as Windows-1252, transcoded to UTF-8 for pyarrow:
  only a cp1252 file is read twice.
- We parse the header ourselves: names match case-insensitively after stripping whitespace and a BOM; the
  header, not the file name, decides the layout.
- Long files keep per detail row only an exact integer key (district index x category codes) and the count,
  in the narrowest exact dtypes (8 bytes a row for membership); after the stream one stable sort finds
  duplicates (first row kept) and conflicts, and `np.add.reduceat` sums per district and grade.
- Line numbers in errors are physical lines (header = 1), found only on the error path by rescanning.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from lct_pipelines.nces.categories import (
    EDUCATION_UNIT_TOTAL,
    GRADE_COLUMNS,
    GRADES,
    KIND_DIRECTORY,
    KIND_HINTS,
    KIND_MEMBERSHIP,
    KIND_STAFF,
    MEMBERSHIP_DETAIL_INDICATOR,
    NO_CATEGORY_CODES,
    RACES,
    SEXES,
    STAFF_CATEGORIES,
    STAFF_DETAIL_INDICATOR,
    STAFF_TEACHERS_TOTAL,
    TEACHER_CATEGORIES,
)
from lct_pipelines.nces.report import MAX_EXAMPLES, MAX_UNKNOWN_VALUES, ImportReport

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "NcesFileError",
    "detect_kind",
    "read_directory",
    "read_membership",
    "read_staff",
    "school_year_of",
]

# 1 MiB blocks: as fast as 4-64 MiB (measured) while pyarrow's read-ahead stays ~32 MiB.
DEFAULT_BLOCK_SIZE = 1 << 20

PathLike = str | Path
_Columns = dict[str, pa.Array]  # a batch's columns by CCD name

_TEXT = pa.string()
_CODED = pa.dictionary(pa.int32(), pa.string())
_MAX_HEADER_BYTES = 1 << 20
_LEAID = re.compile(r"[0-9]{1,7}")
# What pyarrow's float parsing accepts too (sign, exponent), so both paths agree; a negative fails later.
_COUNT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SCHOOL_YEAR = re.compile(r"([0-9]{4})\s*[-/]\s*([0-9]{4}|[0-9]{2})")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# What a broken archive or file raises while being read.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)

_DIRECTORY_REQUIRED = ("SCHOOL_YEAR", "ST", "LEA_NAME", "LEAID")
# Output column <- CCD column, in output order (leaid, school_year and the two integer columns aside).
_DIRECTORY_TEXT = {
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
_DIRECTORY_INTEGERS = ("lea_type", "operational_schools")
_MEMBERSHIP_REQUIRED = ("SCHOOL_YEAR", "LEAID", "GRADE", "RACE_ETHNICITY", "SEX", "STUDENT_COUNT", "TOTAL_INDICATOR")
_STAFF_REQUIRED = ("SCHOOL_YEAR", "LEAID", "STAFF", "STAFF_COUNT", "TOTAL_INDICATOR")
_KIND_OF_HINT = {hint: kind for kind, hint in KIND_HINTS.items()}  # file-name hint -> kind, to break a tie


class NcesFileError(Exception):
    """A file that cannot be imported.

    `str(err)` names the file (and the CSV inside a zip), the physical line (header = 1) when known, and the
    problem: "x.zip (x.csv), line 4812: expected 15 columns, found 3".
    """

    def __init__(self, path: PathLike, problem: str, line: int | None = None, member: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.member = member
        super().__init__(self._message())

    def _message(self) -> str:
        where = Path(self.path).name
        if self.member:
            where += f" ({self.member})"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.problem}"

    def __reduce__(self) -> tuple[type[NcesFileError], tuple[str, str, int | None, str | None]]:
        return (type(self), (self.path, self.problem, self.line, self.member))


# --- public API -------------------------------------------------------------------------------------------------


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


def detect_kind(path: PathLike) -> str:
    """'directory', 'membership' or 'staff', decided by the header; the file name only breaks a tie."""
    source = _resolve(path)
    return _kind_of(source, _read_header(source))


def read_directory(path: PathLike, batch_size_bytes: int = DEFAULT_BLOCK_SIZE) -> tuple[pd.DataFrame, ImportReport]:
    """The 029 directory: one row per LEAID (first row kept), optional columns absent from the file as nulls."""
    source = _resolve(path)
    header = _read_header(source)
    kind = _long_kind(header)
    if kind is not None:
        raise source.error(f"the header is that of a {kind} file, not a directory file", line=1)
    wanted = (*_DIRECTORY_REQUIRED, *(c for c in _DIRECTORY_TEXT.values() if c not in _DIRECTORY_REQUIRED))
    columns = _locate(source, header, _DIRECTORY_REQUIRED, wanted)
    consumer, encoding = _run(source, header, columns, lambda _: _DirectoryRows(), batch_size_bytes)
    report = ImportReport(file=source.name, kind=KIND_DIRECTORY, encoding=encoding)
    frame = _build_directory(source, header, encoding, consumer, report)
    return frame, report


def read_membership(path: PathLike, batch_size_bytes: int = DEFAULT_BLOCK_SIZE) -> tuple[pd.DataFrame, ImportReport]:
    """The 052 membership: per LEAID the detail counts summed by grade over race and sex, plus its total row.

    Columns: leaid, school_year, prek, kg, g1..g13, ungraded, adult_ed (float64, NaN when no detail row of the
    grade has a count), total_reported (the `Education Unit Total` row, NaN if absent).
    """
    source = _resolve(path)
    header = _read_header(source)
    columns = _locate(source, header, _MEMBERSHIP_REQUIRED)
    consumer, encoding = _run(source, header, columns, _MembershipRows, batch_size_bytes)
    report = ImportReport(file=source.name, kind=KIND_MEMBERSHIP, encoding=encoding)
    year = _file_year(source, header, encoding, consumer.years)
    return consumer.finish(year, report), report


def read_staff(path: PathLike, batch_size_bytes: int = DEFAULT_BLOCK_SIZE) -> tuple[pd.DataFrame, ImportReport]:
    """The 059 staff: one row per LEAID and detail category (leaid, school_year, category, fte).

    `fte` is NaN when the kept row's count is blank. The `Teachers` total rows cross-check the five teacher
    categories (`total_mismatches`).
    """
    source = _resolve(path)
    header = _read_header(source)
    columns = _locate(source, header, _STAFF_REQUIRED)
    consumer, encoding = _run(source, header, columns, _StaffRows, batch_size_bytes)
    report = ImportReport(file=source.name, kind=KIND_STAFF, encoding=encoding)
    year = _file_year(source, header, encoding, consumer.years)
    return consumer.finish(year, report), report


# --- the input: a CSV, or the one CSV inside a zip --------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.member is None else f"{self.path.name} ({self.member})"

    def error(self, problem: str, line: int | None = None) -> NcesFileError:
        return NcesFileError(self.path, problem, line=line, member=self.member)

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The raw (decompressed) bytes; read errors of a broken archive become `NcesFileError`."""
        try:
            if self.member is None:
                with self.path.open("rb") as handle:
                    yield handle
            else:
                with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as handle:
                    yield handle
        except _READ_ERRORS as err:
            raise self.error(f"cannot read the file: {err}") from err


def _resolve(path: PathLike) -> _Source:
    """A zip by its magic bytes or its suffix; its single `.csv` member (macOS `__MACOSX/` copies ignored)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as err:
        raise NcesFileError(path, f"cannot open the file: {err.strerror or err}") from err
    if not (magic in _ZIP_MAGIC or path.suffix.lower() == ".zip"):
        return _Source(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise NcesFileError(path, f"not a readable zip archive ({err})") from err
    members = [
        i.filename
        for i in infos
        if not i.is_dir() and i.filename.lower().endswith(".csv") and not i.filename.startswith("__MACOSX/")
    ]
    if len(members) != 1:
        found = f": {', '.join(members)}" if members else ""
        raise NcesFileError(path, f"expected exactly one .csv file in the zip archive, found {len(members)}{found}")
    return _Source(path, members[0])


# --- the header --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    names: tuple[str, ...]  # normalised: BOM and surrounding whitespace removed, upper case
    bom: bool

    def positions(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for position, name in enumerate(self.names):
            found.setdefault(name, position)
        return found


def _read_header(source: _Source) -> _Header:
    with source.open() as raw:
        head = b""
        while b"\n" not in head and len(head) < _MAX_HEADER_BYTES:
            chunk = raw.read(1 << 16)
            if not chunk:
                break
            head += chunk
    if not head.strip():
        raise source.error("the file is empty")
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    bom = line.startswith(codecs.BOM_UTF8)
    text = _decode_leniently(line[len(codecs.BOM_UTF8) :] if bom else line)
    try:
        fields = next(csv.reader([text.replace("\x00", "")]), [])
    except csv.Error:
        fields = []
    return _Header(tuple(f.replace("\ufeff", "").strip().upper() for f in fields), bom)


def _decode_leniently(data: bytes) -> str:
    """Header text only needs to match ASCII names: anything undecodable simply will not match."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _locate(source: _Source, header: _Header, required: Iterable[str], wanted: Iterable[str] = ()) -> dict[str, int]:
    """Header position of each required (error if absent) and optional column."""
    positions = header.positions()
    missing = [name for name in required if name not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise source.error(f"missing required column{plural} {', '.join(missing)} in the header", line=1)
    return {name: positions[name] for name in (*required, *wanted) if name in positions}


def _long_kind(header: _Header) -> str | None:
    names = set(header.names)
    if {"GRADE", "STUDENT_COUNT"} <= names:
        return KIND_MEMBERSHIP
    if {"STAFF", "STAFF_COUNT"} <= names:
        return KIND_STAFF
    return None


def _kind_of(source: _Source, header: _Header) -> str:
    names = set(header.names)
    candidates = [
        kind
        for kind, markers in (
            (KIND_MEMBERSHIP, {"GRADE", "STUDENT_COUNT"}),
            (KIND_STAFF, {"STAFF", "STAFF_COUNT"}),
        )
        if markers <= names
    ]
    if not candidates and {"LEAID", "LEA_NAME"} <= names:
        candidates = [KIND_DIRECTORY]
    if len(candidates) == 1:
        return candidates[0]
    hint = next((kind for tag, kind in _KIND_OF_HINT.items() if tag in source.path.name), None)
    if hint in candidates:
        return hint
    if candidates:
        raise source.error(f"the header fits several layouts ({', '.join(candidates)})", line=1)
    raise source.error("the header is none of the CCD LEA layouts (directory, membership, staff)", line=1)


# --- bytes to UTF-8 ------------------------------------------------------------------------------------------------


class _DecodeFailed(Exception):
    """Bytes not valid in `encoding`, at byte `offset` of the raw (decompressed) stream."""

    def __init__(self, encoding: str, offset: int, byte: int) -> None:
        super().__init__(f"invalid {encoding} at byte {offset}")
        self.encoding = encoding
        self.offset = offset
        self.byte = byte


class _DecodingReader(io.RawIOBase):
    """Hands pyarrow UTF-8: checks it as is ('utf-8'), or transcodes Windows-1252 ('cp1252').

    Checking costs one `bytes.isascii` per block for ASCII data; only a block with other bytes is decoded.
    """

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        super().__init__()
        self._raw = raw
        self._encoding = encoding
        self._offset = 0  # raw bytes consumed
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._pending = b""  # transcoded bytes not yet handed out
        self._eof = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = -1 if size is None else size
        if size == 0:
            return b""
        if self._encoding == "utf-8":
            chunk = self._raw.read(size)
            self._check_utf8(chunk)
            return chunk
        return self._read_transcoded(size)

    def _check_utf8(self, chunk: bytes) -> None:
        buffered = self._utf8.getstate()[0]
        if not buffered and chunk.isascii():
            self._offset += len(chunk)
            return
        try:
            self._utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as err:
            data = buffered + chunk
            raise _DecodeFailed("utf-8", self._offset - len(buffered) + err.start, data[err.start]) from None
        self._offset += len(chunk)

    def _read_transcoded(self, size: int) -> bytes:
        while (size < 0 or len(self._pending) < size) and not self._eof:
            chunk = self._raw.read(max(size, 1 << 16))
            if not chunk:
                self._eof = True
                break
            try:
                text = chunk.decode("cp1252")
            except UnicodeDecodeError as err:
                raise _DecodeFailed("cp1252", self._offset + err.start, chunk[err.start]) from None
            self._offset += len(chunk)
            self._pending += text.encode("utf-8")
        if size < 0:
            out, self._pending = self._pending, b""
        else:
            out, self._pending = self._pending[:size], self._pending[size:]
        return out


# --- streaming --------------------------------------------------------------------------------------------------


class _Consumer(Protocol):
    rows_read: int

    def column_types(self, names: Iterable[str]) -> dict[str, pa.DataType]: ...

    def consume(self, row0: int, columns: _Columns) -> None: ...


class _WrongFieldCount(Exception):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"expected {expected} columns, found {actual}")
        self.expected = expected
        self.actual = actual


class _BadCount(Exception):
    """An invalid count at data row `row` (0-based, pyarrow's count); the message is made on the error path."""

    def __init__(self, row: int, column: str, whole: bool) -> None:
        super().__init__(f"invalid {column} at data row {row}")
        self.row = row
        self.column = column
        self.whole = whole


class _CountsNotNumbers(Exception):
    """pyarrow could not read a count column as numbers: read it again as text, which finds the culprit."""


_C = TypeVar("_C", bound=_Consumer)


def _run(
    source: _Source,
    header: _Header,
    columns: dict[str, int],
    make_consumer: Callable[[bool], _C],
    block_size: int,
) -> tuple[_C, str]:
    """Streams the file into a fresh consumer; starts over on the rare paths.

    As UTF-8 first, then as Windows-1252 if the bytes are not UTF-8. Counts are parsed by pyarrow (fast path);
    if one is not a number to pyarrow (a whitespace-only blank, or garbage), counts are read again as text.
    """
    encoding = "utf-8"
    text_counts = False
    utf8_line: int | None = None
    while True:
        consumer = make_consumer(text_counts)
        try:
            _feed(source, header, columns, encoding, block_size, consumer)
        except _DecodeFailed as failure:
            if encoding == "cp1252":
                raise source.error(
                    f"undecodable bytes: not UTF-8 (first at line {utf8_line}) nor Windows-1252 "
                    f"(byte 0x{failure.byte:02X} is undefined there)",
                    line=_line_at_offset(source, failure.offset),
                ) from None
            utf8_line = _line_at_offset(source, failure.offset)
            encoding = "cp1252"
            continue
        except _CountsNotNumbers as err:
            if text_counts:
                raise source.error(f"cannot parse the CSV: {err}") from None
            text_counts = True
            continue
        if encoding == "cp1252":
            return consumer, "cp1252"
        return consumer, ("utf-8-sig" if header.bom else "utf-8")


def _feed(
    source: _Source,
    header: _Header,
    columns: dict[str, int],
    encoding: str,
    block_size: int,
    consumer: _Consumer,
) -> None:
    types = consumer.column_types(columns)
    try:
        for row0, batch in _batches(source, header, columns, types, encoding, block_size):
            consumer.consume(row0, batch)
    except _WrongFieldCount as err:
        expected = err.expected
        line = _first_line_where(source, encoding, lambda fields: len(fields) != expected)
        raise source.error(str(err), line=line) from None
    except _BadCount as err:
        raise _bad_count_error(source, encoding, columns, err) from None
    except pa.ArrowInvalid as err:
        if "conversion error to double" in str(err):
            raise _CountsNotNumbers(str(err)) from None
        raise source.error(f"cannot parse the CSV: {err}") from err
    if consumer.rows_read == 0:
        raise source.error("no data rows after the header")


def _bad_count_error(source: _Source, encoding: str, columns: dict[str, int], err: _BadCount) -> NcesFileError:
    line, fields = _row_at(source, encoding, err.row)
    text = fields[columns[err.column]] if columns[err.column] < len(fields) else ""
    try:
        _parse_count(text, err.column, err.whole)
        problem = f"{err.column} is not a valid count: {text!r}"
    except ValueError as problem_found:
        problem = str(problem_found)
    return source.error(problem, line=line)


def _batches(
    source: _Source,
    header: _Header,
    columns: dict[str, int],
    types: dict[str, pa.DataType],
    encoding: str,
    block_size: int,
) -> Iterator[tuple[int, _Columns]]:
    """(index of the batch's first data row, its columns by CCD name), batch by batch."""
    field_counts: list[tuple[int, int]] = []

    def on_invalid_row(row: pcsv.InvalidRow) -> str:
        field_counts.append((row.expected_columns, row.actual_columns))
        return "error"

    # Our own column names: pyarrow never parses the header, so a BOM or odd spacing cannot confuse it.
    internal = {f"c{position}": name for name, position in sorted(columns.items(), key=lambda item: item[1])}
    names = list(internal.values())  # the order pyarrow returns the projected columns in: the file's
    read_options = pcsv.ReadOptions(
        column_names=[f"c{i}" for i in range(len(header.names))], skip_rows=1, block_size=block_size
    )
    parse_options = pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid_row)
    convert_options = pcsv.ConvertOptions(
        include_columns=list(internal),
        column_types={c: types[name] for c, name in internal.items()},
        strings_can_be_null=False,
        null_values=[""],  # for the numeric count column only: a blank count is null, then NaN
        check_utf8=False,  # _DecodingReader already guarantees UTF-8
    )
    row0 = 0
    with source.open() as raw:
        reader = None
        batches = None
        try:
            reader = pcsv.open_csv(
                _DecodingReader(raw, encoding),
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            batches = _parsed_ahead(reader)
            for batch in batches:
                yield row0, dict(zip(names, batch.columns, strict=True))
                row0 += batch.num_rows
        except pa.ArrowInvalid as err:
            if field_counts:
                raise _WrongFieldCount(*field_counts[0]) from err
            raise
        finally:
            # Stop the parsing thread, then pyarrow's read-ahead, before the file closes under them.
            if batches is not None:
                batches.close()
            if reader is not None:
                reader.close()


def _parsed_ahead(reader: Iterable[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """The reader's batches, while a thread already parses the next ones.

    pyarrow parses inside `next()` with the GIL released, so the consumer's per-batch work overlaps the parse
    of the following blocks instead of adding to it. An error of the parsing thread is raised here.
    """
    handoff: queue.Queue[pa.RecordBatch | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        last: BaseException | None = None  # None: the end
        try:
            for batch in reader:
                if not _hand_over(handoff, batch, stop):
                    return
        except BaseException as err:  # handed to the consumer, which raises it
            last = err
        _hand_over(handoff, last, stop)

    producer = threading.Thread(target=produce, name="nces-csv-parse", daemon=True)
    producer.start()
    try:
        while (item := handoff.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        producer.join()


def _hand_over(handoff: queue.Queue, item: object, stop: threading.Event) -> bool:
    """Puts `item` once there is room, unless the consumer has stopped (checked every 0.1 s)."""
    while not stop.is_set():
        try:
            handoff.put(item, timeout=0.1)
            return True
        except queue.Full:
            pass
    return False


# --- error path only: where in the file ---------------------------------------------------------------------------


def _scan_rows(source: _Source, encoding: str) -> Iterator[tuple[int, list[str]]]:
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


def _first_line_where(source: _Source, encoding: str, predicate: Callable[[list[str]], bool]) -> int | None:
    return next((line for line, fields in _scan_rows(source, encoding) if predicate(fields)), None)


def _row_at(source: _Source, encoding: str, row: int) -> tuple[int | None, list[str]]:
    for index, (line, fields) in enumerate(_scan_rows(source, encoding)):
        if index == row:
            return line, fields
    return None, []


def _line_of_row(source: _Source, encoding: str, row: int) -> int | None:
    return _row_at(source, encoding, row)[0]


def _line_at_offset(source: _Source, offset: int) -> int:
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


# --- per-batch building blocks --------------------------------------------------------------------------------------


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _indices(column: pa.Array) -> np.ndarray:
    return column.indices.to_numpy(zero_copy_only=False)


class _Codebook:
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
        return self.table(column)[_indices(column)]


class _LeaidRegistry:
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
            if _LEAID.fullmatch(digits) is None:
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
        rows = _indices(column)
        ids = np.array([f[0] for f in found], dtype=np.int64)[rows]
        padded = [f[1] for f in found]
        return ids, (np.array(padded, dtype=bool)[rows] if any(padded) else None)

    def some(self, ids: np.ndarray) -> list[str]:
        """A few of these LEAIDs (distinct, in order of first appearance in the file) for report examples."""
        return [self.ids[i] for i in np.unique(ids)[:MAX_EXAMPLES]]


def _parse_count(text: str, column: str, whole: bool) -> float:
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


class _CountParser:
    """Parses each distinct count string of a file once (counts repeat a lot)."""

    def __init__(self, column: str, whole: bool) -> None:
        self._column = column
        self._whole = whole
        self._cache: dict[str, float] = {}

    def values(self, row0: int, column: pa.Array) -> np.ndarray:
        """float64 per row, NaN for a blank; `_BadCount` at the first invalid count."""
        if not pa.types.is_dictionary(column.type):
            return self._checked(row0, column)
        strings = column.dictionary.to_pylist()
        cache = self._cache
        table = [cache.get(s) for s in strings]
        bad: list[int] = []
        for i, value in enumerate(table):
            if value is None:
                try:
                    table[i] = cache[strings[i]] = _parse_count(strings[i], self._column, self._whole)
                except ValueError:
                    bad.append(i)
                    table[i] = math.nan
        rows = _indices(column)
        if bad:
            raise _BadCount(row0 + int(np.flatnonzero(np.isin(rows, bad))[0]), self._column, self._whole)
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
            raise _BadCount(row0 + int(np.argmax(bad)), self._column, self._whole)
        return values


class _Parts:
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


def _narrow_keys(keys: np.ndarray, bound: int) -> np.ndarray:
    """int32 while every key so far is below 2**31 (exact; halves the kept bytes)."""
    return keys.astype(np.int32) if bound < 2**31 else keys


def _narrow_counts(values: np.ndarray, whole: bool) -> np.ndarray:
    """float32 for whole counts below 2**24, which it holds exactly; FTE decimals stay float64."""
    if whole and not (values >= 2**24).any():  # NaN compares False: blanks are fine
        return values.astype(np.float32)
    return values


@dataclass
class _Deduped:
    keys: np.ndarray  # kept (first) row per key, ascending
    values: np.ndarray
    duplicate_keys: np.ndarray  # one entry per dropped duplicate row
    conflict_keys: np.ndarray  # one entry per dropped conflicting row


def _dedupe(keys: np.ndarray, values: np.ndarray) -> _Deduped:
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
        return _Deduped(keys, values, empty, empty)
    reference = values[first][np.cumsum(first) - 1]
    same = (values == reference) | (np.isnan(values) & np.isnan(reference))
    later = ~first
    return _Deduped(keys[first], values[first], keys[later & same], keys[later & ~same])


class _YearTracker:
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


def _file_year(source: _Source, header: _Header, encoding: str, years: _YearTracker) -> str:
    """The one school year of the file ('2023-24'); a file mixing years is not importable as one partition."""
    position = header.positions()["SCHOOL_YEAR"]
    values = list(years.values)
    if not values:
        raise source.error("SCHOOL_YEAR is blank on every row")
    if len(values) > 1:
        line = _first_line_where(
            source, encoding, lambda f: position < len(f) and f[position].strip() not in ("", values[0])
        )
        raise source.error(f"several school years in one file: {', '.join(values[:5])}", line=line)
    try:
        return school_year_of(values[0])
    except ValueError as err:
        line = _first_line_where(source, encoding, lambda f: position < len(f) and f[position].strip() == values[0])
        raise source.error(f"SCHOOL_YEAR: {err}", line=line) from None


# --- 052 membership and 059 staff -------------------------------------------------------------------------------------


class _LongRows:
    """What the membership and staff readers share: LEAIDs, counts, the indicator, the kept detail rows.

    Per kept detail row only an exact integer key and the count are stored (8-16 bytes); every data row lands
    in exactly one report bucket (see `report.py`).
    """

    detail_indicator: str
    count_column: str
    whole_counts: bool
    key_space: int  # distinct category combinations per LEAID

    def __init__(self, text_counts: bool = False) -> None:
        self.text_counts = text_counts
        self.rows_read = 0
        self.leaids = _LeaidRegistry()
        self.years = _YearTracker()
        self.indicator = _Codebook((self.detail_indicator, EDUCATION_UNIT_TOTAL), missing=2)
        self.counts = _CountParser(self.count_column, self.whole_counts)
        self.keys = _Parts()
        self.values = _Parts()
        self.total_ids = _Parts()
        self.total_values = _Parts()
        self.present = np.zeros(0, dtype=bool)  # per LEAID index: has a detail row
        self.streamed = ImportReport(file="", kind="")  # counts and examples found while streaming

    def column_types(self, names: Iterable[str]) -> dict[str, pa.DataType]:
        """Categories dictionary-encoded; the count parsed by pyarrow unless reading counts as text."""
        numeric = pa.float64() if not self.text_counts else _CODED
        return {name: numeric if name == self.count_column else _CODED for name in names}

    def consume(self, row0: int, columns: _Columns) -> None:
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
        self.keys.append(_narrow_keys(keys, (len(self.leaids.ids) + 1) * self.key_space))
        self.values.append(_narrow_counts(values, self.whole_counts))

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
        self.streamed.add_example("invalid_ids", [repr(strings[i]) for i in _indices(column)[invalid][:50]])

    def _note_unknown(self, columns: _Columns, names: Iterable[str], rows: np.ndarray, ids: np.ndarray) -> None:
        """Counts detail rows with an unknown category and keeps a few of the offending strings."""
        self.streamed.unknown_categories += rows.size
        self.streamed.add_example("unknown_categories", self.leaids.some(ids))
        found = self.streamed.unknown_category_values
        for name in names:
            column = columns[name]
            strings = column.dictionary.to_pylist()
            codebook = self._codebook(name)
            for i in np.unique(_indices(column)[rows]):
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

    def _report(self, report: ImportReport, deduped: _Deduped, id_of_key: Callable[[np.ndarray], np.ndarray]) -> None:
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
    def _codebook(self, name: str) -> _Codebook:
        raise NotImplementedError

    def _is_unknown(self, code: int) -> bool:
        """Whether a category code is not valid on a detail row."""
        return code < 0

    def _cross_check(self, columns: _Columns, indicator: np.ndarray) -> np.ndarray:
        """Mask of the total rows (indicator > 0) that cross-check the detail sum."""
        raise NotImplementedError

    def _detail(self, columns: _Columns, rows: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
        """Classifies the batch's detail rows (`rows`) and stores the kept ones."""
        raise NotImplementedError


def _leaid_strings(registry: _LeaidRegistry, ids: np.ndarray) -> pd.Series:
    return pd.Series(np.array(registry.ids, dtype=object)[ids], dtype="str")


_N_GRADES = len(GRADES) + 1  # + No Category Codes
_N_RACES = len(RACES)
_N_SEXES = len(SEXES)
_NO_GRADE = len(GRADES)
_PER_GRADE = _N_RACES * _N_SEXES
_UNUSABLE = -(1 << 40)  # far below any sum of usable category codes


class _MembershipRows(_LongRows):
    detail_indicator = MEMBERSHIP_DETAIL_INDICATOR
    count_column = "STUDENT_COUNT"
    whole_counts = True
    key_space = _N_GRADES * _PER_GRADE

    def __init__(self, text_counts: bool = False) -> None:
        super().__init__(text_counts)
        self.codebooks = {
            "GRADE": _Codebook((*GRADES, NO_CATEGORY_CODES)),
            "RACE_ETHNICITY": _Codebook(RACES),
            "SEX": _Codebook(SEXES),
        }

    def _codebook(self, name: str) -> _Codebook:
        return self.codebooks[name]

    def _cross_check(self, columns: _Columns, indicator: np.ndarray) -> np.ndarray:
        return indicator == 1

    def _detail(self, columns: _Columns, rows: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
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

    def _scaled_codes(self, columns: _Columns, name: str, scale: int) -> np.ndarray:
        table = self.codebooks[name].table(columns[name])
        usable = (table >= 0) & (table != _NO_GRADE) if name == "GRADE" else table >= 0
        return np.where(usable, table * scale, _UNUSABLE)[_indices(columns[name])]

    def _set_aside(self, columns: _Columns, rows: np.ndarray, ids: np.ndarray) -> None:
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
        deduped = _dedupe(self.keys.take(), self.values.take(np.float64))
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
        frame = pd.DataFrame({"leaid": _leaid_strings(self.leaids, present), "school_year": year})
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


_N_STAFF = len(STAFF_CATEGORIES)
_TEACHERS_TOTAL = _N_STAFF  # code of the `Teachers` total row in the staff codebook
_TEACHER_CODES = np.array([STAFF_CATEGORIES.index(c) for c in TEACHER_CATEGORIES])


class _StaffRows(_LongRows):
    detail_indicator = STAFF_DETAIL_INDICATOR
    count_column = "STAFF_COUNT"
    whole_counts = False
    key_space = _N_STAFF

    def __init__(self, text_counts: bool = False) -> None:
        super().__init__(text_counts)
        self.staff = _Codebook((*STAFF_CATEGORIES, STAFF_TEACHERS_TOTAL))

    def _codebook(self, name: str) -> _Codebook:
        return self.staff

    def _is_unknown(self, code: int) -> bool:
        # `Teachers` on a detail row is a total's name, not one of the 19 detail categories.
        return code < 0 or code == _TEACHERS_TOTAL

    def _cross_check(self, columns: _Columns, indicator: np.ndarray) -> np.ndarray:
        return (indicator > 0) & (self.staff.codes(columns["STAFF"]) == _TEACHERS_TOTAL)

    def _detail(self, columns: _Columns, rows: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
        category = self.staff.codes(columns["STAFF"])[rows]
        unknown = (category < 0) | (category == _TEACHERS_TOTAL)
        if unknown.any():
            self._note_unknown(columns, ("STAFF",), rows[unknown], ids[unknown])
            keep = ~unknown
            ids, category, values = ids[keep], category[keep], values[keep]
        self._store(ids * _N_STAFF + category, values)

    def finish(self, year: str, report: ImportReport) -> pd.DataFrame:
        deduped = _dedupe(self.keys.take(), self.values.take(np.float64))
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
                "leaid": _leaid_strings(self.leaids, ids),
                "school_year": year,
                "category": pd.Series(np.array(STAFF_CATEGORIES, dtype=object)[category], dtype="str"),
                "fte": deduped.values.astype(np.float64),
                "_order": category,
            }
        )
        return frame.sort_values(["leaid", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


# --- 029 directory ---------------------------------------------------------------------------------------------------


class _DirectoryRows:
    """Collects the (small) directory as text columns; the work happens once in `_build_directory`."""

    def __init__(self) -> None:
        self.rows_read = 0
        self.parts: dict[str, list[pa.Array]] = {}

    def column_types(self, names: Iterable[str]) -> dict[str, pa.DataType]:
        return dict.fromkeys(names, _TEXT)

    def consume(self, row0: int, columns: _Columns) -> None:
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
    source: _Source, header: _Header, encoding: str, rows: _DirectoryRows, report: ImportReport
) -> pd.DataFrame:
    size = report.rows_read = rows.rows_read
    years = _YearTracker()
    for part in rows.parts["SCHOOL_YEAR"]:
        years.add(part)
    frame = pd.DataFrame({"leaid": _directory_ids(rows.column("LEAID", size), report)})
    frame["school_year"] = _file_year(source, header, encoding, years)
    for output, ccd in _DIRECTORY_TEXT.items():
        frame[output] = rows.column(ccd, size)
    for output in _DIRECTORY_INTEGERS:
        frame[output] = _integers(source, encoding, frame[output], _DIRECTORY_TEXT[output])
    frame = _first_row_per_leaid(frame[frame["leaid"].notna()], report)
    report.rows_used = len(frame)
    return frame.sort_values("leaid", kind="stable").reset_index(drop=True)


def _directory_ids(raw: pd.Series, report: ImportReport) -> pd.Series:
    """7-character LEAIDs, missing where invalid; counts both problems into `report`."""
    valid = raw.str.fullmatch(_LEAID.pattern).fillna(False).astype(bool)
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


def _integers(source: _Source, encoding: str, text: pd.Series, column: str) -> pd.Series:
    """Nullable Int64 from text like '3' or '3.0'; anything else is an error at its line."""
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (text.notna() & (numbers.isna() | (numbers % 1 != 0) | (numbers.abs() >= 2**31))).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        problem = f"{column} is not an integer: {text.iloc[row]!r}"
        raise source.error(problem, line=_line_of_row(source, encoding, row))
    return numbers.astype("Int64")
