"""The analytics warehouse in Dagster: the platform's source tables, the rollups, statistics and the query cache.

The platform owns its tables (schema `platform`): they are `dg.AssetSpec`s so
lineage shows where the rollups come from. Each rollup (an incrementally
maintained table in `analytics`) is one asset; they share one step
(`warehouse_rollups`), which brings them all up to date in one transaction
from one change log (`warehouse.incremental`). The cache invalidation runs after the refresh, the warm-up
whenever its schedule says. Bodies stay thin: the work is in
`lct_pipelines.warehouse` (no Dagster).
"""

from typing import Any

import dagster as dg
from sqlalchemy import Table

from lct_pipelines.assets.constants import PLATFORM_OWNER, PLATFORM_SOURCES_GROUP, WAREHOUSE_GROUP
from lct_pipelines.assets.freshness import ROLLUP_FRESHNESS
from lct_pipelines.assets.metadata import Column, markdown_table, model_columns, table_schema
from lct_pipelines.db.models import Base
from lct_pipelines.db.platform_models import PLATFORM_SCHEMA
from lct_pipelines.resources.warehouse import WarehouseResource
from lct_pipelines.warehouse.views import (
    ANALYTICS_SCHEMA,
    ROLLUPS,
    SPEC_ROLLUPS,
    view_columns,
    view_header,
    view_inputs,
    view_statistics,
)

ROLLUPS_OP = "warehouse_rollups"
STATISTICS_KEY = dg.AssetKey(["warehouse", "warehouse_statistics"])
CACHE_INVALIDATION_KEY = dg.AssetKey(["warehouse", "query_cache_invalidation"])
CACHE_WARMUP_KEY = dg.AssetKey(["warehouse", "query_cache_warmup"])

# On the assets, so every launch path retries alike: the jobs, the asset page, a backfill, the Launchpad.
# A failed refresh is retried after 15 s, 45 s, then 105 s (Dagster: delay x (2^n - 1)); locks and restarts pass.
REFRESH_RETRY_POLICY = dg.RetryPolicy(max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL)
WARMUP_RETRY_POLICY = dg.RetryPolicy(max_retries=2, delay=15)


def platform_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([PLATFORM_SCHEMA, table])


def rollup_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([ANALYTICS_SCHEMA, name])


# --- the platform's source tables ------------------------------------------------------------------------------


def _platform_tables() -> dict[str, tuple[Table, str]]:
    """Each platform table (foreign-key order) with its model's docstring."""
    docs = {mapper.local_table: (mapper.class_.__doc__ or "") for mapper in Base.registry.mappers}
    return {
        table.name: (table, docs.get(table, ""))
        for table in Base.metadata.sorted_tables
        if table.schema == PLATFORM_SCHEMA
    }


def _source_spec(table: Table, doc: str) -> dg.AssetSpec:
    columns = table_schema(model_columns(table))
    summary = (table.comment or doc.strip().split("\n")[0]).strip()
    return dg.AssetSpec(
        platform_key(table.name),
        group_name=PLATFORM_SOURCES_GROUP,
        owners=[PLATFORM_OWNER],
        kinds={"postgres"},
        description=f"Table platform.{table.name}, owned and written by the school platform; the warehouse only "
        f"reads it (migration 0003 declares it; `lct warehouse demo-data` fills it with demo rows)."
        + (f" {summary}" if summary else ""),
        metadata={"dagster/table_name": f"{PLATFORM_SCHEMA}.{table.name}", "dagster/column_schema": columns},
    )


PLATFORM_TABLES = list(_platform_tables())
PLATFORM_SOURCE_SPECS = [_source_spec(table, doc) for table, doc in _platform_tables().values()]


# --- rollups ---------------------------------------------------------------------------------------------------


