"""The code location loads, and its whole graph matches the reviewed snapshot.

`tests/__snapshots__/test_definitions/` holds every asset (group, kinds, dependencies, partitions, owners),
check, job (selection, executor, retry policy), schedule and sensor as JSON, and the executor of the UI's
own launches. A change that moves a module
must leave it equal; a change that alters the graph shows up as a diff of that file in review. After an
intended change: `pytest tests/test_definitions.py --snapshot-update`, then read the diff.
"""

from __future__ import annotations

import re
from typing import Any

import dagster as dg
import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from lct_pipelines.definitions import defs

SCHOOL_YEAR_ASSETS = ("nces/lea_directory", "nces/lea_enrollment", "nces/lea_staff", "lct/lct_calculations")


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def _key(key: dg.AssetKey) -> str:
    return key.to_user_string()


def _retry(policy: dg.RetryPolicy | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    return {
        "max_retries": policy.max_retries,
        "delay": policy.delay,
        "backoff": policy.backoff.value if policy.backoff else None,
    }


def _freshness(policy: dg.FreshnessPolicy | None) -> str | None:
    return repr(policy) if policy is not None else None


def _asset_retry(graph: dg.AssetGraph, key: dg.AssetKey) -> dict[str, Any] | None:
    node = graph.get(key)
    if not node.is_executable:
        return None
    return _retry(graph.assets_def_for_key(key).op.retry_policy)


def _assets(repository: dg.RepositoryDefinition) -> dict[str, Any]:
    graph = repository.asset_graph
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=_key):
        node = graph.get(key)
        assets[_key(key)] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            "deps": sorted(_key(parent) for parent in node.parent_keys),
            "partitions": getattr(node.partitions_def, "name", None) if node.partitions_def else None,
            "materializable": node.is_materializable,
            "owners": sorted(node.owners),
            "checks": sorted(check.name for check in graph.get_check_keys_for_assets({key})),
            "retry_policy": _asset_retry(graph, key),
            "freshness": _freshness(graph.get(key).freshness_policy),
        }
    return assets


def _checks(repository: dg.RepositoryDefinition) -> dict[str, Any]:
    graph = repository.asset_graph
    return {
        f"{_key(check.asset_key)}:{check.name}": {"blocking": graph.get(check).blocking}
        for check in sorted(graph.asset_check_keys, key=lambda c: (_key(c.asset_key), c.name))
    }


def _jobs(definitions: dg.Definitions) -> dict[str, Any]:
    jobs = {}
    for job in sorted(definitions.get_repository_def().get_all_jobs(), key=lambda j: j.name):
        if job.name.startswith("__"):  # Dagster's implicit asset job
            continue
        jobs[job.name] = {
            "assets": sorted(_key(k) for k in job.asset_layer.selected_asset_keys),
            "executor": job.executor_def.name,
            "retry_policy": _retry(job.op_retry_policy),
            "partitioned": job.partitions_def is not None,
        }
    return jobs


def _schedules(repository: dg.RepositoryDefinition) -> dict[str, Any]:
    return {
        schedule.name: {
            "cron": schedule.cron_schedule,
            "timezone": schedule.execution_timezone,
            "job": schedule.job_name,
            "default_status": schedule.default_status.value,
        }
        for schedule in sorted(repository.schedule_defs, key=lambda s: s.name)
    }


def _sensors(repository: dg.RepositoryDefinition) -> dict[str, Any]:
    return {
        sensor.name: {
            "job": sensor.job_name if sensor.has_jobs else None,
            "minimum_interval_seconds": sensor.minimum_interval_seconds,
            "default_status": sensor.default_status.value,
            "type": sensor.sensor_type.value,
        }
        for sensor in sorted(repository.sensor_defs, key=lambda s: s.name)
    }


def graph_snapshot(definitions: dg.Definitions) -> dict[str, Any]:
    repository = definitions.get_repository_def()
    return {
        "assets": _assets(repository),
        "checks": _checks(repository),
        "jobs": _jobs(definitions),
        "schedules": _schedules(repository),
        "sensors": _sensors(repository),
        "resources": sorted(repository.get_top_level_resources()),
        # What the UI's own launches (asset page, group, backfill, Launchpad) execute under.
        "ui_executor": definitions.resolve_implicit_global_asset_job_def().executor_def.name,
    }


def test_code_location_loads() -> None:
    dg.Definitions.validate_loadable(defs)


def test_graph_matches_the_reviewed_snapshot(snapshot_json) -> None:
    assert graph_snapshot(defs) == snapshot_json


def test_school_year_assets_are_partitioned_by_school_year() -> None:
    graph = defs.get_repository_def().asset_graph
    for key in SCHOOL_YEAR_ASSETS:
        partitions = graph.get(dg.AssetKey.from_user_string(key)).partitions_def
        assert isinstance(partitions, dg.DynamicPartitionsDefinition) and partitions.name == "school_year"


def _descriptions(definitions: dg.Definitions) -> dict[str, str]:
    repository = definitions.get_repository_def()
    graph = repository.asset_graph
    texts = {f"asset {_key(key)}": graph.get(key).description for key in graph.get_all_asset_keys()}
    texts |= {f"check {check.name}": graph.get(check).description for check in graph.asset_check_keys}
    texts |= {f"job {job.name}": job.description for job in repository.get_all_jobs()}
    texts |= {f"schedule {s.name}": s.description for s in repository.schedule_defs}
    texts |= {f"sensor {s.name}": s.description for s in repository.sensor_defs}
    return {name: text for name, text in texts.items() if text}


def test_no_description_holds_a_word_the_ui_would_drop_as_an_html_tag() -> None:
    """The UI renders descriptions as Markdown, which drops `<year>`: placeholders are written `{year}`."""
    tags = {name: re.findall(r"<[A-Za-z][^<>]*>", text) for name, text in _descriptions(defs).items()}
    assert {name: found for name, found in tags.items() if found} == {}
