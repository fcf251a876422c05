"""The landed NCES files as the UI shows them: observable sources, one observation per file and school year
(path, size, SHA-256, and the rows read once imported).

The files are NCES's, not ours to materialize. They are observable, so the UI shows when each was last observed
instead of "Never materialized": the landing sensor observes a file when it sees it new or changed, the import
observes the file it read, and "Observe" in the UI (this asset's function) observes the year's files on demand.
"""

import warnings
from pathlib import Path
from typing import Any

import dagster as dg

from lct_pipelines.assets.constants import NCES_SOURCES_GROUP
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.project import sha256_of
from lct_pipelines.resources import LandingZoneResource, PostgresResource
from lct_pipelines.resources.landing import LandingFileError

RAW_FILE_LABELS = {"directory": "029 directory", "membership": "052 membership", "staff": "059 staff"}


def raw_file_key(kind: str) -> dg.AssetKey:
    return dg.AssetKey(["nces_ccd", f"{kind}_file"])


RAW_FILE_SPECS = {
    kind: dg.AssetSpec(
        key=raw_file_key(kind),
        description=f"The NCES CCD {label} file landed under $LCT_DATA_DIR/raw/nces_ccd/{{year}}/ (owned by NCES).",
        group_name=NCES_SOURCES_GROUP,
        kinds={"csv"},
        partitions_def=school_years,
    )
    for kind, label in RAW_FILE_LABELS.items()
}


def _metadata(path: Path, size: int, sha256: str, rows: int | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "path": dg.MetadataValue.path(str(path)),
        "size_bytes": size,
        "sha256": sha256,
    }
    if rows is not None:
        metadata["rows"] = rows
    return metadata


def file_observation(
    kind: str, year: str, path: Path, *, size: int, sha256: str, rows: int | None
) -> dg.AssetObservation:
    return dg.AssetObservation(
        asset_key=raw_file_key(kind),
        partition=year,
        metadata=_metadata(path, size, sha256, rows),
        tags={"dagster/data_version": sha256},
    )


def imported_rows(postgres: PostgresResource, year: str) -> dict[str, int | None]:
    """SHA-256 -> rows read, of the files the year was last imported from."""
    with postgres.transaction() as cur:
        cur.execute(load_sql("nces/imported_file_hashes.sql"), {"school_year": year})
        return {row[1]: row[2] for row in cur.fetchall()}


# A deliberate choice of a beta API (partitioned observable sources): its warning would greet every start.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)

    @dg.multi_observable_source_asset(
        name="nces_landed_files",
        specs=list(RAW_FILE_SPECS.values()),
        partitions_def=school_years,
        description="Observe the year's three landed CCD files: path, size, SHA-256, rows once imported.",
    )
    def nces_landed_files(context: dg.AssetExecutionContext, landing: LandingZoneResource, postgres: PostgresResource):
        year = context.partition_key
        rows = imported_rows(postgres, year)
        for kind in RAW_FILE_LABELS:
            try:
                path = landing.file_for(year, kind)
            except LandingFileError as err:
                context.log.warning(f"{year}: {err}")
                continue
            digest = sha256_of(path)
            yield dg.ObserveResult(
                asset_key=raw_file_key(kind),
                metadata=_metadata(path, path.stat().st_size, digest, rows.get(digest)),
                data_version=dg.DataVersion(digest),
            )


LANDED_FILE_ASSETS = [nces_landed_files]
