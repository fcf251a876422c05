"""The LCT schedules: cron, timezone and target asserted, one tick evaluated (the warehouse's: tests/warehouse/)."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from lct_pipelines.definitions import defs
from lct_pipelines.jobs import DATA_DICTIONARY_JOB, LCT_RECOMPUTE_JOB, SCHOOL_YEAR_TAG
from lct_pipelines.schedules import DOCS_DATA_DICTIONARY_WEEKLY, LCT_RECOMPUTE_DAILY


def test_daily_recompute_runs_every_school_year_in_full_at_0100_utc() -> None:
    schedule = defs.resolve_schedule_def(LCT_RECOMPUTE_DAILY)
    assert (schedule.cron_schedule, schedule.execution_timezone, schedule.job_name) == (
        "0 1 * * *",
        "UTC",
        LCT_RECOMPUTE_JOB,
    )
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING and "01:00 UTC" in schedule.description
    with dg.instance_for_test() as instance:
        tick_time = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
        empty = schedule.evaluate_tick(
            dg.build_schedule_context(
                instance=instance, repository_def=defs.get_repository_def(), scheduled_execution_time=tick_time
            )
        )
        assert empty.run_requests == [] and "no school year" in empty.skip_message
        instance.add_dynamic_partitions("school_year", ["2022-23", "2023-24"])
        data = schedule.evaluate_tick(
            dg.build_schedule_context(
                instance=instance, repository_def=defs.get_repository_def(), scheduled_execution_time=tick_time
            )
        )
    assert [(r.partition_key, r.run_key, r.tags[SCHOOL_YEAR_TAG]) for r in data.run_requests] == [
        ("2022-23", "lct_recompute_daily:2022-23:20261125T0100Z", "2022-23"),
        ("2023-24", "lct_recompute_daily:2023-24:20261125T0100Z", "2023-24"),
    ]


def test_the_recompute_job_is_full_and_the_incremental_job_incremental() -> None:
    for name, mode in ((LCT_RECOMPUTE_JOB, "full"), ("lct_incremental", "incremental")):
        job = defs.resolve_job_def(name)
        with dg.instance_for_test() as instance:
            instance.add_dynamic_partitions("school_year", ["2023-24"])
            config = job.get_run_config_for_partition_key("2023-24")
        assert config["ops"]["lct_calculations"]["config"]["mode"] == mode


def test_data_dictionary_weekly_on_mondays_at_0400_utc() -> None:
    schedule = defs.resolve_schedule_def(DOCS_DATA_DICTIONARY_WEEKLY)
    assert (schedule.cron_schedule, schedule.execution_timezone, schedule.job_name) == (
        "0 4 * * 1",
        "UTC",
        DATA_DICTIONARY_JOB,
    )
    with dg.instance_for_test() as instance:
        tick = schedule.evaluate_tick(
            dg.build_schedule_context(
                instance=instance,
                repository_def=defs.get_repository_def(),
                scheduled_execution_time=datetime(2026, 11, 30, 4, tzinfo=UTC),
            )
        )
    assert len(tick.run_requests) == 1
    selection = defs.resolve_job_def(DATA_DICTIONARY_JOB).asset_layer.executable_asset_keys
    assert selection == {dg.AssetKey(["docs", "data_dictionary"])}
