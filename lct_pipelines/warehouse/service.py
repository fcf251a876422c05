"""WarehouseService: the eight queries served from the cache, the replica or the primary.

A query is validated and bound (params), looked up in Redis together with the
fence (one round trip), then run on a replica that is healthy and has replayed
past the last refresh (replica_set: least lag first, then round robin), else on
the primary; the result is cached unless it was read below the fence. Redis or
a replica being down costs a logged warning, never an error. The service connects as the read-only role;
only `refresh_rollups` needs the owner's URL (`admin_url`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import psycopg2
import psycopg2.errors
from psycopg2.extensions import connection as PgConnection

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.warehouse.cache import ResultCache, cache_key
from lct_pipelines.warehouse.errors import QueryTimeoutError, WarehouseConfigError
from lct_pipelines.warehouse.incremental import RefreshReport
from lct_pipelines.warehouse.incremental import refresh as refresh_incrementally
from lct_pipelines.warehouse.json_native import read_json_native
from lct_pipelines.warehouse.lsn import format_lsn, parse_lsn
from lct_pipelines.warehouse.params import bind_params
from lct_pipelines.warehouse.pools import ReadPool
from lct_pipelines.warehouse.queries import COMMON_QUERIES, Variant, row_dicts, run_query
from lct_pipelines.warehouse.replica_set import ReplicaSet
from lct_pipelines.warehouse.routing import CONNECTION_ERRORS, ReplicaRouter, primary_position
from lct_pipelines.warehouse.service_methods import ReplacedServiceMethods
from lct_pipelines.warehouse.views import create_views, view_statistics

Source = Literal["cache", "replica", "primary"]
Target = Literal["replica", "primary"]


@dataclass(frozen=True)
class QueryResult:
    rows: list[dict[str, Any]]
    source: Source
    cached: bool
    elapsed_ms: float
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    replica: str | None = field(default=None, compare=False)  # host:port of the replica that answered


class WarehouseService(ReplacedServiceMethods):
    """Serves the analytics queries; one instance per process, safe to share between threads.

    `query(name, **params)` answers any of the eight; the replaced service's methods (`get_student_progress`,
    `get_top_performers`, ...) answer in its shapes (warehouse/service_methods.py).
    """

    def __init__(
        self,
        primary_url: str,
        replica_url: str | None = None,
        redis_url: str | None = None,
        statement_timeout_ms: int = 30_000,
        slow_query_ms: int = 1_000,
        cache_ttl_seconds: int = 3600,
        max_replica_lag_seconds: float = 30,
        replica_connect_timeout_seconds: float = 1,
        logger: logging.Logger | None = None,
        *,
        admin_url: str | None = None,
        replica_health_ttl_seconds: float = 2.0,
        catch_up_timeout_seconds: float = 30.0,
        pool_size: int = 10,
        replica_urls: Sequence[str] = (),
    ) -> None:
        self.statement_timeout_ms = statement_timeout_ms
        self.slow_query_ms = slow_query_ms
        self.catch_up_timeout_seconds = catch_up_timeout_seconds
        self._admin_url = admin_url
        self._log = logger or logging.getLogger("lct_pipelines.warehouse")
        self._primary = ReadPool(primary_url, size=pool_size)
        # `replica_url` (one) and `replica_urls` (several) together, each once, in the order given. Each one's
        # lag is measured against the primary's current WAL position (routing.measure_lag).
        urls = list(dict.fromkeys(url for url in (replica_url, *replica_urls) if url))
        self._replicas = ReplicaSet(
            [
                ReplicaRouter(
                    ReadPool(url, size=pool_size, connect_timeout_seconds=replica_connect_timeout_seconds),
                    max_lag_seconds=max_replica_lag_seconds,
                    ttl_seconds=replica_health_ttl_seconds,
                    logger=self._log,
                    primary_lsn=lambda: primary_position(self._primary),
                )
                for url in urls
            ]
        )
        self._cache = ResultCache(redis_url, ttl_seconds=cache_ttl_seconds, logger=self._log) if redis_url else None

    # queries -------------------------------------------------------------

    def query(self, name: str, **params: Any) -> QueryResult:
        """Answer query `name` (see params.QUERY_SPECS for its parameters) from the cache, replica or primary."""
        return self._answer(name, params, read_cache=True)

    def query_raw(self, name: str, **params: Any) -> QueryResult:
        """The same question answered from raw joins on the platform tables, never cached (benchmarks, audits)."""
        return self._answer(name, params, read_cache=False, variant="raw")

    def _answer(
        self, name: str, given: dict[str, Any], *, read_cache: bool, variant: Variant = "rollup"
    ) -> QueryResult:
        started = time.perf_counter()
        bound = bind_params(name, given)
        cache = self._cache if variant == "rollup" else None  # raw answers are for comparisons: never cached
        key = cache_key(name, bound)
        fence: int | None = None
        if cache is not None:
            hit, fence = cache.lookup(key)
            if read_cache and hit is not None:
                return QueryResult(hit, "cache", True, (time.perf_counter() - started) * 1000, bound)
        rows, read_lsn, source, replica = self._read(name, bound, variant, fence)
        if cache is not None:
            cache.store(key, rows, read_lsn)
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed > self.slow_query_ms:
            self._log.warning(
                "slow warehouse query %s: %.0f ms (over %d ms; source %s, params %s)",
                name,
                elapsed,
                self.slow_query_ms,
                source,
                bound,
            )
        return QueryResult(rows, source, False, elapsed, bound, replica)

    def _read(
        self, name: str, bound: dict[str, Any], variant: Variant, fence: int | None
    ) -> tuple[list[dict[str, Any]], int, Target, str | None]:
        """On the best usable replica (the next one if it fails or is behind the fence), else on the primary."""
        for replica in self._replicas.candidates():
            try:
                answer = self._run_on(replica.pool, name, bound, variant, fence)
            except CONNECTION_ERRORS as error:
                replica.mark_down(str(error).strip().splitlines()[0])
                continue
            if answer is not None:
                return answer[0], answer[1], "replica", replica.name
        answer = self._run_on(self._primary, name, bound, variant, None)
        assert answer is not None  # no fence on the primary: it is the newest data there is
        return answer[0], answer[1], "primary", None

    def _run_on(
        self, pool: ReadPool, name: str, bound: dict[str, Any], variant: Variant, fence: int | None
    ) -> tuple[list[dict[str, Any]], int] | None:
        """Rows and the WAL position they are at least as new as; None if the server is behind `fence`."""
        with pool.connection() as conn, conn.cursor() as cur:
            cur.execute(load_sql("warehouse/service/begin_read.sql"), {"timeout_ms": str(self.statement_timeout_ms)})
            read_lsn = parse_lsn(cur.fetchone()[1]) or 0
            if fence is not None and read_lsn < fence:
                self._log.warning(
                    "replica at %s is behind the last rollup refresh (%s); query %s goes to the primary",
                    format_lsn(read_lsn),
                    format_lsn(fence),
                    name,
                )
                return None
            read_json_native(cur)
            try:
                columns, rows = run_query(cur, name, bound, variant)
            except psycopg2.errors.QueryCanceled as error:
                raise QueryTimeoutError(
                    f"warehouse query {name!r} ({variant}) cancelled after the statement timeout of "
                    f"{self.statement_timeout_ms} ms"
                ) from error
        return row_dicts(columns, rows), read_lsn

    @contextmanager
    def read_connection(self, target: Target = "primary") -> Iterator[PgConnection]:
        """A pooled connection as the service's (read-only) role, e.g. for health checks or ad-hoc reads
        ("replica": the first one configured)."""
        if target == "primary":
            pool = self._primary
        elif len(self._replicas):
            pool = self._replicas.routers[0].pool
        else:
            raise WarehouseConfigError("no replica configured")
        with pool.connection() as conn:
            yield conn

    # cache ---------------------------------------------------------------

    def invalidate(self, prefix: str = "") -> int:
        """Delete cached answers whose key starts with `lct:wh:<prefix>` (a query name, or '' for all)."""
        if self._cache is None:
            return 0
        return self._cache.invalidate(prefix) or 0

    def cache_reachable(self) -> bool | None:
        """Whether Redis answers now; None when no cache is configured."""
        return None if self._cache is None else self._cache.ping()

    def warm_cache(self, queries: Iterable[str | tuple[str, dict[str, Any]]] | None = None) -> dict[str, Any]:
        """Run the common queries (default parameters) and store fresh answers; per-query row counts and times."""
        started = time.perf_counter()
        report: dict[str, Any] = {}
        for item in queries if queries is not None else COMMON_QUERIES:
            name, params = (item, {}) if isinstance(item, str) else item
            result = self._answer(name, dict(params), read_cache=False)
            report[name] = {"rows": len(result.rows), "source": result.source, "ms": round(result.elapsed_ms, 1)}
        report["seconds"] = round(time.perf_counter() - started, 3)
        return report

    # refresh -------------------------------------------------------------

    def refresh_rollups(self, full: bool = False, as_of: dt.datetime | None = None) -> dict[str, Any]:
        """Refresh the rollups, then invalidate the cache without letting a lagging replica refill it.

        `refresh_views` then `invalidate_after_refresh`. Incremental (the changes since the last refresh)
        unless `full` or a full rebuild is needed (see warehouse.incremental).
        """
        started = time.perf_counter()
        refreshed = self.refresh_views(full=full, as_of=as_of)
        report = {"refresh": refreshed.to_json(), **self.invalidate_after_refresh()}
        report["seconds"] = round(time.perf_counter() - started, 3)
        return report

    def refresh_views(self, full: bool = False, as_of: dt.datetime | None = None) -> RefreshReport:
        """Bring every rollup up to date as the owner, in one transaction (readers never blocked); commits.

        The cache is left alone: call `invalidate_after_refresh` once the refresh has committed. Raises on
        failure (nothing is changed then: the rollups and the change log stay as they were).
        """
        admin_dsn = self._admin_dsn()
        # The refresh commits synchronously (state/begin.sql): its WAL is written when its COMMIT returns, so
        # the primary's position read afterwards (the cache's fence) is past it.
        return refresh_incrementally(lambda: psycopg2.connect(admin_dsn), full=full, as_of=as_of)

    def invalidate_after_refresh(self) -> dict[str, Any]:
        """Fence the cache at the primary's WAL position now, wait for the replicas to replay past it, invalidate.

        Called after the refreshes committed, the primary's position X is past them: from now on no result
        read below X is cached, and a replica below X is not read. Then wait (catch_up_timeout_seconds at
        most) for every replica that serves reads to replay past X and invalidate. If one does not catch up in
        time the cache is invalidated all the same: the fence keeps the old rows out until it does. A replica
        that is down or lagging past the threshold serves nothing, so it is not waited for.
        """
        admin_dsn = self._admin_dsn()
        fence = self._primary_lsn(admin_dsn)
        fenced = self._cache.set_fence(fence) if self._cache is not None else None
        caught_up, behind = self._wait_for_replicas(fence)
        if caught_up is False:
            self._log.warning(
                "replica(s) %s did not replay past %s within %.0f s: cache fenced there (replica reads below it "
                "are neither served nor cached)",
                ", ".join(behind),
                format_lsn(fence),
                self.catch_up_timeout_seconds,
            )
        invalidated = self._cache.invalidate("") if self._cache is not None else 0
        return {
            "fence_lsn": format_lsn(fence),
            "cache_fenced": fenced,
            "replica_caught_up": caught_up,
            "replicas_behind": behind,
            "invalidated": invalidated,
        }

    # owner's operations (deploy, statistics) -------------------------------

    def _admin_dsn(self) -> str:
        if self._admin_url is None:
            raise WarehouseConfigError("this operation needs admin_url: the role that owns the rollups")
        return libpq_dsn(self._admin_url)

    @contextmanager
    def admin_connection(self) -> Iterator[PgConnection]:
        """A fresh connection as the owner of the rollups (admin_url), closed afterwards."""
        conn = psycopg2.connect(self._admin_dsn())
        try:
            yield conn
        finally:
            conn.close()

    def ensure_views(self) -> list[str]:
        """Create every missing rollup (idempotent: what exists is kept); the names of those created."""
        with self.admin_connection() as conn:
            return create_views(conn)

    def statistics(self) -> list[dict[str, Any]]:
        """Size and row count of every rollup and platform table (see views.view_statistics)."""
        with self.admin_connection() as conn:
            return view_statistics(conn)

    @staticmethod
    def _primary_lsn(admin_dsn: str) -> int:
        conn = psycopg2.connect(admin_dsn)
        try:
            with conn.cursor() as cur:
                cur.execute(load_sql("warehouse/service/current_lsn.sql"))
                lsn = parse_lsn(cur.fetchone()[0])
        finally:
            conn.close()
        assert lsn is not None
        return lsn

    def _wait_for_replicas(self, target: int, poll_seconds: float = 0.05) -> tuple[bool | None, list[str]]:
        """(True, []) once every replica serving reads replayed past `target`; (False, those behind) on timeout;
        (None, []) without replicas. One that stops answering meanwhile serves nothing and is not waited for."""
        if not len(self._replicas):
            return None, []
        waiting = self._replicas.serving()
        deadline = time.monotonic() + self.catch_up_timeout_seconds
        while waiting:
            still = []
            for replica in waiting:
                replayed = self._replay_lsn(replica)
                if replayed is None:
                    if replica.health(force=True).usable:
                        still.append(replica)
                elif replayed < target:
                    still.append(replica)
            waiting = still
            if waiting and time.monotonic() >= deadline:
                return False, [replica.name for replica in waiting]
            if waiting:
                time.sleep(poll_seconds)
        return True, []

    @staticmethod
    def _replay_lsn(replica: ReplicaRouter) -> int | None:
        try:
            with replica.pool.connection() as conn, conn.cursor() as cur:
                cur.execute(load_sql("warehouse/service/replay_lsn.sql"))
                return parse_lsn(cur.fetchone()[0])
        except CONNECTION_ERRORS:
            return None

    # health --------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """Fresh probes of the primary, the replicas and Redis, and where queries would go now.

        `replicas` lists every replica; `replica` is the first one's (None without any), as before several."""
        report: dict[str, Any] = {"primary": self._probe_primary()}
        report["replicas"] = [self._replica_report(replica) for replica in self._replicas]
        report["replica"] = report["replicas"][0] if report["replicas"] else None
        if self._cache is None:
            report["redis"] = None
        else:
            ok = self._cache.ping()
            fence = self._cache.fence() if ok else None
            report["redis"] = {"ok": ok, "fence_lsn": format_lsn(fence) if fence is not None else None}
        usable = any(replica["ok"] for replica in report["replicas"])
        report["route"] = "replica" if usable else "primary"
        report["ok"] = report["primary"]["ok"]
        return report

    @staticmethod
    def _replica_report(replica: ReplicaRouter) -> dict[str, Any]:
        health = replica.health(force=True)
        return {
            "name": replica.name,
            "ok": health.usable,
            "reason": health.reason,
            "lag_seconds": health.lag_seconds,
            "replay_lsn": format_lsn(health.replay_lsn) if health.replay_lsn is not None else None,
        }

    def _probe_primary(self) -> dict[str, Any]:
        try:
            with self._primary.connection() as conn, conn.cursor() as cur:
                cur.execute(load_sql("warehouse/service/begin_read.sql"), {"timeout_ms": "2000"})
                return {"ok": True, "lsn": cur.fetchone()[1]}
        except CONNECTION_ERRORS as error:
            return {"ok": False, "error": str(error).strip().splitlines()[0]}

    def close(self) -> None:
        """Release every pooled connection."""
        self._primary.dispose()
        self._replicas.dispose()
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> WarehouseService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
