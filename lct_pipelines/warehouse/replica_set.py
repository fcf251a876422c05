"""Several read replicas: which one answers the next read, and which ones a refresh must wait for.

Each replica keeps its own cached health verdict (routing.ReplicaRouter: reachable, a standby, within the lag
threshold; one warning when it becomes unusable). Reads go to the usable replicas, least lag first: lags are
compared in whole `LAG_STEP_SECONDS` steps, so replicas that are caught up, or nearly so, share the reads
round robin instead of the one a few milliseconds ahead taking them all. No usable replica: the primary answers.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator

from lct_pipelines.warehouse.routing import ReplicaHealth, ReplicaRouter

# Lags within the same whole second count as equal (measured lag jitters by tens of milliseconds).
LAG_STEP_SECONDS = 1.0


def lag_rank(health: ReplicaHealth) -> int:
    """Which lag step a usable replica is in (0: caught up or less than a step behind)."""
    return math.floor((health.lag_seconds or 0.0) / LAG_STEP_SECONDS)


class ReplicaSet:
    """The replicas that may serve warehouse reads, in the order the next read should try them."""

    def __init__(self, routers: list[ReplicaRouter]) -> None:
        self.routers = routers
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.routers)

    def __iter__(self) -> Iterator[ReplicaRouter]:
        return iter(self.routers)

    def candidates(self) -> list[ReplicaRouter]:
        """The usable replicas, best first: least lag step, then the next in turn among equals."""
        verdicts = [(router.health(), index, router) for index, router in enumerate(self.routers)]
        usable = [(lag_rank(health), index, router) for health, index, router in verdicts if health.usable]
        if not usable:
            return []
        with self._lock:
            turn = next(self._turn)
        count = len(self.routers)
        # Among replicas of the same lag step, start from this read's turn and go round.
        usable.sort(key=lambda item: (item[0], (item[1] - turn) % count))
        return [router for _, _, router in usable]

    def serving(self) -> list[ReplicaRouter]:
        """The replicas that serve reads now (fresh verdicts): those a refresh must see replayed."""
        return [router for router in self.routers if router.health(force=True).usable]

    def dispose(self) -> None:
        for router in self.routers:
            router.pool.dispose()