def _rollup_spec(name: str) -> dg.AssetSpec:
    reads = view_inputs(name)
    role = (
        "one of the four rollups of the specification"
        if name in SPEC_ROLLUPS
        else "a helper rollup (read by other rollups or by the queries)"
    )
    return dg.AssetSpec(
        rollup_key(name),
        deps=[platform_key(t) for t in reads["platform"]] + [rollup_key(r) for r in reads[ANALYTICS_SCHEMA]],
        group_name=WAREHOUSE_GROUP,
        kinds={"postgres"},
        description=f"Table analytics.{name}, {role}: created if missing, kept up to date incrementally "
        f"(sql/warehouse/rollups/{name}.sql).\n\n```\n{view_header(name)}\n```",
        metadata={"dagster/table_name": f"{ANALYTICS_SCHEMA}.{name}"},
        freshness_policy=ROLLUP_FRESHNESS,
    )


ROLLUP_KEYS = [rollup_key(name) for name in ROLLUPS]


class RollupRefreshConfig(dg.Config):
    """How the rollups are brought up to date (the weekly schedule and `lct warehouse refresh --full` say full)."""

    full: bool = False


@dg.multi_asset(
    name=ROLLUPS_OP,
    specs=[_rollup_spec(name) for name in ROLLUPS],
    can_subset=False,
    retry_policy=REFRESH_RETRY_POLICY,
    description="Create the missing rollups, then bring every one up to date in one transaction: the changes "
    "logged since the last refresh (incremental), or all rows (full: weekly, or when needed). Readers are never "
    "blocked. Not subsettable: one change log feeds them all.",
)
def warehouse_rollups(context: dg.AssetExecutionContext, config: RollupRefreshConfig, warehouse: WarehouseResource):
    service = warehouse.get_service()
    created = set(service.ensure_views())
    if created:
        context.log.info(f"created {len(created)} missing rollup(s): {', '.join(sorted(created))}")
    report = service.refresh_views(full=config.full)
    context.log.info(
        f"rollups refreshed ({report.kind}: {report.reason}) to {report.as_of.isoformat()} in {report.seconds:.2f}s, "
        f"{report.changes:,} logged change(s) applied"
    )
    with service.admin_connection() as conn:
        stats = {s["name"]: s for s in view_statistics(conn) if s["schema"] == ANALYTICS_SCHEMA}
        columns = view_columns(conn)
    for name in ROLLUPS:
        stat = stats[name]
        yield dg.MaterializeResult(
            asset_key=rollup_key(name),
            metadata={
                "dagster/row_count": stat["row_count"],
                "dagster/column_schema": table_schema(Column(n, kind) for n, kind in columns[name]),
                "size_bytes": stat["total_bytes"],
                "size": stat["total_size"],
                "created": name in created,
                "refresh_kind": report.kind,
                "refresh_reason": report.reason,
                "refresh_seconds": round(report.seconds, 3),
                "as_of": report.as_of.isoformat(),
                "changes_applied": report.changes,
            },
        )


# --- statistics ------------------------------------------------------------------------------------------------


