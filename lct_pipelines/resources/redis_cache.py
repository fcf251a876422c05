"""Redis, as a Dagster resource."""

from __future__ import annotations

import dagster as dg
import redis


class RedisResource(dg.ConfigurableResource):
    """The cache server (`LCT_REDIS_URL`); an empty URL means no cache."""

    url: str = ""
    socket_timeout_seconds: float = 0.5

    def client(self) -> redis.Redis | None:
        if not self.url:
            return None
        return redis.Redis.from_url(
            self.url,
            socket_timeout=self.socket_timeout_seconds,
            socket_connect_timeout=self.socket_timeout_seconds,
        )
