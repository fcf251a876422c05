"""Raw NCES CCD imports: the directory, enrollment by grade and band, staff FTE by category.

Each asset reads one file of one school year (a partition), then swaps that
year's rows in one transaction, so a failing file leaves the previous data
untouched and visible.
"""

import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pandas as pd
from psycopg2.extras import Json
from sqlalchemy import text

from lct_pipelines.assets.constants import NCES_GROUP, NCES_SOURCES_GROUP
from lct_pipelines.assets.metadata import column_schema, markdown_table
from lct_pipelines.assets.partitions import school_years
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import replace_partition
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

RAW_FILE_SPECS = {
    kind: dg.AssetSpec(
        key=dg.AssetKey(["nces_ccd", f"{kind}_file"]),
        description=f"The NCES CCD {label} file landed under $LCT_DATA_DIR/raw/nces_ccd/<year>/ (owned by NCES).",
        group_name=NCES_SOURCES_GROUP,
        kinds={"csv"},
        partitions_def=school_years,
    )
    for kind, label in (("directory", "029 directory"), ("membership", "052 membership"), ("staff", "059 staff"))
}


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


def _import_file(
    context: dg.AssetExecutionContext,
    landing: LandingZoneResource,
    postgres: PostgresResource,
    *,
    kind: str,
    read: Callable[[Path], tuple[pd.DataFrame, ImportReport]],
    shape: Callable[[pd.DataFrame], pd.DataFrame],
    target: str,
) -> dg.MaterializeResult:
    year = context.partition_key
    try:
        path = landing.file_for(year, kind)
        context.log.info(f"{kind}: reading {path}")
        frame, report = read(path)
    except (NcesFileError, LandingFileError) as err:
        raise dg.Failure(
            description=f"{kind} import failed, previous data kept: {err}",
            metadata={"error": str(err), "school_year": year},
            allow_retries=False,
        ) from err
    frame = frame.assign(school_year=year)
    table = shape(frame)
    digest = sha256_of(path)
    with postgres.transaction() as cur:
        replace_partition(cur, target, table, year)
        cur.execute(
            load_sql("nces/insert_import_report.sql"),
            {
                "school_year": year,
                "kind": kind,
                "file": str(path),
                "sha256": digest,
                "report": Json(json.loads(json.dumps(report.to_metadata(), default=str))),
            },
        )
    context.log.info(f"{kind}: {len(table):,} rows swapped into {target} for {year}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(table),
            "dagster/column_schema": column_schema(table),
            "file": dg.MetadataValue.path(str(path)),
            "sha256": digest,
            **{f"import/{k}": v for k, v in report.to_metadata().items() if isinstance(v, int | float | str)},
            "import_report": dg.MetadataValue.md(report.to_markdown()),
        }
    )


def _build_import_asset(
    key: dg.AssetKey,
    kind: str,
    *,
    read: Callable[[Path], tuple[pd.DataFrame, ImportReport]],
    shape: Callable[[pd.DataFrame], pd.DataFrame],
    target: str,
    description: str,
) -> dg.AssetsDefinition:
    """One raw import: the year's file of `kind`, read and shaped, swapped into `target`."""

    @dg.asset(
        key=key,
        deps=[RAW_FILE_SPECS[kind]],
        partitions_def=school_years,
        group_name=NCES_GROUP,
        kinds={"postgres"},
        description=description,
    )
    def _import(
        context: dg.AssetExecutionContext, landing: LandingZoneResource, postgres: PostgresResource
    ) -> dg.MaterializeResult:
        return _import_file(context, landing, postgres, kind=kind, read=read, shape=shape, target=target)

    return _import


lea_directory = _build_import_asset(
    DIRECTORY_KEY,
    "directory",
    read=reader.read_directory,
    shape=directory_table,
    target="nces.lea_directory",
    description="Every LEA of the year from the CCD 029 directory file (table nces.lea_directory).",
)
lea_enrollment = _build_import_asset(
    ENROLLMENT_KEY,
    "membership",
    read=reader.read_membership,
    shape=enrollment_table,
    target="nces.lea_enrollment",
    description="Students per district, grade and band, from the detail rows of the CCD 052 membership file "
    "(table nces.lea_enrollment). Totals only cross-check.",
)
lea_staff = _build_import_asset(
    STAFF_KEY,
    "staff",
    read=reader.read_staff,
    shape=staff_table,
    target="nces.lea_staff",
    description="Staff FTE per district and detail category from the CCD 059 staff file (table nces.lea_staff).",
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


NCES_ASSETS = [lea_directory, lea_enrollment, lea_staff, import_summary]
