"""FairGate: places go to waiters in the order they asked, never to a thread that barges in again."""

from __future__ import annotations

import threading
import time

from lct_pipelines.warehouse.fair_gate import FairGate

GIVE_UP_AFTER = 30.0


def _until(condition) -> None:
    deadline = time.monotonic() + GIVE_UP_AFTER
    while not condition():
        assert time.monotonic() < deadline, "the gate's waiters never lined up"
        time.sleep(0.001)


def test_a_freed_place_goes_to_the_longest_waiting_thread_not_to_the_one_that_freed_it() -> None:
    gate = FairGate(1)
    assert gate.acquire(0)
    served: list[str] = []

    def waiter(name: str) -> None:
        assert gate.acquire(GIVE_UP_AFTER)
        served.append(name)
        gate.release()

    threads = []
    for queued, name in enumerate("abc", start=1):
        thread = threading.Thread(target=waiter, args=(name,))
        thread.start()
        threads.append(thread)
        _until(lambda n=queued: len(gate._waiters) == n)
    gate.release()
    assert not gate.acquire(0)  # the releasing thread asks again at once: it queues behind a, b and c
    for thread in threads:
        thread.join(GIVE_UP_AFTER)
    assert served == ["a", "b", "c"]
    assert gate.acquire(0)


def test_a_waiter_that_times_out_leaves_no_trace() -> None:
    gate = FairGate(2)
    assert gate.acquire(0) and gate.acquire(0)
    assert not gate.acquire(0.01)
    assert len(gate._waiters) == 0
    gate.release()
    assert gate.acquire(0)