@dg.asset(
    key=STATISTICS_KEY,
    deps=[*ROLLUP_KEYS, *(platform_key(t) for t in PLATFORM_TABLES)],
    group_name=WAREHOUSE_GROUP,
    kinds={"postgres"},
    description="Size (heap + indexes + TOAST) and row count of every rollup and platform table, from the "
    "catalogs (exact counts for the rollups, the planner's estimate for the platform tables once analysed). "
    "Each table's figures are also recorded as an observation of its own asset.",
)
def warehouse_statistics(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    stats = warehouse.get_service().statistics()
    metadata: dict[str, Any] = {}
    rows = []
    for stat in stats:
        relation = f"{stat['schema']}.{stat['name']}"
        count = stat["row_count"]
        rows.append(
            {
                "relation": relation,
                "kind": stat["kind"],
                "rows": "not populated" if count is None else f"{'' if stat['row_count_exact'] else '~'}{count:,}",
                "size": stat["total_size"],
                "bytes": stat["total_bytes"],
            }
        )
        metadata[f"{relation}.rows"] = count if count is not None else 0
        metadata[f"{relation}.bytes"] = stat["total_bytes"]
        key = rollup_key(stat["name"]) if stat["schema"] == ANALYTICS_SCHEMA else platform_key(stat["name"])
        observed: dict[str, Any] = {"size_bytes": stat["total_bytes"], "size": stat["total_size"]}
        if count is not None:
            observed["dagster/row_count"] = count
        context.log_event(dg.AssetObservation(asset_key=key, metadata=observed))
    by_schema = {
        schema: sum(s["total_bytes"] for s in stats if s["schema"] == schema)
        for schema in (ANALYTICS_SCHEMA, PLATFORM_SCHEMA)
    }
    return dg.MaterializeResult(
        metadata={
            "relations": dg.MetadataValue.md(markdown_table(rows)),
            "relation_count": len(stats),
            "total_bytes": sum(by_schema.values()),
            "analytics_bytes": by_schema[ANALYTICS_SCHEMA],
            "platform_bytes": by_schema[PLATFORM_SCHEMA],
            **metadata,
        }
    )


# --- the query cache -------------------------------------------------------------------------------------------


@dg.asset(
    key=CACHE_INVALIDATION_KEY,
    deps=ROLLUP_KEYS,
    group_name=WAREHOUSE_GROUP,
    kinds={"redis"},
    retry_policy=REFRESH_RETRY_POLICY,
    description="After a refresh: fence the Redis result cache at the primary's WAL position, wait for the replica "
    "to replay past it, then delete every cached answer (SCAN, by prefix). Fails (and is retried) when Redis "
    "is configured but unreachable, so stale answers never outlive a refresh silently.",
)
def query_cache_invalidation(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    report = warehouse.get_service().invalidate_after_refresh()
    if report["cache_fenced"] is False or report["invalidated"] is None:
        raise dg.Failure(
            description="Redis is configured but unreachable: the cache could not be fenced and invalidated",
            metadata={"fence_lsn": report["fence_lsn"]},
        )
    cache = "not configured" if report["cache_fenced"] is None else "invalidated"
    replica = {None: "no replica", True: "caught up", False: "timed out (cache fenced)"}[report["replica_caught_up"]]
    context.log.info(f"cache {cache}: {report['invalidated']} entries deleted; replica {replica}")
    return dg.MaterializeResult(
        metadata={
            "cache": cache,
            "invalidated_entries": report["invalidated"],
            "fence_lsn": report["fence_lsn"],
            "replica": replica,
        }
    )


@dg.asset(
    key=CACHE_WARMUP_KEY,
    deps=[CACHE_INVALIDATION_KEY],
    group_name=WAREHOUSE_GROUP,
    kinds={"redis"},
    retry_policy=WARMUP_RETRY_POLICY,
    description="Answer the common dashboard queries with their default parameters and store the answers in the "
    "Redis cache. Fails (and is retried) when Redis is configured but unreachable.",
)
def query_cache_warmup(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    service = warehouse.get_service()
    reachable = service.cache_reachable()
    if reachable is False:
        raise dg.Failure(description="Redis is configured but unreachable: nothing to warm")
    report = service.warm_cache()
    seconds = report.pop("seconds")
    if reachable is None:
        context.log.warning("no Redis configured (LCT_REDIS_URL): the queries ran, nothing was cached")
    rows = [{"query": name, **figures} for name, figures in report.items()]
    return dg.MaterializeResult(
        metadata={
            "cache": "not configured" if reachable is None else "warmed",
            "queries": dg.MetadataValue.md(markdown_table(rows)),
            "query_count": len(report),
            "seconds": seconds,
            **{f"{name}.rows": figures["rows"] for name, figures in report.items()},
        }
    )


WAREHOUSE_ASSETS = [warehouse_rollups, warehouse_statistics, query_cache_invalidation, query_cache_warmup]
