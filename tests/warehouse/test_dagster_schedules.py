"""The warehouse's schedules (the Celery-beat replacements), jobs and lineage, as the code location declares them."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
from dagster._core.definitions.dependency import NodeHandle

from lct_pipelines.assets.constants import PLATFORM_OWNER
from lct_pipelines.assets.warehouse import (
    CACHE_INVALIDATION_KEY,
    CACHE_WARMUP_KEY,
    PLATFORM_TABLES,
    REFRESH_RETRY_POLICY,
    ROLLUP_KEYS,
    STATISTICS_KEY,
    WARMUP_RETRY_POLICY,
    platform_key,
    rollup_key,
)
from lct_pipelines.definitions import defs
from lct_pipelines.jobs import (
    WAREHOUSE_CACHE_WARMUP_JOB,
    WAREHOUSE_FULL_REBUILD_JOB,
    WAREHOUSE_REFRESH_JOB,
    WAREHOUSE_STATISTICS_JOB,
)
from lct_pipelines.warehouse.views import ROLLUPS, view_inputs

# schedule -> (cron, UTC time in its description, target job, assets the job materializes, retry policy)
SCHEDULES = {
    "warehouse_refresh_daily": (
        "0 2 * * *",
        "02:00 UTC",
        WAREHOUSE_REFRESH_JOB,
        {*ROLLUP_KEYS, CACHE_INVALIDATION_KEY},
        dg.RetryPolicy(max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL),
    ),
    "warehouse_full_rebuild_weekly": (
        "30 0 * * 0",
        "00:30 UTC",
        WAREHOUSE_FULL_REBUILD_JOB,
        {*ROLLUP_KEYS, CACHE_INVALIDATION_KEY},
        dg.RetryPolicy(max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL),
    ),
    "warehouse_statistics_daily": ("0 3 * * *", "03:00 UTC", WAREHOUSE_STATISTICS_JOB, {STATISTICS_KEY}, None),
    "warehouse_cache_warmup_daily": (
        "0 7 * * *",
        "07:00 UTC",
        WAREHOUSE_CACHE_WARMUP_JOB,
        {CACHE_WARMUP_KEY},
        dg.RetryPolicy(max_retries=2, delay=15),
    ),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_each_schedule_runs_its_job_daily_at_its_utc_hour(name: str) -> None:
    cron, when, job_name, _assets, _policy = SCHEDULES[name]
    schedule = defs.resolve_schedule_def(name)
    assert schedule.cron_schedule == cron
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == job_name
    assert when in (schedule.description or "")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.mark.parametrize("name", SCHEDULES)
def test_one_tick_of_each_schedule_requests_one_run_of_its_job(name: str) -> None:
    cron, _when, job_name, _assets, _policy = SCHEDULES[name]
    hour = int(cron.split()[1])
    schedule = defs.resolve_schedule_def(name)
    tick = dt.datetime(2026, 3, 1, hour, 0, tzinfo=dt.UTC)
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        data = schedule.evaluate_tick(context)
    assert data.skip_message is None
    [request] = data.run_requests
    assert isinstance(request, dg.RunRequest)
    assert request.job_name in (None, job_name)  # None: the schedule's own job
    assert request.tags["dagster/schedule_name"] == name


@pytest.mark.parametrize("name", SCHEDULES)
def test_each_job_materializes_its_assets_with_its_retry_policy_on_every_step(name: str) -> None:
    _cron, _when, job_name, assets, policy = SCHEDULES[name]
    job = defs.resolve_job_def(job_name)
    assert job.asset_layer.selected_asset_keys == assets
    assert job.executor_def.name == dg.in_process_executor.name
    for step in job.graph.node_dict:
        assert job.get_retry_policy_for_handle(NodeHandle(step, None)) == policy, step


def test_the_refresh_retry_policy_is_three_retries_with_exponential_backoff() -> None:
    assert REFRESH_RETRY_POLICY.max_retries == 3
    assert REFRESH_RETRY_POLICY.backoff == dg.Backoff.EXPONENTIAL
    assert [REFRESH_RETRY_POLICY.calculate_delay(n) for n in (1, 2, 3)] == [15, 45, 105]
    assert WARMUP_RETRY_POLICY.max_retries == 2
    job = defs.resolve_job_def(WAREHOUSE_REFRESH_JOB)
    assert job.get_retry_policy_for_handle(NodeHandle("warehouse_rollups", None)) == REFRESH_RETRY_POLICY


@pytest.mark.parametrize("name", SCHEDULES)
def test_a_launch_from_the_ui_retries_each_step_like_the_scheduled_job(name: str) -> None:
    """The asset page, a group, a backfill and the Launchpad run Dagster's implicit asset job: same executor,
    same retry policy per step as the job the schedule runs."""
    _cron, _when, _job_name, assets, policy = SCHEDULES[name]
    ui_job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=assets)
    assert ui_job.executor_def.name == dg.in_process_executor.name
    for step in ui_job.graph.node_dict:
        assert ui_job.get_retry_policy_for_handle(NodeHandle(step, None)) == policy, step


def test_the_weekly_job_rebuilds_in_full_and_the_nightly_one_applies_the_changes() -> None:
    assert defs.resolve_job_def(WAREHOUSE_FULL_REBUILD_JOB).run_config == {
        "ops": {"warehouse_rollups": {"config": {"full": True}}}
    }
    assert defs.resolve_job_def(WAREHOUSE_REFRESH_JOB).run_config is None  # the op's default: full=False


def _graph() -> dg.AssetGraph:
    return defs.get_repository_def().asset_graph


def test_platform_tables_are_source_specs_owned_by_the_platform() -> None:
    graph = _graph()
    assert sorted(PLATFORM_TABLES) == sorted(
        ["subjects", "teachers", "students", "classes", "class_enrollments", "assignments", "submissions", "attendance"]
    )
    for table in PLATFORM_TABLES:
        node = graph.get(platform_key(table))
        assert not node.is_materializable, table
        assert node.owners == [PLATFORM_OWNER]
        assert node.group_name == "platform_sources"
        assert "postgres" in node.kinds


def test_each_rollup_depends_on_the_tables_and_rollups_its_sql_reads() -> None:
    graph = _graph()
    for name in ROLLUPS:
        node = graph.get(rollup_key(name))
        reads = view_inputs(name)
        assert node.group_name == "warehouse"
        assert node.parent_keys == {platform_key(t) for t in reads["platform"]} | {
            rollup_key(r) for r in reads["analytics"]
        }, name
        assert reads["platform"] or reads["analytics"], name  # every rollup reads the platform, directly or not


def test_statistics_read_every_relation_and_the_cache_follows_the_rollups() -> None:
    graph = _graph()
    assert graph.get(STATISTICS_KEY).parent_keys == set(ROLLUP_KEYS) | {platform_key(t) for t in PLATFORM_TABLES}
    assert graph.get(CACHE_INVALIDATION_KEY).parent_keys == set(ROLLUP_KEYS)
    assert graph.get(CACHE_WARMUP_KEY).parent_keys == {CACHE_INVALIDATION_KEY}
