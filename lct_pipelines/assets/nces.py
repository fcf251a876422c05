"""Raw NCES CCD imports: the directory, enrollment by grade and band, staff FTE by category.

One step reads the three files of one school year (a partition), then swaps that year's rows of all three
tables in one transaction, under the year's write lock: a failing file leaves the previous data of every
table untouched and visible, and a second writer of the year waits.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
from psycopg2.extras import Json
from sqlalchemy import text

from lct_pipelines.assets.constants import NCES_GROUP
from lct_pipelines.assets.landed_files import RAW_FILE_SPECS, file_observation
from lct_pipelines.assets.locks import holding
from lct_pipelines.assets.metadata import markdown_table, model_schema
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import replace_partition
from lct_pipelines.db.write_locks import year_resource
from lct_pipelines.lct.scopes import BANDS, GRADE_COLUMNS
from lct_pipelines.nces import reader
from lct_pipelines.nces.categories import STAFF_TIERS
from lct_pipelines.nces.reader import NcesFileError
from lct_pipelines.nces.report import ImportReport
from lct_pipelines.project import sha256_of
from lct_pipelines.resources import LandingZoneResource, PostgresResource
from lct_pipelines.resources.landing import LandingFileError

DIRECTORY_KEY = dg.AssetKey(["nces", "lea_directory"])
ENROLLMENT_KEY = dg.AssetKey(["nces", "lea_enrollment"])
STAFF_KEY = dg.AssetKey(["nces", "lea_staff"])
IMPORT_SUMMARY_KEY = dg.AssetKey(["nces", "import_summary"])


def enrollment_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Grades as read, plus the five bands (an unreported grade counts 0 in a band)."""
    table = frame[["school_year", "leaid", *GRADE_COLUMNS, "total_reported"]].copy()
    for band, grades in BANDS.items():
        table[band] = frame[list(grades)].fillna(0).sum(axis=1)
    return table


