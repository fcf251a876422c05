"""When the UI should flag an asset as overdue: the freshness policies (Dagster's FreshnessDaemon evaluates them;
`freshness: enabled: true` in dagster.yaml).

A cron policy passes once the asset materialized inside the window that ends at the deadline; it fails from the
deadline on until it materializes again. The windows follow the schedules (schedules.py): the rollups refresh at
02:00 UTC, the nightly recompute (views and exports of every year) runs at 01:00 UTC.
"""

from datetime import timedelta

import dagster as dg

# Rollups: fresh by 02:30 UTC, from a refresh since midnight (the 02:00 schedule, or one by hand).
ROLLUP_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="30 2 * * *", lower_bound_delta=timedelta(hours=2, minutes=30), timezone="UTC"
)
# LCT views and exports: refreshed by the 01:00 UTC recompute, due by 02:00 UTC (an hour for every year).
LCT_OUTPUT_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 2 * * *", lower_bound_delta=timedelta(hours=1), timezone="UTC"
)
