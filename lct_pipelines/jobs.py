"""Every job, selected by the asset groups and keys the assets declare, and the tags their runs carry.

One executor for every job, chosen by LCT_EXECUTOR (lct_pipelines/executors/): in-process by default, as a
step under the multiprocess executor costs ~2 s of imports (platform notes) and each job is one to a few
heavy steps; `celery` spreads the steps over `lct worker` processes, on one machine or many. The Definitions
give the UI's own launches (Dagster's implicit asset job) the same executor.
"""

import dagster as dg

from lct_pipelines.assets.constants import (
    DOCS_GROUP,
    ENRICHMENT_GROUP,
    LCT_EXPORTS_GROUP,
    LCT_GROUP,
    LCT_VIEWS_GROUP,
    NCES_GROUP,
)
from lct_pipelines.assets.warehouse import (
    CACHE_INVALIDATION_KEY,
    CACHE_WARMUP_KEY,
    ROLLUP_KEYS,
    ROLLUPS_OP,
    STATISTICS_KEY,
)
from lct_pipelines.executors import chosen_executor

# The jobs' executor, and (definitions.py) that of the runs the UI launches from an asset page or a backfill.
RUN_EXECUTOR = chosen_executor()

# --- run tags ---------------------------------------------------------------------------------------------------

SCHOOL_YEAR_TAG = "lct/school_year"  # the year an LCT run writes (sensor- and CLI-launched runs)
TRIGGER_TAG = "lct/trigger"  # the sensor or schedule that asked for the run
LAUNCHED_BY_TAG = "lct/launched_by"  # the `lct` command that ran it in-process
DISTRICTS_CHANGED_TAG = "lct/districts_changed"  # on incremental runs: how many districts the change touches
# Every single-partition run carries this (UI, backfill, sensor, `lct run`): dagster.yaml limits runs per value.
PARTITION_TAG = "dagster/partition"
# In-process runs (`lct run`, `lct warehouse refresh`): where they run, so a run whose process is gone is seen dead.
WORKER_HOST_TAG = "lct/host"
WORKER_PID_TAG = "lct/pid"
WORKER_STARTED_TAG = "lct/pid_started"  # the process's start time: a recycled pid is not taken for it


def year_tags(year: str, trigger: str) -> dict[str, str]:
    return {SCHOOL_YEAR_TAG: year, TRIGGER_TAG: trigger}


# --- LCT ----------------------------------------------------------------------------------------------------------

LCT_PIPELINE_JOB = "lct_pipeline"
NCES_IMPORT_JOB = "nces_import"
LCT_INCREMENTAL_JOB = "lct_incremental"
LCT_RECOMPUTE_JOB = "lct_recompute"
DATA_DICTIONARY_JOB = "data_dictionary"
CALCULATION_GROUPS = (LCT_GROUP, LCT_VIEWS_GROUP, LCT_EXPORTS_GROUP)


def _calculation_mode(mode: str) -> dict:
    return {"ops": {"lct_calculations": {"config": {"mode": mode}}}}


lct_pipeline_job = dg.define_asset_job(
    name=LCT_PIPELINE_JOB,
    selection=dg.AssetSelection.groups(NCES_GROUP, ENRICHMENT_GROUP, *CALCULATION_GROUPS),
    executor_def=RUN_EXECUTOR,
    description="One school year end to end: import the NCES files, refresh the enrichment inputs, compute LCT, "
    "run the QA checks, then (if the blocking checks pass) refresh the views and write the exports.",
)

nces_import_job = dg.define_asset_job(
    name=NCES_IMPORT_JOB,
    selection=dg.AssetSelection.groups(NCES_GROUP, ENRICHMENT_GROUP),
    executor_def=RUN_EXECUTOR,
    description="Import one school year of NCES CCD files and refresh the enrichment inputs.",
)

lct_incremental_job = dg.define_asset_job(
    name=LCT_INCREMENTAL_JOB,
    selection=dg.AssetSelection.groups(*CALCULATION_GROUPS),
    executor_def=RUN_EXECUTOR,
    config=_calculation_mode("incremental"),
    description="Recompute only the districts whose inputs changed since the last calculation of the year "
    "(launched by the enrichment sensor), then, if the blocking checks pass, refresh the views and rewrite "
    "that year's exports.",
)

lct_recompute_job = dg.define_asset_job(
    name=LCT_RECOMPUTE_JOB,
    selection=dg.AssetSelection.groups(*CALCULATION_GROUPS),
    executor_def=RUN_EXECUTOR,
    config=_calculation_mode("full"),
    description="Recompute every district of the year from the imported data (no re-import), then refresh the "
    "views and rewrite the exports: the nightly safety net behind the incremental runs.",
)

data_dictionary_job = dg.define_asset_job(
    name=DATA_DICTIONARY_JOB,
    selection=dg.AssetSelection.groups(DOCS_GROUP),
    executor_def=RUN_EXECUTOR,
    description="Regenerate the database data dictionary (docs/data-dictionaries/).",
)

# --- the warehouse ------------------------------------------------------------------------------------------------

WAREHOUSE_REFRESH_JOB = "warehouse_refresh"
WAREHOUSE_FULL_REBUILD_JOB = "warehouse_full_rebuild"
WAREHOUSE_STATISTICS_JOB = "warehouse_statistics"
WAREHOUSE_CACHE_WARMUP_JOB = "warehouse_cache_warmup"

# Their retry policies are on the assets (assets/warehouse.py), so the UI's launches retry like the schedules'.
warehouse_refresh_job = dg.define_asset_job(
    name=WAREHOUSE_REFRESH_JOB,
    selection=dg.AssetSelection.assets(*ROLLUP_KEYS, CACHE_INVALIDATION_KEY),
    executor_def=RUN_EXECUTOR,
    description="Apply the platform's changes since the last refresh to every warehouse rollup (one transaction, "
    "readers never blocked), then fence and invalidate the Redis query cache once the replica has replayed it.",
)

warehouse_full_rebuild_job = dg.define_asset_job(
    name=WAREHOUSE_FULL_REBUILD_JOB,
    selection=dg.AssetSelection.assets(*ROLLUP_KEYS, CACHE_INVALIDATION_KEY),
    executor_def=RUN_EXECUTOR,
    config={"ops": {ROLLUPS_OP: {"config": {"full": True}}}},
    description="Rebuild every warehouse rollup from all the platform's rows (the weekly safety net behind the "
    "nightly incremental refresh; readers never blocked), then fence and invalidate the query cache.",
)

warehouse_statistics_job = dg.define_asset_job(
    name=WAREHOUSE_STATISTICS_JOB,
    selection=dg.AssetSelection.assets(STATISTICS_KEY),
    executor_def=RUN_EXECUTOR,
    description="Record the size and row count of every rollup and platform table (from the catalogs).",
)

warehouse_cache_warmup_job = dg.define_asset_job(
    name=WAREHOUSE_CACHE_WARMUP_JOB,
    selection=dg.AssetSelection.assets(CACHE_WARMUP_KEY),
    executor_def=RUN_EXECUTOR,
    description="Answer the common dashboard queries with their default parameters into the Redis cache.",
)

JOBS = [
    lct_pipeline_job,
    nces_import_job,
    lct_incremental_job,
    lct_recompute_job,
    data_dictionary_job,
    warehouse_refresh_job,
    warehouse_full_rebuild_job,
    warehouse_statistics_job,
    warehouse_cache_warmup_job,
]
