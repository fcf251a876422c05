"""The Redis result cache: keys, TTL, prefix invalidation, and the fence that keeps stale rows out.

Key: `lct:wh:<query>:<sha256 of the canonical JSON of the bound parameters>`.

The fence (`lct:whctl:fence`) is the primary's WAL position right after the
last rollup refresh committed. A result is stored only if the data it was
read from is at least that new (a Lua script compares and stores atomically),
so a lagging replica can never put pre-refresh rows back into the cache.

Redis being down never fails a query: the failure is logged once, the cache
is skipped for `retry_after_seconds`, then tried again, so caching resumes
by itself when Redis is back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from lct_pipelines.warehouse.lsn import sortable_lsn

ENTRY_PREFIX = "lct:wh:"
FENCE_KEY = "lct:whctl:fence"
_DELETE_BATCH = 500

# KEYS[1] entry, KEYS[2] fence; ARGV[1] payload, ARGV[2] ttl seconds, ARGV[3] sortable LSN of the read.
_STORE_IF_FRESH = """
local fence = redis.call('GET', KEYS[2])
if fence and ARGV[3] < fence then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
"""


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot put {type(value).__name__} in a cache key")


def cache_key(name: str, params: Mapping[str, Any]) -> str:
    canonical = json.dumps(dict(params), sort_keys=True, separators=(",", ":"), default=_json_default)
    return f"{ENTRY_PREFIX}{name}:{hashlib.sha256(canonical.encode()).hexdigest()}"


def _encode(rows: list[dict[str, Any]]) -> str:
    """Column names once, then value lists: ~3x smaller than a list of dicts and faster to decode."""
    columns = list(rows[0]) if rows else []
    return json.dumps([columns, [list(row.values()) for row in rows]], separators=(",", ":"))


def _decode(payload: bytes) -> list[dict[str, Any]]:
    columns, values = json.loads(payload)
    return [dict(zip(columns, row, strict=True)) for row in values]


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


class ResultCache:
    """Query results in Redis; every method degrades to "no cache" when Redis is unreachable."""

    def __init__(
        self,
        url: str,
        *,
        ttl_seconds: int,
        logger: logging.Logger,
        socket_timeout_seconds: float = 0.3,
        retry_after_seconds: float = 1.0,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.retry_after_seconds = retry_after_seconds
        self._log = logger
        # One immediate retry on a dropped connection (a restarted Redis); none on a timeout (a hung one).
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=socket_timeout_seconds,
            socket_connect_timeout=socket_timeout_seconds,
            retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
        )
        self._store = self._client.register_script(_STORE_IF_FRESH)
        self._lock = threading.Lock()
        self._skip_until = 0.0

    # availability --------------------------------------------------------

    def available(self) -> bool:
        """False while backing off after a failure."""
        return time.monotonic() >= self._skip_until

    def _failed(self, action: str, error: Exception) -> None:
        with self._lock:
            self._skip_until = time.monotonic() + self.retry_after_seconds
        self._log.warning(
            "Redis unavailable (%s: %s); answering without the cache, retrying in %.1f s",
            action,
            error,
            self.retry_after_seconds,
        )

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError as error:
            self._failed("ping", error)
            return False

    # entries -------------------------------------------------------------

    def lookup(self, key: str) -> tuple[list[dict[str, Any]] | None, int | None]:
        """(cached rows or None, fence LSN or None) in one round trip; (None, None) when Redis is unavailable."""
        if not self.available():
            return None, None
        try:
            payload, fence = self._client.mget([key, FENCE_KEY])
        except redis.RedisError as error:
            self._failed("read", error)
            return None, None
        rows = _decode(payload) if payload is not None else None
        return rows, (int(fence, 16) if fence is not None else None)

    def store(self, key: str, rows: list[dict[str, Any]], read_lsn: int) -> bool:
        """Cache `rows` read at WAL position `read_lsn`, unless that is older than the fence. True if stored."""
        if not self.available():
            return False
        payload = _encode(rows)
        try:
            stored = self._store(keys=[key, FENCE_KEY], args=[payload, self.ttl_seconds, sortable_lsn(read_lsn)])
        except redis.RedisError as error:
            self._failed("write", error)
            return False
        return bool(stored)

    # fence and invalidation ----------------------------------------------

    def set_fence(self, lsn: int) -> bool:
        """From now on, results read below `lsn` are not cached. Lives as long as a cache entry can."""
        try:
            self._client.set(FENCE_KEY, sortable_lsn(lsn), ex=max(self.ttl_seconds, 1))
            return True
        except redis.RedisError as error:
            self._failed("fence", error)
            return False

    def fence(self) -> int | None:
        try:
            value = self._client.get(FENCE_KEY)
        except redis.RedisError as error:
            self._failed("fence", error)
            return None
        return int(value, 16) if value is not None else None

    def invalidate(self, prefix: str = "") -> int | None:
        """Delete the entries whose key starts with `lct:wh:<prefix>` (SCAN, batched DEL). None if Redis is down."""
        pattern = f"{ENTRY_PREFIX}{_glob_escape(prefix)}*"
        deleted = 0
        batch: list[bytes] = []
        try:
            for key in self._client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) >= _DELETE_BATCH:
                    deleted += self._client.delete(*batch)
                    batch.clear()
            if batch:
                deleted += self._client.delete(*batch)
        except redis.RedisError as error:
            self._failed("invalidate", error)
            return None
        return deleted

    def close(self) -> None:
        self._client.close()
