"""The warehouse's jobs and their schedules, in UTC: what Celery beat used to run.

| UTC   | job                    | does                                                   | retries                 |
|-------|------------------------|--------------------------------------------------------|-------------------------|
| 02:00 | warehouse_refresh      | refresh every rollup, then invalidate the query cache  | 3, exponential backoff  |
| 03:00 | warehouse_statistics   | size and row count of every rollup and platform table  | none                    |
| 07:00 | warehouse_cache_warmup | answer the common queries into the cache               | 2                       |

The schedules start RUNNING (the daemon of `lct ui` ticks them without a
click). View creation is not scheduled: `lct up` does it on deploy, and the
refresh step creates whatever is missing. In-process executor: each job is
one or two steps, and a step under the multiprocess executor costs ~2 s of
imports.
"""

import dagster as dg

from lct_pipelines.assets.warehouse import CACHE_INVALIDATION_KEY, CACHE_WARMUP_KEY, ROLLUP_KEYS, STATISTICS_KEY

WAREHOUSE_REFRESH_JOB = "warehouse_refresh"
WAREHOUSE_STATISTICS_JOB = "warehouse_statistics"
WAREHOUSE_CACHE_WARMUP_JOB = "warehouse_cache_warmup"
SCHEDULE_TIMEZONE = "UTC"

# A failed refresh is retried after 15 s, 45 s, then 105 s (Dagster: delay x (2^n - 1)); locks and restarts pass.
REFRESH_RETRY_POLICY = dg.RetryPolicy(max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL)
WARMUP_RETRY_POLICY = dg.RetryPolicy(max_retries=2, delay=15)

warehouse_refresh_job = dg.define_asset_job(
    name=WAREHOUSE_REFRESH_JOB,
    selection=dg.AssetSelection.assets(*ROLLUP_KEYS, CACHE_INVALIDATION_KEY),
    executor_def=dg.in_process_executor,
    op_retry_policy=REFRESH_RETRY_POLICY,
    description="Refresh the warehouse rollups (CONCURRENTLY, two at a time, in dependency order), then fence and "
    "invalidate the Redis query cache once the replica has replayed the refresh.",
)

warehouse_statistics_job = dg.define_asset_job(
    name=WAREHOUSE_STATISTICS_JOB,
    selection=dg.AssetSelection.assets(STATISTICS_KEY),
    executor_def=dg.in_process_executor,
    description="Record the size and row count of every rollup and platform table (from the catalogs).",
)

warehouse_cache_warmup_job = dg.define_asset_job(
    name=WAREHOUSE_CACHE_WARMUP_JOB,
    selection=dg.AssetSelection.assets(CACHE_WARMUP_KEY),
    executor_def=dg.in_process_executor,
    op_retry_policy=WARMUP_RETRY_POLICY,
    description="Answer the common dashboard queries with their default parameters into the Redis cache.",
)

warehouse_refresh_schedule = dg.ScheduleDefinition(
    name="warehouse_refresh_daily",
    job=warehouse_refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone=SCHEDULE_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily at 02:00 UTC: refresh the warehouse rollups, then invalidate the query cache "
    "(3 retries, exponential backoff).",
)

warehouse_statistics_schedule = dg.ScheduleDefinition(
    name="warehouse_statistics_daily",
    job=warehouse_statistics_job,
    cron_schedule="0 3 * * *",
    execution_timezone=SCHEDULE_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily at 03:00 UTC: size and row count of every rollup and platform table.",
)

warehouse_cache_warmup_schedule = dg.ScheduleDefinition(
    name="warehouse_cache_warmup_daily",
    job=warehouse_cache_warmup_job,
    cron_schedule="0 7 * * *",
    execution_timezone=SCHEDULE_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily at 07:00 UTC: warm the query cache with the common dashboard queries (2 retries).",
)

WAREHOUSE_JOBS = [warehouse_refresh_job, warehouse_statistics_job, warehouse_cache_warmup_job]
WAREHOUSE_SCHEDULES = [warehouse_refresh_schedule, warehouse_statistics_schedule, warehouse_cache_warmup_schedule]
