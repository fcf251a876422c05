"""Pooled, thread-safe psycopg2 connections to one server (primary or replica), as the reader role.

SQLAlchemy's QueuePool does the pooling: it pings a connection before lending
it (so a restarted server costs one reconnect, not an error) and rolls back
whatever a borrower left open. A FairGate in front of it makes borrowers wait
their turn in order when every connection is in use (the pool alone let some
wait out its timeout while others went round again).
"""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg2.extensions import connection as PgConnection
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import QueuePool

from lct_pipelines.warehouse.fair_gate import FairGate

APPLICATION_NAME = "lct_warehouse"
# libpq rounds connect_timeout below 2 s up to 2 s; a TCP probe enforces shorter ones (see reachable()).
LIBPQ_MIN_CONNECT_TIMEOUT = 2
# How long a borrower waits for its turn when every connection is in use.
POOL_TIMEOUT_SECONDS = 30


class ReadPool:
    """Connections to one server; `connection()` lends one for the duration of a `with` block."""

    def __init__(
        self,
        url: str,
        *,
        size: int = 10,
        connect_timeout_seconds: float = 5,
        application_name: str = APPLICATION_NAME,
    ) -> None:
        parsed = make_url(url).set(drivername="postgresql+psycopg2")
        self.host = parsed.host or "127.0.0.1"
        self.port = parsed.port or 5432
        self.connect_timeout_seconds = connect_timeout_seconds
        self._size = size
        self._gate = FairGate(2 * size)  # the pool's size plus its overflow: the pool itself never waits
        self._engine: Engine = create_engine(
            parsed,
            poolclass=QueuePool,
            pool_size=size,
            max_overflow=size,
            pool_timeout=POOL_TIMEOUT_SECONDS,
            pool_pre_ping=True,
            connect_args={
                "application_name": application_name,
                "connect_timeout": max(LIBPQ_MIN_CONNECT_TIMEOUT, math.ceil(connect_timeout_seconds)),
            },
        )

    @contextmanager
    def connection(self) -> Iterator[PgConnection]:
        """A psycopg2 connection in a fresh transaction; rolled back and returned to the pool afterwards."""
        if not self._gate.acquire(POOL_TIMEOUT_SECONDS):
            raise PoolTimeoutError(
                f"no connection to {self.host}:{self.port} free within {POOL_TIMEOUT_SECONDS} s "
                f"(all {2 * self._size} in use)"
            )
        try:
            fairy = self._engine.raw_connection()
            try:
                yield fairy.driver_connection  # type: ignore[misc]
            finally:
                fairy.close()
        finally:
            self._gate.release()

    def reachable(self) -> bool:
        """Whether the server accepts a TCP connection within connect_timeout_seconds (cheap, no login)."""
        try:
            with socket.create_connection((self.host, self.port), timeout=self.connect_timeout_seconds):
                return True
        except OSError:
            return False

    def dispose(self) -> None:
        """Close every pooled connection (a server restart or the service's end)."""
        self._engine.dispose()
