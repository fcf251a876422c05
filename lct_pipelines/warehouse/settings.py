"""The query service's knobs: `LCT_WAREHOUSE_*` variables, read when asked for (never at import time).

Every knob is bounded: a negative or zero statement timeout would switch the server's timeout off, a zero
cache TTL would make Redis keep answers forever; both are refused with the variable's name.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

# WarehouseSettings field -> the variable that sets it.
WAREHOUSE_ENV_VARS = {
    "statement_timeout_ms": "LCT_WAREHOUSE_STATEMENT_TIMEOUT_MS",
    "slow_query_ms": "LCT_WAREHOUSE_SLOW_QUERY_MS",
    "cache_ttl_seconds": "LCT_WAREHOUSE_CACHE_TTL_SECONDS",
    "max_replica_lag_seconds": "LCT_WAREHOUSE_MAX_REPLICA_LAG_SECONDS",
}
# field -> (smallest, largest) accepted value.
KNOB_RANGES: dict[str, tuple[float, float]] = {
    "statement_timeout_ms": (1, 3_600_000),
    "slow_query_ms": (0, 3_600_000),
    "cache_ttl_seconds": (1, 30 * 86_400),
    "max_replica_lag_seconds": (0, 86_400),  # 0: never read from the replica
}


class WarehouseSettingsError(ValueError):
    """A knob is not a number or out of its range; the message names the variable."""


@dataclass(frozen=True)
class WarehouseSettings:
    """The warehouse service's knobs: `LCT_WAREHOUSE_*` variables, or the specification's defaults when unset."""

    statement_timeout_ms: int = 30_000
    slow_query_ms: int = 1_000
    cache_ttl_seconds: int = 3_600
    max_replica_lag_seconds: float = 30.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            low, high = KNOB_RANGES[item.name]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise WarehouseSettingsError(f"{_label(item.name)} must be a number, got {value!r}")
            if not low <= value <= high:
                raise WarehouseSettingsError(f"{_label(item.name)} must be between {low} and {high}, got {value}")

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
                raise WarehouseSettingsError(f"{variable} must be a number ({kind.__name__}), got {raw!r}") from None
        return cls(**values)


def _label(name: str) -> str:
    return f"{WAREHOUSE_ENV_VARS[name]} ({name})"
