"""The landed NCES files as the UI shows them: one observation per file and school year (size, SHA-256, rows).

The files are NCES's, not ours to materialize; observing them is what turns "Never materialized" into "last
observed". The landing sensor observes a file when it sees it new or changed, the import observes the file it
read, with the rows it read.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

RAW_FILE_LABELS = {"directory": "029 directory", "membership": "052 membership", "staff": "059 staff"}


def raw_file_key(kind: str) -> dg.AssetKey:
    return dg.AssetKey(["nces_ccd", f"{kind}_file"])


def file_observation(
    kind: str, year: str, path: Path, *, size: int, sha256: str, rows: int | None
) -> dg.AssetObservation:
    metadata: dict[str, dg.RawMetadataValue] = {
        "path": dg.MetadataValue.path(str(path)),
        "size_bytes": size,
        "sha256": sha256,
    }
    if rows is not None:
        metadata["rows"] = rows
    return dg.AssetObservation(asset_key=raw_file_key(kind), partition=year, metadata=metadata)
