"""The freshness policies the UI flags overdue assets by: the rollups by 02:30 UTC, the LCT views and exports by
02:00 UTC (after the 01:00 recompute); the daemon evaluates them because the instance enables freshness."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import yaml

from lct_pipelines.assets.constants import LCT_EXPORTS_GROUP, LCT_VIEWS_GROUP, WAREHOUSE_GROUP
from lct_pipelines.assets.warehouse import ROLLUP_KEYS
from lct_pipelines.definitions import defs
from lct_pipelines.project import dagster_yaml


def _policies() -> dict[dg.AssetKey, dg.FreshnessPolicy]:
    graph = defs.get_repository_def().asset_graph
    return {
        key: graph.get(key).freshness_policy for key in graph.get_all_asset_keys() if graph.get(key).freshness_policy
    }


def _group(name: str) -> set[dg.AssetKey]:
    graph = defs.get_repository_def().asset_graph
    return {key for key in graph.get_all_asset_keys() if graph.get(key).group_name == name}


def test_the_rollups_are_due_by_0230_utc_from_a_refresh_since_midnight() -> None:
    policies = _policies()
    for key in ROLLUP_KEYS:
        policy = policies[key]
        assert (policy.deadline_cron, policy.timezone) == ("30 2 * * *", "UTC")
        assert policy.lower_bound_delta == timedelta(hours=2, minutes=30)


def test_the_lct_views_and_exports_are_due_by_0200_utc_after_the_nightly_recompute() -> None:
    policies = _policies()
    outputs = _group(LCT_VIEWS_GROUP) | _group(LCT_EXPORTS_GROUP)
    assert len(outputs) == 8
    for key in outputs:
        policy = policies[key]
        assert (policy.deadline_cron, policy.timezone, policy.lower_bound_delta) == (
            "0 2 * * *",
            "UTC",
            timedelta(hours=1),
        )
    schedule = defs.resolve_schedule_def("lct_recompute_daily")
    assert schedule.cron_schedule == "0 1 * * *"  # inside the window


def test_only_those_carry_a_policy_and_the_instance_evaluates_them() -> None:
    assert set(_policies()) == set(ROLLUP_KEYS) | _group(LCT_VIEWS_GROUP) | _group(LCT_EXPORTS_GROUP)
    assert set(ROLLUP_KEYS) <= _group(WAREHOUSE_GROUP)
    assert yaml.safe_load(dagster_yaml().read_text())["freshness"] == {"enabled": True}
