"""Sensors: the landing folder (new NCES files), the enrichment inputs (edited bell schedules), dead runs, failed
runs (alerts)."""

from lct_pipelines.sensors.dead_runs import dead_run_sensor
from lct_pipelines.sensors.enrichment_changes import lct_enrichment_sensor
from lct_pipelines.sensors.nces_landing import nces_landing_sensor
from lct_pipelines.sensors.run_failure_alerts import run_failure_alerts

SENSORS = [nces_landing_sensor, lct_enrichment_sensor, dead_run_sensor, run_failure_alerts]
