"""The warehouse assets materialized with dg.materialize against the real embedded PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import dagster as dg
import psycopg2
import pytest

from lct_pipelines.assets.warehouse import (
    CACHE_INVALIDATION_KEY,
    CACHE_WARMUP_KEY,
    PLATFORM_SOURCE_SPECS,
    PLATFORM_TABLES,
    STATISTICS_KEY,
    WAREHOUSE_ASSETS,
    platform_key,
    query_cache_invalidation,
    query_cache_warmup,
    rollup_key,
)
from lct_pipelines.resources.warehouse import WarehouseResource
from lct_pipelines.services.ports import free_port
from lct_pipelines.warehouse.queries import COMMON_QUERIES
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.views import ROLLUPS
from tests.warehouse.conftest import WarehouseDb

Factory = Callable[..., WarehouseService]
ASSETS = [*PLATFORM_SOURCE_SPECS, *WAREHOUSE_ASSETS]


@pytest.fixture
def resource(warehouse_db: WarehouseDb, redis_url: str) -> Iterator[WarehouseResource]:
    resource = WarehouseResource(
        database_url=warehouse_db.admin_url, reader_url=warehouse_db.reader_url, replica_url="", redis_url=redis_url
    )
    yield resource
    resource.close()


def _materialize(selection: list[dg.AssetKey], resource: WarehouseResource, **kwargs) -> dg.ExecuteInProcessResult:
    return dg.materialize(ASSETS, selection=selection, resources={"warehouse": resource}, **kwargs)


def _metadata(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def _count(db: WarehouseDb, relation: str) -> int:
    conn = psycopg2.connect(db.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {relation}")
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_the_rollups_refresh_and_record_row_count_size_kind_and_seconds(
    warehouse_db: WarehouseDb, resource: WarehouseResource, redis_url: str, service_factory: Factory
) -> None:
    """The refresh job's selection: every rollup brought up to date, then the cached answers invalidated."""
    reader = service_factory(warehouse_db.reader_url, redis_url=redis_url)
    reader.warm_cache()
    assert reader.query("top_performers").cached

    result = _materialize([rollup_key(n) for n in ROLLUPS] + [CACHE_INVALIDATION_KEY], resource)

    assert result.success
    kinds = set()
    for name in ROLLUPS:
        metadata = _metadata(result, rollup_key(name))
        assert metadata["dagster/row_count"] == _count(warehouse_db, f"analytics.{name}"), name
        assert metadata["size_bytes"] > 0
        assert metadata["refresh_seconds"] >= 0
        assert metadata["created"] is False
        assert [c.name for c in metadata["dagster/column_schema"].columns]
        kinds.add(metadata["refresh_kind"])
    assert len(kinds) == 1  # one refresh for all of them
    assert _count(warehouse_db, "analytics.student_grade_summary") > 0
    invalidation = _metadata(result, CACHE_INVALIDATION_KEY)
    assert invalidation["invalidated_entries"] == len(COMMON_QUERIES)
    assert invalidation["cache"] == "invalidated"
    assert invalidation["replica"] == "no replica"
    assert not reader.query("top_performers").cached


def test_the_rollups_are_one_step_that_cannot_be_split(warehouse_db: WarehouseDb, resource: WarehouseResource) -> None:
    """One change log feeds every rollup: refreshing a subset would lose the others' changes."""
    with pytest.raises(Exception, match="Failed to resolve asset job") as raised:
        _materialize([rollup_key("teacher_workload")], resource)
    assert isinstance(raised.value.__cause__, dg.DagsterInvalidSubsetError)


def test_a_missing_rollup_is_created_and_the_refresh_is_then_full(
    warehouse_db: WarehouseDb, resource: WarehouseResource
) -> None:
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    with conn, conn.cursor() as cur:
        cur.execute("DROP TABLE analytics.subject_performance")
    conn.close()

    result = _materialize([rollup_key(n) for n in ROLLUPS], resource)

    metadata = _metadata(result, rollup_key("subject_performance"))
    assert metadata["created"] is True
    assert metadata["refresh_kind"] == "full"
    assert metadata["dagster/row_count"] == _count(warehouse_db, "analytics.subject_performance") > 0


