"""A concurrent rollup refresh while 20 readers query: every reader succeeds and none waits on a lock."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import psycopg2

from lct_pipelines.warehouse.params import QUERY_NAMES
from lct_pipelines.warehouse.pools import APPLICATION_NAME
from lct_pipelines.warehouse.service import WarehouseService
from tests.warehouse.conftest import WarehouseDb

Factory = Callable[..., WarehouseService]
READERS = 20

# The readers' sessions (the service's pools set application_name): ungranted lock requests, sessions
# waiting on a lock, and sessions running a query.
READER_LOCK_WAITS = """
SELECT (SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND a.datname = current_database() AND a.application_name = %(app)s),
       (SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %(app)s AND wait_event_type = 'Lock'),
       (SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %(app)s AND state = 'active')
"""

# Who a waiting reader waits for (kept for the failure message: which lock, on what, held by which backend).
READER_BLOCKERS = """
SELECT l.locktype, l.mode, l.relation::regclass::text, b.backend_type, left(b.query, 120)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
CROSS JOIN LATERAL unnest(pg_blocking_pids(a.pid)) AS blocker(pid)
JOIN pg_stat_activity b ON b.pid = blocker.pid
WHERE NOT l.granted AND a.datname = current_database() AND a.application_name = %(app)s
"""


def _sample_until(
    stop: threading.Event, db: WarehouseDb, samples: list[tuple[int, int, int]], blockers: list[tuple] | None = None
) -> None:
    conn = psycopg2.connect(db.admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        while not stop.is_set():
            cur.execute(READER_LOCK_WAITS, {"app": APPLICATION_NAME})
            samples.append(cur.fetchone())
            if blockers is not None and samples[-1][0]:
                cur.execute(READER_BLOCKERS, {"app": APPLICATION_NAME})
                blockers.extend(cur.fetchall())
            time.sleep(0.005)
    conn.close()


def test_refresh_concurrently_never_blocks_readers(warehouse_db: WarehouseDb, service_factory: Factory) -> None:
    readers = service_factory(warehouse_db.reader_url, pool_size=READERS)
    refresher = service_factory(warehouse_db.reader_url, admin_url=warehouse_db.admin_url)
    student = 1
    stop = threading.Event()
    errors: list[BaseException] = []
    answered = [0] * READERS
    during_refresh = [0] * READERS
    refreshing = threading.Event()

    def read(i: int) -> None:
        for name in itertools.cycle(QUERY_NAMES[i % len(QUERY_NAMES) :] + QUERY_NAMES[: i % len(QUERY_NAMES)]):
            if stop.is_set():
                return
            try:
                params = {"student_id": student} if name in ("student_progress", "subject_comparison") else {}
                readers.query(name, **params)
            except BaseException as error:  # every failure counts, whatever its kind
                errors.append(error)
                return
            answered[i] += 1
            if refreshing.is_set():
                during_refresh[i] += 1

    samples: list[tuple[int, int, int]] = []
    sampling = threading.Event()
    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    blockers: list[tuple] = []
    sampler = threading.Thread(target=_sample_until, args=(sampling, warehouse_db, samples, blockers))
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        refreshing.set()
        sampler.start()
        reports = [refresher.refresh_rollups(concurrently=True) for _ in range(2)]
        sampling.set()
        refreshing.clear()
        sampler.join(timeout=60)
    finally:
        stop.set()
        sampling.set()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert all(n > 0 for n in answered)
    assert sum(during_refresh) > READERS
    assert all(v.get("concurrently") or v["view"] == "student_class_bands" for r in reports for v in r["views"])
    assert len(samples) > 20
    assert max(s[0] for s in samples) == 0, f"a lock request waited: {blockers}"
    assert max(s[1] for s in samples) == 0, "a session waited on a lock"
    assert max(s[2] for s in samples) > 1  # readers really were running meanwhile


def test_the_sampler_does_see_a_reader_blocked_by_a_plain_refresh(
    warehouse_db: WarehouseDb, service_factory: Factory
) -> None:
    """The control for the test above: a refresh without CONCURRENTLY does make readers wait."""
    readers = service_factory(warehouse_db.reader_url)
    blocker = psycopg2.connect(warehouse_db.admin_dsn)
    with blocker.cursor() as cur:
        cur.execute("REFRESH MATERIALIZED VIEW analytics.class_period_trends")  # lock held until commit
    reader = threading.Thread(target=lambda: readers.query("class_trends"))
    reader.start()
    samples: list[tuple[int, int, int]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_until, args=(stop, warehouse_db, samples))
    sampler.start()
    time.sleep(0.3)
    stop.set()
    sampler.join()
    blocker.commit()
    blocker.close()
    reader.join(timeout=30)
    assert max(s[0] for s in samples) >= 1
    assert max(s[1] for s in samples) >= 1
