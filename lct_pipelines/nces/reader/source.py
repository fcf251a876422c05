"""The file being read: a CSV, or the one CSV inside a zip; and `NcesFileError`, which names it in every message."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PathLike = str | Path

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# What a broken archive or file raises while being read.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


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


@dataclass(frozen=True)
class Source:
    """A file to read: a CSV, or `member`, the one CSV inside the zip at `path`."""

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


def resolve(path: PathLike) -> Source:
    """A zip by its magic bytes or its suffix; its single `.csv` member (macOS `__MACOSX/` copies ignored)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as err:
        raise NcesFileError(path, f"cannot open the file: {err.strerror or err}") from err
    if not (magic in _ZIP_MAGIC or path.suffix.lower() == ".zip"):
        return Source(path)
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
    return Source(path, members[0])