def test_warehouse_statistics_sizes_and_counts_every_rollup_and_platform_table(
    warehouse_db: WarehouseDb, resource: WarehouseResource
) -> None:
    result = _materialize([STATISTICS_KEY], resource)

    metadata = _metadata(result, STATISTICS_KEY)
    relations = [f"analytics.{n}" for n in ROLLUPS] + [f"platform.{t}" for t in PLATFORM_TABLES]
    assert metadata["relation_count"] == len(relations)
    for relation in relations:
        assert metadata[f"{relation}.bytes"] > 0, relation
        assert relation in metadata["relations"]
    for table, count in warehouse_db.counts.items():
        assert metadata[f"platform.{table}.rows"] == count
    for name in ROLLUPS:
        assert metadata[f"analytics.{name}.rows"] == _count(warehouse_db, f"analytics.{name}")
    assert metadata["total_bytes"] == metadata["analytics_bytes"] + metadata["platform_bytes"]
    # Each table's figures are observations of its own asset too, so the source specs show their size.
    observed = {e.asset_key: e for e in result.asset_observations_for_node("warehouse__warehouse_statistics")}
    assert set(observed) == {platform_key(t) for t in PLATFORM_TABLES} | {rollup_key(n) for n in ROLLUPS}
    students = observed[platform_key("students")].metadata["dagster/row_count"].value
    assert students == warehouse_db.counts["students"]


def test_the_warm_up_asset_fills_the_cache_with_the_common_queries(
    warehouse_db: WarehouseDb, resource: WarehouseResource, redis_url: str, service_factory: Factory
) -> None:
    result = _materialize([CACHE_WARMUP_KEY], resource)

    metadata = _metadata(result, CACHE_WARMUP_KEY)
    assert metadata["cache"] == "warmed"
    assert metadata["query_count"] == len(COMMON_QUERIES)
    reader = service_factory(warehouse_db.reader_url, redis_url=redis_url)
    for name in COMMON_QUERIES:
        answer = reader.query(name)
        assert answer.cached, name
        assert len(answer.rows) == metadata[f"{name}.rows"]


@pytest.mark.parametrize("asset", [query_cache_invalidation, query_cache_warmup], ids=["invalidation", "warmup"])
def test_the_cache_assets_fail_when_redis_is_configured_but_down(
    warehouse_db: WarehouseDb, asset: dg.AssetsDefinition
) -> None:
    """A failure the retry policy can retry, rather than a refresh whose stale answers stay cached.

    The asset is invoked directly: in a run its retry policy (15 s, 45 s, ... apart) would retry for minutes
    before the same failure, and the executor's `retries: disabled` does not override an op's own policy."""
    assert asset.op.retry_policy is not None and asset.op.retry_policy.max_retries >= 2
    down = WarehouseResource(
        database_url=warehouse_db.admin_url,
        reader_url=warehouse_db.reader_url,
        replica_url="",
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
    )
    try:
        with pytest.raises(dg.Failure, match="Redis is configured but unreachable"):
            asset(dg.build_asset_context(), warehouse=down)
    finally:
        down.close()


def test_without_redis_the_cache_assets_still_succeed_and_say_so(
    warehouse_db: WarehouseDb,
) -> None:
    uncached = WarehouseResource(
        database_url=warehouse_db.admin_url, reader_url=warehouse_db.reader_url, replica_url="", redis_url=""
    )
    result = _materialize([CACHE_INVALIDATION_KEY, CACHE_WARMUP_KEY], uncached)
    uncached.close()
    assert _metadata(result, CACHE_INVALIDATION_KEY)["cache"] == "not configured"
    assert _metadata(result, CACHE_WARMUP_KEY)["cache"] == "not configured"


def test_the_refresh_job_of_the_code_location_creates_then_refreshes_from_the_environment(
    lct_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, pg_server, reader_password: str
) -> None:
    """The job as deployed: resources from the environment, on a freshly migrated database without rollups."""
    from sqlalchemy.engine import make_url

    from lct_pipelines.definitions import defs
    from lct_pipelines.jobs import WAREHOUSE_REFRESH_JOB
    from lct_pipelines.warehouse.roles import READER_ROLE

    database = make_url(lct_env["LCT_DATABASE_URL"]).database
    monkeypatch.setenv("LCT_READER_URL", pg_server.url(database, user=READER_ROLE, password=reader_password))
    job = defs.resolve_job_def(WAREHOUSE_REFRESH_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        first = job.execute_in_process(instance=instance)
        second = job.execute_in_process(instance=instance)
    assert first.success and second.success
    for name in ROLLUPS:
        assert _metadata(first, rollup_key(name))["created"] is True
        assert _metadata(second, rollup_key(name))["created"] is False
        assert _metadata(second, rollup_key(name))["dagster/row_count"] == 0  # no platform rows yet
    assert _metadata(second, CACHE_INVALIDATION_KEY)["cache"] == "invalidated"
