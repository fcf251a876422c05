"""The one way to build a WarehouseService: explicit values first, then the environment, then the defaults.

The Dagster resource passes its configured fields, the CLI passes nothing but the resolved environment; both
get the same routing, cache and knobs. `None` means "read the environment"; an empty string means "none"
explicitly (e.g. `redis_url=""` turns the cache off).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from lct_pipelines.services.settings import Settings, split_urls
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.settings import WarehouseSettings

LOGGER_NAME = "lct_pipelines.warehouse"


def _given_or(value: str | None, fallback: str | None) -> str | None:
    chosen = value if value is not None else fallback
    return chosen or None


def build_warehouse_service(
    database_url: str,
    environ: Mapping[str, str] | None = None,
    *,
    reader_url: str | None = None,
    replica_url: str | None = None,
    redis_url: str | None = None,
    statement_timeout_ms: int | None = None,
    slow_query_ms: int | None = None,
    cache_ttl_seconds: int | None = None,
    max_replica_lag_seconds: float | None = None,
    logger: logging.Logger | None = None,
    **options: Any,
) -> WarehouseService:
    """A WarehouseService on the primary `database_url` (the owner: refreshes, DDL) and, for reads, the read-only
    role, the replica and Redis; the caller closes it. `options` go to WarehouseService as they are."""
    settings = Settings.from_env(environ)
    given = {
        "statement_timeout_ms": statement_timeout_ms,
        "slow_query_ms": slow_query_ms,
        "cache_ttl_seconds": cache_ttl_seconds,
        "max_replica_lag_seconds": max_replica_lag_seconds,
    }
    # Explicit values (the Dagster resource's fields) win over the environment; both are range-checked.
    knobs = replace(WarehouseSettings.from_env(environ), **{k: v for k, v in given.items() if v is not None})
    log = logger or logging.getLogger(LOGGER_NAME)
    reader = _given_or(reader_url, settings.reader_url)
    if reader is None:
        log.warning("no read-only role configured (LCT_READER_URL): warehouse queries run as the owner")
    return WarehouseService(
        reader or database_url,
        # Given (comma-separated, "" for none), replica_url replaces the environment's LCT_REPLICA_URLS and
        # LCT_REPLICA_URL; unset, every replica they list serves reads.
        replica_urls=settings.read_replica_urls if replica_url is None else split_urls(replica_url),
        redis_url=_given_or(redis_url, settings.redis_url),
        statement_timeout_ms=knobs.statement_timeout_ms,
        slow_query_ms=knobs.slow_query_ms,
        cache_ttl_seconds=knobs.cache_ttl_seconds,
        max_replica_lag_seconds=knobs.max_replica_lag_seconds,
        logger=log,
        admin_url=database_url,
        **options,
    )
