"""New or changed NCES files in the landing folder: add the school-year partition and run that year in full.

A tick stats the files and hashes only those whose size or mtime moved (the
cursor remembers the rest), skips files written in the last seconds (a copy
may be under way), and compares the contents with what the database last
imported, so files already imported by `lct run` launch nothing. Each file it sees new or changed is recorded
as an observation of its asset (size, SHA-256, rows once imported), so the UI shows when it landed.
"""

import time
from pathlib import Path

import dagster as dg

from lct_pipelines.assets.landed_files import RAW_FILE_LABELS, file_observation, imported_rows
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.jobs import LCT_PIPELINE_JOB, year_tags
from lct_pipelines.resources import LandingZoneResource, PostgresResource
from lct_pipelines.resources.landing import LandingFileError
from lct_pipelines.sensors.landing_scan import MIN_FILES_PER_YEAR, LandingCursor, YearScan, scan_year

SENSOR_NAME = "nces_landing_sensor"
SETTLE_SECONDS = 5.0


def _kinds(landing: LandingZoneResource, year: str) -> dict[str, str]:
    """File path -> kind (directory, membership, staff), for the files the year's import would read."""
    kinds = {}
    for kind in RAW_FILE_LABELS:
        try:
            kinds[str(landing.file_for(year, kind))] = kind
        except LandingFileError:
            continue
    return kinds


def _observations(
    landing: LandingZoneResource, scan: YearScan, changed: list[str], imported: dict[str, int | None]
) -> list[dg.AssetObservation]:
    kinds = _kinds(landing, scan.year) if changed else {}
    return [
        file_observation(
            kinds[path],
            scan.year,
            Path(path),
            size=Path(path).stat().st_size,
            sha256=scan.hashes[path],
            rows=imported.get(scan.hashes[path]),
        )
        for path in changed
        if path in kinds
    ]


def run_key_for(scan: YearScan) -> str:
    return f"nces:{scan.year}:{scan.digest[:24]}"


@dg.sensor(
    name=SENSOR_NAME,
    job_name=LCT_PIPELINE_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches $LCT_DATA_DIR/raw/nces_ccd/{YYYY-YY}/ every 30 s. New or changed CCD files (by content "
    "hash) add the school-year partition and launch a full lct_pipeline run of that year.",
)
def nces_landing_sensor(
    context: dg.SensorEvaluationContext, landing: LandingZoneResource, postgres: PostgresResource
) -> dg.SensorResult:
    cursor = LandingCursor.parse(context.cursor)
    seen: set[str] = set()
    known_years = set(context.instance.get_dynamic_partitions(school_years.name))
    new_years: list[str] = []
    requests: list[dg.RunRequest] = []
    observations: list[dg.AssetObservation] = []
    skipped: list[str] = []
    for year in landing.school_years():
        paths = landing.year_files(year)
        seen.update(str(p) for p in paths)
        before = dict(cursor.files)
        scan = scan_year(year, paths, cursor, time.time_ns(), SETTLE_SECONDS)
        changed = [path for path in scan.hashes if cursor.files.get(path) != before.get(path)]
        imported = imported_rows(postgres, year)
        observations += _observations(landing, scan, changed, imported)
        if scan.unsettled:
            skipped.append(f"{year}: {len(scan.unsettled)} file(s) still being written")
            continue
        if len(scan.hashes) < MIN_FILES_PER_YEAR:
            skipped.append(f"{year}: {len(scan.hashes)} of {MIN_FILES_PER_YEAR} files landed")
            continue
        if cursor.requested.get(year) == scan.digest:
            continue
        cursor.requested[year] = scan.digest
        if set(scan.hashes.values()) == set(imported) and year in known_years:
            context.log.info(f"{year}: files already imported")
            continue
        if year not in known_years:
            new_years.append(year)
        context.log.info(f"{year}: new or changed files, requesting a full run")
        requests.append(dg.RunRequest(run_key=run_key_for(scan), partition_key=year, tags=year_tags(year, SENSOR_NAME)))
    cursor.files = {path: state for path, state in cursor.files.items() if path in seen}
    for reason in skipped:
        context.log.info(f"waiting: {reason}")
    return dg.SensorResult(
        run_requests=requests,
        asset_events=observations,
        dynamic_partitions_requests=[school_years.build_add_request(new_years)] if new_years else None,
        cursor=cursor.dump(),
        skip_reason=None if requests else ("; ".join(skipped) or "no new or changed NCES files"),
    )
