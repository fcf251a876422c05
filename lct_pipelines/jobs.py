"""Jobs over asset selections. The in-process executor: a step costs ~2 s of imports under multiprocess."""

import dagster as dg

LCT_PIPELINE_JOB = "lct_pipeline"
NCES_IMPORT_JOB = "nces_import"

lct_pipeline_job = dg.define_asset_job(
    name=LCT_PIPELINE_JOB,
    selection=dg.AssetSelection.groups("nces", "enrichment", "lct", "lct_views", "lct_exports"),
    executor_def=dg.in_process_executor,
    description="One school year end to end: import the NCES files, refresh the enrichment inputs, compute LCT, "
    "run the QA checks, then (if the blocking checks pass) refresh the views and write the exports.",
)

nces_import_job = dg.define_asset_job(
    name=NCES_IMPORT_JOB,
    selection=dg.AssetSelection.groups("nces", "enrichment"),
    executor_def=dg.in_process_executor,
    description="Import one school year of NCES CCD files and refresh the enrichment inputs.",
)

JOBS = [lct_pipeline_job, nces_import_job]
