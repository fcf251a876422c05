"""Writing the demo NCES files: a byte-counting sink, atomic replacement, and `FileResult` (what was written).

A writer builds UTF-8 text (a pyarrow string array's data buffer, without copying) and `Sink` encodes it in
the file's target encoding; files appear under their final name only once complete.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa

EOL_NAMES = {"\n": "LF", "\r\n": "CRLF"}


@dataclass
class FileResult:
    """A written file: where, how many rows and bytes (`csv_bytes`: of the CSV, inside a zip), and its format."""

    path: Path
    rows: int
    bytes: int
    csv_bytes: int
    columns: Sequence[str]
    encoding: str
    eol: str
    trailing_empty_line: bool = False
    member: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def moved_into_place(
        cls,
        path: Path,
        *,
        csv_bytes: int,
        stats: dict[str, Any],
        columns: Sequence[str],
        encoding: str,
        eol: str,
        member: str | None = None,
    ) -> FileResult:
        """A file streamed to its `partial_path`, once complete: renamed to `path`, then described."""
        os.replace(partial_path(path), path)
        return cls(
            path=path,
            rows=stats["rows"],
            bytes=path.stat().st_size,
            csv_bytes=csv_bytes,
            columns=columns,
            encoding=encoding,
            eol=eol,
            member=member,
            stats=stats,
        )

    def entry(self) -> dict[str, Any]:
        """The manifest's description of the file: what a reader must cope with."""
        return {
            "name": self.path.name,
            "member": self.member,
            "columns": list(self.columns),
            "encoding": self.encoding,
            "bom": self.encoding.lower().replace("_", "-") == "utf-8-sig",
            "line_ending": EOL_NAMES.get(self.eol, self.eol),
            "trailing_empty_line": self.trailing_empty_line,
            "rows": self.rows,
            "bytes": self.bytes,
            "csv_bytes": self.csv_bytes,
        }


class Sink:
    """Writes UTF-8 text buffers to a binary stream in the target encoding, counting the bytes written."""

    def __init__(self, out: BinaryIO, encoding: str) -> None:
        self.out = out
        self.codec = encoding.lower().replace("_", "-")
        self.passthrough = self.codec in ("utf-8", "utf8", "utf-8-sig")
        self.bytes = 0

    def write_text(self, text: str, *, first: bool = False) -> None:
        if first and self.codec == "utf-8-sig":
            self._write(b"\xef\xbb\xbf")
        self._write(text.encode("utf-8" if self.passthrough else self.codec))

    def write_utf8(self, data: memoryview) -> None:
        self._write(data if self.passthrough else bytes(data).decode("utf-8").encode(self.codec))

    def _write(self, data: bytes | memoryview) -> None:
        self.out.write(data)
        self.bytes += len(data)


def text_buffer(lines: pa.Array | pa.ChunkedArray) -> memoryview:
    """The concatenated UTF-8 text of a string array, without copying: its data buffer between the offsets."""
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    if len(lines) == 0:
        return memoryview(b"")
    _, offsets_buf, data_buf = lines.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
    return memoryview(data_buf)[int(offsets[0]) : int(offsets[-1])]


def csv_line(values: Sequence[str], eol: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerow(values)
    return buf.getvalue()


def partial_path(path: Path) -> Path:
    """A temp name the landing folder ignores (not .csv/.zip), renamed over `path` once complete."""
    return path.with_name(path.name + ".partial")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = partial_path(path)
    tmp.write_bytes(data)
    os.replace(tmp, path)


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n / 1e3:,.1f} kB"
