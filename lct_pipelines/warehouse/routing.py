"""Whether the replica may answer: reachable, a standby, and lagging less than the threshold.

Lag is measured against the primary (`measure_lag`): a replica that has
replayed up to the primary's current WAL position is caught up (lag 0) however
long ago the last transaction was (an idle primary writes nothing). Otherwise
it is behind, and its lag is the time since it last replayed a transaction
while the primary moved on, unless a second look 50 ms later finds it has
caught up (WAL in flight, not lag) or what is left is the head of a record the
primary has not flushed whole (incomplete_record_tail: an idle primary, not
lag). Measuring on the replica alone (received vs replayed) missed a stalled
or disconnected WAL receiver: it receives nothing, so it has replayed all it
received, and it served 43 s old rows with a 30 s threshold. When the primary
cannot be asked, the replica's own view is the fallback.

The verdict is kept for `ttl_seconds` so queries do not probe each time; a
"usable" verdict at most until the lag it measured could have reached the
threshold, so data served on a cached verdict is never older than the
threshold. A failed query marks the replica down at once. A replica becoming
unusable is warned about once, when it happens, not at every probe while it
stays so (with several replicas, reads go to the others meanwhile).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
from psycopg2.extensions import cursor as PgCursor
from sqlalchemy.exc import DBAPIError

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.warehouse.lsn import parse_lsn
from lct_pipelines.warehouse.pools import ReadPool

CONNECTION_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, DBAPIError)
# WAL received but not yet replayed is "in flight" if replay passes it within this long.
IN_FLIGHT_SECONDS = 0.05


@dataclass(frozen=True)
class ReplicaHealth:
    usable: bool
    reason: str  # why not, or 'ok'
    lag_seconds: float | None
    replay_lsn: int | None
    checked_at: float
    valid_seconds: float = float("inf")  # how long the verdict may be reused (besides the router's TTL)


@dataclass(frozen=True)
class LagReading:
    """One look at a replica: is it a standby, how far it replayed, and how stale that is."""

    in_recovery: bool
    replay_lsn: int | None
    lag_seconds: float | None  # None: behind, and nothing replayed yet to date it
    against: str  # 'primary' (its current position) or 'replica' (what the replica received)


def incomplete_record_tail(receive_lsn: int, replay_lsn: int, wal_block_size: int) -> bool:
    """Whether the WAL received but not replayed is only the head of a record the primary has not flushed whole.

    An idle primary's WAL writer flushes whole pages only (until a commit needs more), so a record that
    crosses a page boundary arrives in part: receive ends exactly on a page boundary, less than a page
    after replay, and the standby cannot replay it until the rest comes. That is not lag: there is no
    transaction in it to wait for. Measured: a replica looked "lagging 700 s" on an idle primary after
    a bulk load (receive 0/35F52000, replay 0/35F51EB8) until the next commit. The primary's own
    position (pg_current_wal_lsn, the WAL written out) sits on the same page boundary then.
    """
    return receive_lsn % wal_block_size == 0 and 0 <= receive_lsn - replay_lsn < wal_block_size


def measure_lag(cur: PgCursor, primary_lsn: int | None) -> LagReading:
    """The lag of the replica `cur` is connected to, against `primary_lsn` (the primary's pg_current_wal_lsn,
    read just before) or, when that is unknown, against what the replica received. Reusable per replica."""
    cur.execute(load_sql("warehouse/service/replica_status.sql"))
    in_recovery, receive, replay, replay_age, block_size = cur.fetchone()
    target = primary_lsn if primary_lsn is not None else parse_lsn(receive)
    against = "primary" if primary_lsn is not None else "replica"
    replayed = parse_lsn(replay)

    def behind(position: int | None) -> bool:
        if target is None:
            return False  # a standby that never received anything and no primary to compare with
        done = position or 0
        return done < target and not incomplete_record_tail(target, done, block_size)

    if in_recovery and behind(replayed):
        time.sleep(IN_FLIGHT_SECONDS)
        cur.execute(load_sql("warehouse/service/replay_lsn.sql"))
        replayed = parse_lsn(cur.fetchone()[0])
    if not in_recovery or not behind(replayed):
        return LagReading(bool(in_recovery), replayed, 0.0, against)
    lag = None if replay_age is None else max(0.0, float(replay_age))
    return LagReading(True, replayed, lag, against)


def primary_position(pool: ReadPool) -> int | None:
    """The primary's current WAL position (what replica lag is measured against); None if it cannot be asked."""
    try:
        with pool.connection() as conn, conn.cursor() as cur:
            cur.execute(load_sql("warehouse/service/current_lsn.sql"))
            return parse_lsn(cur.fetchone()[0])
    except CONNECTION_ERRORS:
        return None


