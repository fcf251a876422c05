"""Whether the replica may answer: reachable, a standby, and lagging less than the threshold.

Lag is measured on the replica. A replica that has replayed everything it
received is caught up (lag 0) however long ago the last transaction was (an
idle primary writes nothing); otherwise the lag is the age of the last
replayed transaction, unless a second look 50 ms later finds it has replayed
what it had received (WAL in flight, not lag) or what is left is the head of
a record the primary has not flushed whole (incomplete_record_tail: an idle
primary, not lag). The verdict is kept for
`ttl_seconds` so queries do not probe each time; a failed query marks the
replica down at once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import psycopg2
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


def incomplete_record_tail(receive_lsn: int, replay_lsn: int, wal_block_size: int) -> bool:
    """Whether the WAL received but not replayed is only the head of a record the primary has not flushed whole.

    An idle primary's WAL writer flushes whole pages only (until a commit needs more), so a record that
    crosses a page boundary arrives in part: receive ends exactly on a page boundary, less than a page
    after replay, and the standby cannot replay it until the rest comes. That is not lag: there is no
    transaction in it to wait for. Measured: a replica looked "lagging 700 s" on an idle primary after
    a bulk load (receive 0/35F52000, replay 0/35F51EB8) until the next commit.
    """
    return receive_lsn % wal_block_size == 0 and 0 <= receive_lsn - replay_lsn < wal_block_size


class ReplicaRouter:
    """The cached health verdict of one replica."""

    def __init__(
        self,
        pool: ReadPool,
        *,
        max_lag_seconds: float,
        ttl_seconds: float,
        logger: logging.Logger,
    ) -> None:
        self.pool = pool
        self.max_lag_seconds = max_lag_seconds
        self.ttl_seconds = ttl_seconds
        self._log = logger
        self._lock = threading.Lock()
        self._health: ReplicaHealth | None = None

    def health(self, *, force: bool = False) -> ReplicaHealth:
        with self._lock:
            current = self._health
            if not force and current is not None and time.monotonic() - current.checked_at < self.ttl_seconds:
                return current
            fresh = self._probe()
            if not fresh.usable:  # at most once per ttl_seconds: the verdict is cached
                self._log.warning("replica not used: %s; queries go to the primary", fresh.reason)
            elif current is not None and not current.usable:
                self._log.info("replica usable again (lag %.1f s)", fresh.lag_seconds or 0.0)
            self._health = fresh
            return fresh

    def mark_down(self, reason: str) -> None:
        """A query just failed on the replica: skip it until the next probe is due."""
        with self._lock:
            self._health = ReplicaHealth(False, f"down ({reason})", None, None, time.monotonic())
        self._log.warning("replica failed a query (%s); queries go to the primary", reason)

    def _probe(self) -> ReplicaHealth:
        now = time.monotonic()
        if not self.pool.reachable():
            timeout = self.pool.connect_timeout_seconds
            return ReplicaHealth(
                False, f"down (no answer on port {self.pool.port} within {timeout} s)", None, None, now
            )
        try:
            with self.pool.connection() as conn, conn.cursor() as cur:
                timeout_ms = str(max(1, int(self.pool.connect_timeout_seconds * 1000)))
                cur.execute(load_sql("warehouse/service/begin_read.sql"), {"timeout_ms": timeout_ms})
                cur.execute(load_sql("warehouse/service/replica_status.sql"))
                in_recovery, receive, replay, replay_age, block_size = cur.fetchone()
                keeping_up = receive is not None and receive == replay
                if in_recovery and not keeping_up and receive is not None:
                    time.sleep(IN_FLIGHT_SECONDS)
                    cur.execute(load_sql("warehouse/service/replay_lsn.sql"))
                    replay = cur.fetchone()[0]
                    keeping_up = (parse_lsn(replay) or 0) >= (parse_lsn(receive) or 0) or incomplete_record_tail(
                        parse_lsn(receive) or 0, parse_lsn(replay) or 0, block_size
                    )
        except CONNECTION_ERRORS as error:
            return ReplicaHealth(False, f"down ({str(error).strip().splitlines()[0]})", None, None, now)
        replay_lsn = parse_lsn(replay)
        if not in_recovery:
            return ReplicaHealth(False, "not in recovery (promoted, or not a standby)", None, replay_lsn, now)
        if keeping_up:
            lag = 0.0
        elif replay_age is None:
            return ReplicaHealth(False, "lagging (nothing replayed yet)", None, replay_lsn, now)
        else:
            lag = max(0.0, float(replay_age))
        if lag >= self.max_lag_seconds:
            return ReplicaHealth(
                False, f"lagging {lag:.1f} s (threshold {self.max_lag_seconds:g} s)", lag, replay_lsn, now
            )
        return ReplicaHealth(True, "ok", lag, replay_lsn, now)
