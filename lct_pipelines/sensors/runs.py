"""Whether a school year is busy: a sensor launches nothing for a year that a run is already writing."""

import dagster as dg

from lct_pipelines.jobs import PARTITION_TAG

ACTIVE_STATUSES = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def year_is_busy(instance: dg.DagsterInstance, year: str) -> bool:
    """A run of the year is queued or running (it may be mid-way between import and calculation).

    By `dagster/partition`, which every single-partition run carries, also those launched from the UI or a
    backfill (they have no `lct/school_year` tag).
    """
    runs = instance.get_runs(filters=dg.RunsFilter(tags={PARTITION_TAG: year}, statuses=ACTIVE_STATUSES), limit=1)
    return bool(runs)
