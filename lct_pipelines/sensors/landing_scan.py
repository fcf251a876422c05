"""What the landing sensor knows about the files: size, mtime and SHA-256, so a tick re-hashes only what moved.

Plain Python (no Dagster): the sensor keeps a `LandingCursor` as JSON in its
cursor, so it survives a daemon restart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from lct_pipelines.project import sha256_of

MIN_FILES_PER_YEAR = 3  # directory, membership, staff


@dataclass
class LandingCursor:
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # path -> (size, mtime_ns, sha256)
    requested: dict[str, str] = field(default_factory=dict)  # school year -> digest of its files last handled

    @classmethod
    def parse(cls, text: str | None) -> LandingCursor:
        if not text:
            return cls()
        raw = json.loads(text)
        return cls({p: tuple(v) for p, v in raw.get("files", {}).items()}, dict(raw.get("requested", {})))

    def dump(self) -> str:
        return json.dumps({"files": self.files, "requested": self.requested}, sort_keys=True)


@dataclass(frozen=True)
class YearScan:
    year: str
    hashes: dict[str, str]  # file path -> sha256
    unsettled: list[str]  # files written to in the last `settle_seconds` (maybe still being copied)

    @property
    def digest(self) -> str:
        """One hash over the contents of the year's files (names do not matter, contents do)."""
        return hashlib.sha256("\n".join(sorted(self.hashes.values())).encode()).hexdigest()


def scan_year(year: str, paths: list[Path], cursor: LandingCursor, now_ns: int, settle_seconds: float) -> YearScan:
    """Hash the year's files, reusing the cursor's hash of a file whose size and mtime did not change."""
    hashes: dict[str, str] = {}
    unsettled: list[str] = []
    for path in paths:
        stat = path.stat()
        if now_ns - stat.st_mtime_ns < settle_seconds * 1e9:
            unsettled.append(str(path))
            continue
        known = cursor.files.get(str(path))
        if known is not None and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            digest = known[2]
        else:
            digest = sha256_of(path)
            cursor.files[str(path)] = (stat.st_size, stat.st_mtime_ns, digest)
        hashes[str(path)] = digest
    return YearScan(year, hashes, unsettled)
