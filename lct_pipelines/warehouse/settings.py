"""The query service's knobs: `LCT_WAREHOUSE_*` variables, read when asked for (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# WarehouseSettings field -> the variable that sets it.
WAREHOUSE_ENV_VARS = {
    "statement_timeout_ms": "LCT_WAREHOUSE_STATEMENT_TIMEOUT_MS",
    "slow_query_ms": "LCT_WAREHOUSE_SLOW_QUERY_MS",
    "cache_ttl_seconds": "LCT_WAREHOUSE_CACHE_TTL_SECONDS",
    "max_replica_lag_seconds": "LCT_WAREHOUSE_MAX_REPLICA_LAG_SECONDS",
}


@dataclass(frozen=True)
class WarehouseSettings:
    """The warehouse service's knobs: `LCT_WAREHOUSE_*` variables, or the specification's defaults when unset."""

    statement_timeout_ms: int = 30_000
    slow_query_ms: int = 1_000
    cache_ttl_seconds: int = 3_600
    max_replica_lag_seconds: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WarehouseSettings:
        env = os.environ if environ is None else environ
        values: dict[str, int | float] = {}
        for name, variable in WAREHOUSE_ENV_VARS.items():
            raw = env.get(variable, "").strip()
            if not raw:
                continue
            kind = type(getattr(cls, name))
            try:
                values[name] = kind(raw)
            except ValueError:
                raise ValueError(f"{variable} must be a number ({kind.__name__}), got {raw!r}") from None
        return cls(**values)
