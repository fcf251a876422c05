"""Every schedule: what runs when, in UTC. They replace the old cron jobs and Celery beat.

| UTC           | schedule                      | job                    | does                                | retry |
|---------------|-------------------------------|------------------------|-------------------------------------|-------|
| daily 01:00   | lct_recompute_daily           | lct_recompute          | every year in full, views, exports  | -     |
| Sun 00:30     | warehouse_full_rebuild_weekly | warehouse_full_rebuild | every rollup rebuilt, invalidation  | 3 exp |
| daily 02:00   | warehouse_refresh_daily       | warehouse_refresh      | the day's changes, invalidation     | 3 exp |
| daily 03:00   | warehouse_statistics_daily    | warehouse_statistics   | size, rows of rollups and tables    | -     |
| Mon 04:00     | docs_data_dictionary_weekly   | data_dictionary        | docs/data-dictionaries/             | -     |
| daily 07:00   | warehouse_cache_warmup_daily  | warehouse_cache_warmup | the common queries into the cache   | 2     |

Names are `<domain>_<what>_<cadence>`. All start RUNNING: the daemon of `lct ui` ticks them without a click.
View creation is not scheduled: `lct up` does it on deploy, and the refresh step creates whatever is missing.
"""

import dagster as dg

from lct_pipelines.assets.partitions import school_years
from lct_pipelines.jobs import (
    DATA_DICTIONARY_JOB,
    LCT_RECOMPUTE_JOB,
    WAREHOUSE_CACHE_WARMUP_JOB,
    WAREHOUSE_FULL_REBUILD_JOB,
    WAREHOUSE_REFRESH_JOB,
    WAREHOUSE_STATISTICS_JOB,
    year_tags,
)

TIMEZONE = "UTC"
LCT_RECOMPUTE_DAILY = "lct_recompute_daily"
DOCS_DATA_DICTIONARY_WEEKLY = "docs_data_dictionary_weekly"
WAREHOUSE_REFRESH_DAILY = "warehouse_refresh_daily"
WAREHOUSE_FULL_REBUILD_WEEKLY = "warehouse_full_rebuild_weekly"
WAREHOUSE_STATISTICS_DAILY = "warehouse_statistics_daily"
WAREHOUSE_CACHE_WARMUP_DAILY = "warehouse_cache_warmup_daily"


@dg.schedule(
    name=LCT_RECOMPUTE_DAILY,
    job_name=LCT_RECOMPUTE_JOB,
    cron_schedule="0 1 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily at 01:00 UTC: recompute every district of every school year in full and refresh the "
    "views and exports (the old nightly cron job; the safety net behind incremental runs).",
)
def lct_recompute_daily(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
    years = sorted(context.instance.get_dynamic_partitions(school_years.name))
    if not years:
        return dg.SkipReason("no school year imported yet")
    stamp = context.scheduled_execution_time.strftime("%Y%m%dT%H%MZ")
    return [
        dg.RunRequest(
            run_key=f"{LCT_RECOMPUTE_DAILY}:{year}:{stamp}",
            partition_key=year,
            tags=year_tags(year, LCT_RECOMPUTE_DAILY),
        )
        for year in years
    ]


def _on_cron(name: str, job_name: str, cron: str, description: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=name,
        job_name=job_name,
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )


SCHEDULES = [
    lct_recompute_daily,
    _on_cron(
        WAREHOUSE_REFRESH_DAILY,
        WAREHOUSE_REFRESH_JOB,
        "0 2 * * *",
        "Daily at 02:00 UTC: apply the day's changes to the warehouse rollups, then invalidate the query cache "
        "(3 retries, exponential backoff). On Sundays it follows the weekly full rebuild and has little to do.",
    ),
    _on_cron(
        WAREHOUSE_FULL_REBUILD_WEEKLY,
        WAREHOUSE_FULL_REBUILD_JOB,
        "30 0 * * 0",
        "Sundays at 00:30 UTC (before the daily refresh, which the specification keeps at 02:00): rebuild every "
        "warehouse rollup from all rows, then invalidate the query cache (3 retries, exponential backoff).",
    ),
    _on_cron(
        WAREHOUSE_STATISTICS_DAILY,
        WAREHOUSE_STATISTICS_JOB,
        "0 3 * * *",
        "Daily at 03:00 UTC: size and row count of every rollup and platform table.",
    ),
    _on_cron(
        DOCS_DATA_DICTIONARY_WEEKLY,
        DATA_DICTIONARY_JOB,
        "0 4 * * 1",
        "Mondays at 04:00 UTC: regenerate docs/data-dictionaries/database_schema_latest.md.",
    ),
    _on_cron(
        WAREHOUSE_CACHE_WARMUP_DAILY,
        WAREHOUSE_CACHE_WARMUP_JOB,
        "0 7 * * *",
        "Daily at 07:00 UTC: warm the query cache with the common dashboard queries (2 retries).",
    ),
]
