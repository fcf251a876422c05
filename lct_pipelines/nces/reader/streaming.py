"""Streaming a file through pyarrow into a consumer, batch by batch, and starting over on the rare paths.

`pyarrow.csv.open_csv` reads 1 MiB blocks (its read-ahead of ~32 blocks bounds memory), projected to the
needed columns, while a thread parses ahead of the consumer. The bytes are read as UTF-8 first, as
Windows-1252 if they are not; counts are parsed by pyarrow first, as text if pyarrow cannot read one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

import pyarrow as pa
import pyarrow.csv as pcsv

from lct_pipelines.nces.reader.counts import BadCount, parse_count
from lct_pipelines.nces.reader.decoding import DecodeFailed, DecodingReader
from lct_pipelines.nces.reader.header import Header
from lct_pipelines.nces.reader.lines import first_line_where, line_at_offset, row_at
from lct_pipelines.nces.reader.source import NcesFileError, Source

# 1 MiB blocks: as fast as 4-64 MiB (measured) while pyarrow's read-ahead stays ~32 MiB.
DEFAULT_BLOCK_SIZE = 1 << 20

Columns = dict[str, pa.Array]  # a batch's columns by CCD name
# The column types a consumer asks for: text, or text dictionary-encoded (the repetitive columns).
TEXT = pa.string()
CODED = pa.dictionary(pa.int32(), pa.string())


class _Consumer(Protocol):
    """What `stream` fills: it says which type each column is read as, then takes the batches in file order."""

    rows_read: int

    def column_types(self, names: Iterable[str]) -> dict[str, pa.DataType]: ...

    def consume(self, row0: int, columns: Columns) -> None: ...


class _WrongFieldCount(Exception):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"expected {expected} columns, found {actual}")
        self.expected = expected
        self.actual = actual


class _CountsNotNumbers(Exception):
    """pyarrow could not read a count column as numbers: read it again as text, which finds the culprit."""


_C = TypeVar("_C", bound=_Consumer)


def stream(
    source: Source,
    header: Header,
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
        except DecodeFailed as failure:
            if encoding == "cp1252":
                raise source.error(
                    f"undecodable bytes: not UTF-8 (first at line {utf8_line}) nor Windows-1252 "
                    f"(byte 0x{failure.byte:02X} is undefined there)",
                    line=line_at_offset(source, failure.offset),
                ) from None
            utf8_line = line_at_offset(source, failure.offset)
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
    source: Source,
    header: Header,
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
        line = first_line_where(source, encoding, lambda fields: len(fields) != expected)
        raise source.error(str(err), line=line) from None
    except BadCount as err:
        raise _bad_count_error(source, encoding, columns, err) from None
    except pa.ArrowInvalid as err:
        if "conversion error to double" in str(err):
            raise _CountsNotNumbers(str(err)) from None
        raise source.error(f"cannot parse the CSV: {err}") from err
    if consumer.rows_read == 0:
        raise source.error("no data rows after the header")


def _bad_count_error(source: Source, encoding: str, columns: dict[str, int], err: BadCount) -> NcesFileError:
    line, fields = row_at(source, encoding, err.row)
    text = fields[columns[err.column]] if columns[err.column] < len(fields) else ""
    try:
        parse_count(text, err.column, err.whole)
        problem = f"{err.column} is not a valid count: {text!r}"
    except ValueError as problem_found:
        problem = str(problem_found)
    return source.error(problem, line=line)


def _batches(
    source: Source,
    header: Header,
    columns: dict[str, int],
    types: dict[str, pa.DataType],
    encoding: str,
    block_size: int,
) -> Iterator[tuple[int, Columns]]:
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
        check_utf8=False,  # DecodingReader already guarantees UTF-8
    )
    row0 = 0
    with source.open() as raw:
        reader = None
        batches = None
        try:
            reader = pcsv.open_csv(
                DecodingReader(raw, encoding),
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
