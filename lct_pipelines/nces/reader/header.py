"""The header row, parsed by us (never by pyarrow): the columns located by name and the file's kind decided.

Names match case-insensitively after stripping whitespace and a BOM; the header, not the file name, decides the
layout (the name only breaks a tie).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable
from dataclasses import dataclass

from lct_pipelines.nces.categories import KIND_DIRECTORY, KIND_HINTS, KIND_MEMBERSHIP, KIND_STAFF
from lct_pipelines.nces.reader.source import PathLike, Source, resolve

_MAX_HEADER_BYTES = 1 << 20
_KIND_OF_HINT = {hint: kind for kind, hint in KIND_HINTS.items()}  # file-name hint -> kind, to break a tie
# The columns that mark a long layout; a directory has neither pair.
_LONG_MARKERS = (
    (KIND_MEMBERSHIP, frozenset({"GRADE", "STUDENT_COUNT"})),
    (KIND_STAFF, frozenset({"STAFF", "STAFF_COUNT"})),
)


def detect_kind(path: PathLike) -> str:
    """'directory', 'membership' or 'staff', decided by the header; the file name only breaks a tie."""
    source = resolve(path)
    return _kind_of(source, read_header(source))


@dataclass(frozen=True)
class Header:
    """The header's column names as matched, and whether the file starts with a UTF-8 BOM."""

    names: tuple[str, ...]  # normalised: BOM and surrounding whitespace removed, upper case
    bom: bool

    def positions(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for position, name in enumerate(self.names):
            found.setdefault(name, position)
        return found


def read_header(source: Source) -> Header:
    """The first line of the file (at most 1 MiB), split as CSV and normalised."""
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
    return Header(tuple(f.replace("\ufeff", "").strip().upper() for f in fields), bom)


def _decode_leniently(data: bytes) -> str:
    """Header text only needs to match ASCII names: anything undecodable simply will not match."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def locate(source: Source, header: Header, required: Iterable[str], wanted: Iterable[str] = ()) -> dict[str, int]:
    """Header position of each required (error if absent) and optional column."""
    positions = header.positions()
    missing = [name for name in required if name not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise source.error(f"missing required column{plural} {', '.join(missing)} in the header", line=1)
    return {name: positions[name] for name in (*required, *wanted) if name in positions}


def long_kind(header: Header) -> str | None:
    """'membership' or 'staff' if the header has that layout's marker columns (membership first), else None."""
    return next(iter(_long_kinds(header)), None)


def _long_kinds(header: Header) -> list[str]:
    names = set(header.names)
    return [kind for kind, markers in _LONG_MARKERS if markers <= names]


def _kind_of(source: Source, header: Header) -> str:
    names = set(header.names)
    candidates = _long_kinds(header)
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