class ReplicaRouter:
    """The cached health verdict of one replica (`name`: its address, for the log)."""

    def __init__(
        self,
        pool: ReadPool,
        *,
        max_lag_seconds: float,
        ttl_seconds: float,
        logger: logging.Logger,
        primary_lsn: Callable[[], int | None] | None = None,
    ) -> None:
        self.pool = pool
        self.name = f"{pool.host}:{pool.port}"
        self.max_lag_seconds = max_lag_seconds
        self.ttl_seconds = ttl_seconds
        self._log = logger
        self._primary_lsn = primary_lsn or (lambda: None)
        self._lock = threading.Lock()
        self._health: ReplicaHealth | None = None

    def health(self, *, force: bool = False) -> ReplicaHealth:
        with self._lock:
            current = self._health
            if not force and current is not None:
                age = time.monotonic() - current.checked_at
                if age < min(self.ttl_seconds, current.valid_seconds):
                    return current
            fresh = self._probe()
            was_usable = current is None or current.usable
            if not fresh.usable and was_usable:
                self._log.warning("replica %s not used: %s; reads go elsewhere", self.name, fresh.reason)
            elif fresh.usable and not was_usable:
                self._log.info("replica %s usable again (lag %.1f s)", self.name, fresh.lag_seconds or 0.0)
            self._health = fresh
            return fresh

    def mark_down(self, reason: str) -> None:
        """A query just failed on the replica: skip it until the next probe is due."""
        with self._lock:
            was_usable = self._health is None or self._health.usable
            self._health = ReplicaHealth(False, f"down ({reason})", None, None, time.monotonic())
        if was_usable:
            self._log.warning("replica failed a query (%s: %s); reads go elsewhere", self.name, reason)

    def _probe(self) -> ReplicaHealth:
        now = time.monotonic()
        if not self.pool.reachable():
            timeout = self.pool.connect_timeout_seconds
            return ReplicaHealth(
                False, f"down (no answer on port {self.pool.port} within {timeout} s)", None, None, now
            )
        primary_lsn = self._primary_lsn()  # before the replica's position: the replica must reach at least this
        try:
            with self.pool.connection() as conn, conn.cursor() as cur:
                timeout_ms = str(max(1, int(self.pool.connect_timeout_seconds * 1000)))
                cur.execute(load_sql("warehouse/service/begin_read.sql"), {"timeout_ms": timeout_ms})
                reading = measure_lag(cur, primary_lsn)
        except CONNECTION_ERRORS as error:
            return ReplicaHealth(False, f"down ({str(error).strip().splitlines()[0]})", None, None, now)
        if not reading.in_recovery:
            return ReplicaHealth(False, "not in recovery (promoted, or not a standby)", None, reading.replay_lsn, now)
        if reading.lag_seconds is None:
            return ReplicaHealth(False, "lagging (nothing replayed yet)", None, reading.replay_lsn, now)
        lag = reading.lag_seconds
        if lag >= self.max_lag_seconds:
            return ReplicaHealth(
                False,
                f"lagging {lag:.1f} s behind the {reading.against} (threshold {self.max_lag_seconds:g} s)",
                lag,
                reading.replay_lsn,
                now,
            )
        # Reused no longer than the lag takes to grow to the threshold (if the replica stalled right now).
        return ReplicaHealth(True, "ok", lag, reading.replay_lsn, now, valid_seconds=self.max_lag_seconds - lag)
