"""Jobs over asset selections. The in-process executor: a step costs ~2 s of imports under multiprocess."""

import dagster as dg

from lct_pipelines.assets.partitions import school_years

NCES_IMPORT_JOB = "nces_import"

nces_import_job = dg.define_asset_job(
    name=NCES_IMPORT_JOB,
    selection=dg.AssetSelection.groups("nces", "enrichment"),
    partitions_def=school_years,
    executor_def=dg.in_process_executor,
    description="Import one school year of NCES CCD files and refresh the enrichment inputs.",
)

JOBS = [nces_import_job]
