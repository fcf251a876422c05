"""Run bookkeeping shared by the sensors: the tags every LCT run carries, and whether a year is busy."""

from datetime import datetime

import dagster as dg

SCHOOL_YEAR_TAG = "lct/school_year"  # dagster.yaml limits runs to one per value of this tag
TRIGGER_TAG = "lct/trigger"
ACTIVE_STATUSES = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def year_tags(year: str, trigger: str) -> dict[str, str]:
    return {SCHOOL_YEAR_TAG: year, TRIGGER_TAG: trigger}


def year_is_busy(instance: dg.DagsterInstance, year: str) -> bool:
    """A run of the year is queued or running (it may be mid-way between import and calculation)."""
    runs = instance.get_runs(filters=dg.RunsFilter(tags={SCHOOL_YEAR_TAG: year}, statuses=ACTIVE_STATUSES), limit=1)
    return bool(runs)


def finished_sensor_runs(instance: dg.DagsterInstance, sensor_name: str, after: datetime) -> list[dg.RunRecord]:
    """Runs the sensor launched after `after` that have ended (succeeded or failed), newest first."""
    return list(
        instance.get_run_records(
            filters=dg.RunsFilter(
                tags={"dagster/sensor_name": sensor_name},
                statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE],
                created_after=after,
            )
        )
    )
