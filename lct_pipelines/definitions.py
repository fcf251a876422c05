"""The one code location: assets, checks, resources, jobs, schedules and sensors."""

import dagster as dg

from lct_pipelines.assets.docs import DOCS_ASSETS
from lct_pipelines.assets.enrichment import ENRICHMENT_ASSETS
from lct_pipelines.assets.landed_files import LANDED_FILE_ASSETS
from lct_pipelines.assets.lct import LCT_ASSETS, LCT_CHECKS
from lct_pipelines.assets.nces import NCES_ASSETS
from lct_pipelines.assets.warehouse import PLATFORM_SOURCE_SPECS, WAREHOUSE_ASSETS
from lct_pipelines.jobs import JOBS, RUN_EXECUTOR
from lct_pipelines.resources import AlertWebhookResource, LandingZoneResource, PostgresResource, WarehouseResource
from lct_pipelines.schedules import SCHEDULES
from lct_pipelines.sensors import SENSORS

defs = dg.Definitions(
    assets=[
        *LANDED_FILE_ASSETS,
        *NCES_ASSETS,
        *ENRICHMENT_ASSETS,
        *LCT_ASSETS,
        *DOCS_ASSETS,
        *PLATFORM_SOURCE_SPECS,
        *WAREHOUSE_ASSETS,
    ],
    asset_checks=LCT_CHECKS,
    jobs=JOBS,
    schedules=SCHEDULES,
    sensors=SENSORS,
    # What runs launched from an asset page, the catalog, a group, a backfill or the Launchpad execute under (they
    # use Dagster's implicit asset job, not ours): the jobs' executor (in-process unless LCT_EXECUTOR says otherwise).
    executor=RUN_EXECUTOR,
    resources={
        "postgres": PostgresResource(url=dg.EnvVar("LCT_DATABASE_URL")),
        "landing": LandingZoneResource(data_dir=dg.EnvVar("LCT_DATA_DIR")),
        # Only the owner's URL is required; the reader, replica, Redis and knobs come from the environment.
        "warehouse": WarehouseResource(database_url=dg.EnvVar("LCT_DATABASE_URL")),
        "alerts": AlertWebhookResource(),  # LCT_ALERT_WEBHOOK_URL and LCT_UI_URL, read when an alert is sent
    },
)
