"""LCT schedules (UTC): the nightly full recompute of every school year, and the weekly data dictionary."""

import dagster as dg

from lct_pipelines.assets.partitions import school_years
from lct_pipelines.jobs import DATA_DICTIONARY_JOB, LCT_RECOMPUTE_JOB
from lct_pipelines.sensors.runs import year_tags

NIGHTLY_RECOMPUTE = "lct_nightly_recompute"
WEEKLY_DATA_DICTIONARY = "data_dictionary_weekly"


@dg.schedule(
    name=NIGHTLY_RECOMPUTE,
    job_name=LCT_RECOMPUTE_JOB,
    cron_schedule="0 1 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily at 01:00 UTC: recompute every district of every school year in full and refresh the "
    "views and exports (the old nightly cron job; the safety net behind incremental runs).",
)
def lct_nightly_recompute(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
    years = sorted(context.instance.get_dynamic_partitions(school_years.name))
    if not years:
        return dg.SkipReason("no school year imported yet")
    stamp = context.scheduled_execution_time.strftime("%Y%m%dT%H%MZ")
    return [
        dg.RunRequest(
            run_key=f"{NIGHTLY_RECOMPUTE}:{year}:{stamp}", partition_key=year, tags=year_tags(year, NIGHTLY_RECOMPUTE)
        )
        for year in years
    ]


data_dictionary_weekly = dg.ScheduleDefinition(
    name=WEEKLY_DATA_DICTIONARY,
    job_name=DATA_DICTIONARY_JOB,
    cron_schedule="0 4 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Mondays at 04:00 UTC: regenerate docs/data-dictionaries/database_schema_latest.md.",
)

LCT_SCHEDULES = [lct_nightly_recompute, data_dictionary_weekly]
