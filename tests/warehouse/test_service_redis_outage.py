"""Redis down: queries still answer (uncached) with a logged warning; Redis back: caching resumes by itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest

from lct_pipelines.services.embedded_redis import EmbeddedRedis
from lct_pipelines.warehouse.service import WarehouseService
from tests.warehouse.conftest import WarehouseDb

Factory = Callable[..., WarehouseService]


def test_redis_stopped_then_restarted(
    warehouse_db: WarehouseDb,
    own_redis: EmbeddedRedis,
    service_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = service_factory(warehouse_db.reader_url, redis_url=own_redis.url())
    first = service.query("top_performers")
    assert service.query("top_performers").cached

    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="lct_pipelines.warehouse"):
        down = [service.query("top_performers") for _ in range(3)]
    assert [(r.source, r.cached) for r in down] == [("primary", False)] * 3
    assert all(r.rows == first.rows for r in down)
    # Tried once, then skipped while backing off: one warning for the three queries, not one wait each.
    warnings = [r.message for r in caplog.records if r.levelno == logging.WARNING and "Redis" in r.message]
    assert len(warnings) == 1 and "answering without the cache" in warnings[0], warnings

    own_redis.start()
    time.sleep(service._cache.retry_after_seconds + 0.1)  # type: ignore[union-attr]
    refilled = service.query("top_performers")
    again = service.query("top_performers")
    assert (refilled.cached, again.cached) == (False, True)
    assert again.rows == first.rows
