"""Schedules: the cron jobs and the Celery beat of the systems we replace, in UTC."""

from lct_pipelines.schedules.lct import LCT_SCHEDULES

SCHEDULES = [*LCT_SCHEDULES]
