"""The analytics warehouse as a Dagster resource: a WarehouseService built from config and the environment.

Fields left unset (None) are read from the environment when the service is
built, not when the code location loads: LCT_READER_URL, LCT_REPLICA_URL and
LCT_REDIS_URL (unset = none), and the LCT_WAREHOUSE_* knobs (unset = the
specification's defaults). An optional server that is not configured is then
simply absent, instead of a config error as an unset `dg.EnvVar` would be.
An empty string means "none" explicitly (e.g. redis_url="" disables the cache).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from psycopg2.extensions import connection as PgConnection
from pydantic import Field, PrivateAttr

from lct_pipelines.services.warehouse import LOGGER_NAME, build_warehouse_service
from lct_pipelines.warehouse.service import WarehouseService


class WarehouseResource(dg.ConfigurableResource):
    """The query service of the warehouse (replica routing, Redis cache) plus the owner's refresh and DDL."""

    database_url: str = Field(
        description="The primary as the owner of the rollups (LCT_DATABASE_URL): creates, refreshes, statistics."
    )
    reader_url: str | None = Field(
        default=None,
        description="The primary as the read-only role the queries run as (default LCT_READER_URL; "
        "none: the owner's URL, with a warning).",
    )
    replica_url: str | None = Field(
        default=None,
        description="Streaming replicas, comma-separated, as the read-only role (default: every one LCT_REPLICA_URLS "
        "and LCT_REPLICA_URL list; empty: none).",
    )
    redis_url: str | None = Field(
        default=None, description="Redis for the result cache (default LCT_REDIS_URL; empty: no cache)."
    )
    statement_timeout_ms: int | None = Field(
        default=None, description="Per-query statement timeout (default LCT_WAREHOUSE_STATEMENT_TIMEOUT_MS or 30000)."
    )
    slow_query_ms: int | None = Field(
        default=None, description="Warn above this many ms (default LCT_WAREHOUSE_SLOW_QUERY_MS or 1000)."
    )
    cache_ttl_seconds: int | None = Field(
        default=None, description="Cache entry lifetime (default LCT_WAREHOUSE_CACHE_TTL_SECONDS or 3600)."
    )
    max_replica_lag_seconds: float | None = Field(
        default=None,
        description="A replica lagging more is skipped (default LCT_WAREHOUSE_MAX_REPLICA_LAG_SECONDS or 30).",
    )
    catch_up_timeout_seconds: float = Field(
        default=30.0, description="After a refresh, how long to wait for the replica before invalidating the cache."
    )

    _service: WarehouseService | None = PrivateAttr(default=None)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.close()

    def get_service(self) -> WarehouseService:
        """The resource's WarehouseService (built on first use, shared by the steps of a run, closed after it)."""
        if self._service is None:
            self._service = self.build_service()
        return self._service

    def build_service(self) -> WarehouseService:
        """A new WarehouseService from the fields and, for those unset, the environment; the caller closes it."""
        return build_warehouse_service(
            self.database_url,
            reader_url=self.reader_url,
            replica_url=self.replica_url,
            redis_url=self.redis_url,
            statement_timeout_ms=self.statement_timeout_ms,
            slow_query_ms=self.slow_query_ms,
            cache_ttl_seconds=self.cache_ttl_seconds,
            max_replica_lag_seconds=self.max_replica_lag_seconds,
            logger=dg.get_dagster_logger(LOGGER_NAME),
            catch_up_timeout_seconds=self.catch_up_timeout_seconds,
        )

    @contextmanager
    def admin_connection(self) -> Iterator[PgConnection]:
        """A connection as the owner, closed afterwards (catalog reads, DDL)."""
        with self.get_service().admin_connection() as conn:
            yield conn

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None
