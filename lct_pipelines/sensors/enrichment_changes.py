"""Bell schedule or state requirement changes: an incremental run of the school years they touch.

A tick runs the fingerprint query per calculated year (about 0.4 s for 18,000
districts) and compares with the fingerprints stored by the last calculation;
it never computes LCT. The run key is the hash of the changed fingerprints, so
one change launches one run however many ticks see it.
"""

import json

import dagster as dg

from lct_pipelines.jobs import DISTRICTS_CHANGED_TAG, LCT_INCREMENTAL_JOB, year_tags
from lct_pipelines.lct import store
from lct_pipelines.lct.incremental import PendingChanges, pending_changes
from lct_pipelines.resources import PostgresResource
from lct_pipelines.sensors.runs import year_is_busy

SENSOR_NAME = "lct_enrichment_sensor"


def run_key_for(changes: PendingChanges) -> str:
    return f"lct-incremental:{changes.year}:{changes.key[:24]}"


@dg.sensor(
    name=SENSOR_NAME,
    job_name=LCT_INCREMENTAL_JOB,
    # The daemon's sensor loop is 5 s at its fastest: an edit waits 2.5 s on average for its tick.
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every 5 s, compares each calculated school year's per-district input fingerprints (enrollment, "
    "staff, state requirement, bell schedules) with those of the last calculation; a difference launches an "
    "incremental lct_incremental run that recomputes only those districts.",
)
def lct_enrichment_sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource) -> dg.SensorResult:
    handled: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    requests: list[dg.RunRequest] = []
    notes: list[str] = []
    with postgres.transaction() as cur:
        years = store.calculated_years(cur)
    for year in years:
        if year_is_busy(context.instance, year):
            notes.append(f"{year}: a run is queued or running")
            continue
        with postgres.transaction() as cur:
            changes = pending_changes(cur, year)
        if changes.empty or handled.get(year) == changes.key:
            continue
        handled[year] = changes.key
        context.log.info(
            f"{year}: {len(changes.changed)} district(s) changed, {len(changes.vanished)} vanished; "
            "requesting an incremental run"
        )
        requests.append(
            dg.RunRequest(
                run_key=run_key_for(changes),
                partition_key=year,
                tags={**year_tags(year, SENSOR_NAME), DISTRICTS_CHANGED_TAG: str(len(changes.changed))},
            )
        )
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(handled, sort_keys=True),
        skip_reason=None if requests else ("; ".join(notes) or "no input changed since the last calculation"),
    )
