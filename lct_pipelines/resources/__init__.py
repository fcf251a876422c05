"""Dagster resources: the only code (with `services/`) that knows how to reach a server or the landing folder."""

from lct_pipelines.resources.alerts import AlertWebhookResource
from lct_pipelines.resources.landing import LandingZoneResource
from lct_pipelines.resources.postgres import PostgresResource
from lct_pipelines.resources.warehouse import WarehouseResource

__all__ = ["AlertWebhookResource", "LandingZoneResource", "PostgresResource", "WarehouseResource"]
