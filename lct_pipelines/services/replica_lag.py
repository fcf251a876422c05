"""How far each read replica is behind the primary, as the warehouse's router judges it, for `lct status`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lct_pipelines.warehouse.pools import ReadPool
from lct_pipelines.warehouse.routing import ReplicaRouter, primary_position


def _quiet_logger() -> logging.Logger:
    """The router warns when a replica is unusable; `lct status` prints the verdict instead."""
    log = logging.getLogger("lct_pipelines.status.replica")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log


def replica_lags(primary_url: str | None, replica_urls: Sequence[str], max_lag_seconds: float) -> list[str]:
    """Per replica, 'lag 0.0 s' when the warehouse would read from it, else why not now.

    Lag is measured against the primary at `primary_url` (routing.measure_lag); without one (or when it does
    not answer) against what each replica received, as the router falls back to."""
    primary = ReadPool(primary_url, size=1, connect_timeout_seconds=1) if primary_url else None
    verdicts = []
    try:
        for url in replica_urls:
            pool = ReadPool(url, size=1, connect_timeout_seconds=1)
            try:
                router = ReplicaRouter(
                    pool,
                    max_lag_seconds=max_lag_seconds,
                    ttl_seconds=0,
                    logger=_quiet_logger(),
                    primary_lsn=(lambda: primary_position(primary)) if primary is not None else None,
                )
                health = router.health(force=True)
            finally:
                pool.dispose()
            verdicts.append(f"lag {health.lag_seconds or 0.0:.1f} s" if health.usable else f"not used: {health.reason}")
    finally:
        if primary is not None:
            primary.dispose()
    return verdicts
