"""Jobs over asset selections. The in-process executor: a step costs ~2 s of imports under multiprocess."""

import dagster as dg

LCT_PIPELINE_JOB = "lct_pipeline"
NCES_IMPORT_JOB = "nces_import"
LCT_INCREMENTAL_JOB = "lct_incremental"
LCT_RECOMPUTE_JOB = "lct_recompute"
DATA_DICTIONARY_JOB = "data_dictionary"
CALCULATION_GROUPS = ("lct", "lct_views", "lct_exports")


def _calculation_mode(mode: str) -> dict:
    return {"ops": {"lct_calculations": {"config": {"mode": mode}}}}


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

lct_incremental_job = dg.define_asset_job(
    name=LCT_INCREMENTAL_JOB,
    selection=dg.AssetSelection.groups(*CALCULATION_GROUPS),
    executor_def=dg.in_process_executor,
    config=_calculation_mode("incremental"),
    description="Recompute only the districts whose inputs changed since the last calculation of the year "
    "(launched by the enrichment sensor), then, if the blocking checks pass, refresh the views and rewrite "
    "that year's exports.",
)

lct_recompute_job = dg.define_asset_job(
    name=LCT_RECOMPUTE_JOB,
    selection=dg.AssetSelection.groups(*CALCULATION_GROUPS),
    executor_def=dg.in_process_executor,
    config=_calculation_mode("full"),
    description="Recompute every district of the year from the imported data (no re-import), then refresh the "
    "views and rewrite the exports: the nightly safety net behind the incremental runs.",
)

data_dictionary_job = dg.define_asset_job(
    name=DATA_DICTIONARY_JOB,
    selection=dg.AssetSelection.groups("docs"),
    executor_def=dg.in_process_executor,
    description="Regenerate the database data dictionary (docs/data-dictionaries/).",
)

JOBS = [lct_pipeline_job, nces_import_job, lct_incremental_job, lct_recompute_job, data_dictionary_job]
