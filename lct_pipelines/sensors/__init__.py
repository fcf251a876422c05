"""Sensors: the landing folder (new NCES files) and the enrichment inputs (edited bell schedules)."""

from lct_pipelines.sensors.enrichment_changes import lct_enrichment_sensor
from lct_pipelines.sensors.nces_landing import nces_landing_sensor

SENSORS = [nces_landing_sensor, lct_enrichment_sensor]