def directory_table(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[
        [
            "school_year",
            "leaid",
            "fipst",
            "state",
            "state_name",
            "lea_name",
            "st_leaid",
            "lea_type",
            "lea_type_text",
            "sy_status_text",
            "charter_lea_text",
            "gslo",
            "gshi",
            "city",
            "zip",
            "website",
            "operational_schools",
        ]
    ]


def staff_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame[["school_year", "leaid", "category", "fte"]].copy()
    table["tier"] = table["category"].map(STAFF_TIERS)
    return table


@dataclass(frozen=True)
class ImportTarget:
    """One of a year's three files: which asset it materializes, how it is read and shaped, where it goes."""

    key: dg.AssetKey
    kind: str
    read: Callable[[Path], tuple[pd.DataFrame, ImportReport]]
    shape: Callable[[pd.DataFrame], pd.DataFrame]
    table: str
    description: str


IMPORT_TARGETS = (
    ImportTarget(
        DIRECTORY_KEY,
        "directory",
        reader.read_directory,
        directory_table,
        "nces.lea_directory",
        "Every LEA of the year from the CCD 029 directory file (table nces.lea_directory).",
    ),
    ImportTarget(
        ENROLLMENT_KEY,
        "membership",
        reader.read_membership,
        enrollment_table,
        "nces.lea_enrollment",
        "Students per district, grade and band, from the detail rows of the CCD 052 membership file "
        "(table nces.lea_enrollment). Totals only cross-check.",
    ),
    ImportTarget(
        STAFF_KEY,
        "staff",
        reader.read_staff,
        staff_table,
        "nces.lea_staff",
        "Staff FTE per district and detail category from the CCD 059 staff file (table nces.lea_staff).",
    ),
)


@dataclass(frozen=True)
class ReadFile:
    target: ImportTarget
    path: Path
    table: pd.DataFrame
    report: ImportReport
    sha256: str


def _read_year(context: dg.AssetExecutionContext, landing: LandingZoneResource, year: str) -> list[ReadFile]:
    """Read and shape the three files; the first unusable one fails the step before anything is written."""
    read: list[ReadFile] = []
    for target in IMPORT_TARGETS:
        try:
            path = landing.file_for(year, target.kind)
            context.log.info(f"{target.kind}: reading {path}")
            frame, report = target.read(path)
        except (NcesFileError, LandingFileError) as err:
            raise dg.Failure(
                description=f"{target.kind} import failed, nothing of {year} swapped in (previous data kept): {err}",
                metadata={"error": str(err), "school_year": year},
                allow_retries=False,
            ) from err
        read.append(ReadFile(target, path, target.shape(frame.assign(school_year=year)), report, sha256_of(path)))
    return read


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            target.key,
            deps=[RAW_FILE_SPECS[target.kind]],
            group_name=NCES_GROUP,
            kinds={"postgres"},
            description=target.description,
            metadata={"dagster/table_name": target.table, "dagster/column_schema": model_schema(target.table)},
        )
        for target in IMPORT_TARGETS
    ],
    partitions_def=school_years,
    can_subset=False,
)
def nces_year_import(context: dg.AssetExecutionContext, landing: LandingZoneResource, postgres: PostgresResource):
    """The year's three files, read first, then swapped in together in one transaction: all three or none.

    One step, so a broken directory file next to a changed staff file never leaves new staff beside old
    directory rows for the sensor or the nightly recompute to compute from.
    """
    year = context.partition_key
    files = _read_year(context, landing, year)
    with holding(context, postgres, year_resource(year)), postgres.transaction() as cur:
        for item in files:
            replace_partition(cur, item.target.table, item.table, year)
            cur.execute(
                load_sql("nces/insert_import_report.sql"),
                {
                    "school_year": year,
                    "kind": item.target.kind,
                    "file": str(item.path),
                    "sha256": item.sha256,
                    "report": Json(json.loads(json.dumps(item.report.to_metadata(), default=str))),
                },
            )
    for item in files:
        context.log.info(f"{item.target.kind}: {len(item.table):,} rows swapped into {item.target.table} for {year}")
        context.log_event(
            file_observation(
                item.target.kind,
                year,
                item.path,
                size=item.path.stat().st_size,
                sha256=item.sha256,
                rows=item.report.rows_read,
            )
        )
        yield dg.MaterializeResult(
            asset_key=item.target.key,
            metadata={
                "dagster/row_count": len(item.table),
                "file": dg.MetadataValue.path(str(item.path)),
                "sha256": item.sha256,
                **{f"import/{k}": v for k, v in item.report.to_metadata().items() if isinstance(v, int | float | str)},
                "import_report": dg.MetadataValue.md(item.report.to_markdown()),
            },
        )


@dg.asset(
    key=IMPORT_SUMMARY_KEY,
    deps=[DIRECTORY_KEY, ENROLLMENT_KEY, STAFF_KEY],
    partitions_def=school_years,
    group_name=NCES_GROUP,
    kinds={"postgres"},
    description="The import report of the year across the three files: per-file counts and the districts "
    "found in only some of the files.",
)
def import_summary(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:
    year = context.partition_key
    with postgres.connect() as conn:
        coverage = dict(
            conn.execute(text(load_sql("nces/district_file_coverage.sql")), {"school_year": year}).mappings().one()
        )
        reports = conn.execute(text(load_sql("nces/latest_import_reports.sql")), {"school_year": year}).mappings().all()
    keys = (
        "rows_read",
        "rows_used",
        "blank_counts",
        "duplicates",
        "conflicts",
        "ids_repadded",
        "unknown_categories",
        "total_mismatches",
    )
    per_file = [
        {"file": Path(r["file"]).name, "kind": r["kind"], **{k: r["report"].get(k, "") for k in keys}} for r in reports
    ]
    md = "\n\n".join(
        [
            f"### NCES import {year}",
            markdown_table(per_file),
            "### Districts across the three files",
            markdown_table([{k: int(v) for k, v in coverage.items()}]),
        ]
    )
    return dg.MaterializeResult(
        metadata={**{f"districts/{k}": int(v) for k, v in coverage.items()}, "report": dg.MetadataValue.md(md)}
    )


NCES_ASSETS = [nces_year_import, import_summary]
