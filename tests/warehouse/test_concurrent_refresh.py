"""Refreshes (a full rebuild, then the changes of a day) while 20 readers query: every reader succeeds, none waits."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable

import psycopg2

from lct_pipelines.demo.platform_day import add_demo_day
from lct_pipelines.warehouse.params import QUERY_NAMES
from lct_pipelines.warehouse.pools import APPLICATION_NAME
from lct_pipelines.warehouse.service import WarehouseService
from tests.warehouse.conftest import WarehouseDb

Factory = Callable[..., WarehouseService]
READERS = 20

# The readers' sessions (the service's pools set application_name): lock requests on the rollups (schema
# analytics) not granted, sessions waiting on such a lock, and sessions running a query. What a refresh could
# block is a reader's lock on a rollup; a wait of another kind (e.g. the database-object lock a new connection
# takes) is not the refresh's and is reported apart, with what it was, by READER_OTHER_WAITS.
READER_LOCK_WAITS = """
WITH rollup_waits AS (
    SELECT l.pid FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
    JOIN pg_class c ON c.oid = l.relation
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT l.granted AND l.locktype = 'relation' AND n.nspname = 'analytics'
      AND a.datname = current_database() AND a.application_name = %(app)s
)
SELECT (SELECT count(*) FROM rollup_waits),
       (SELECT count(DISTINCT pid) FROM rollup_waits),
       (SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = %(app)s AND state = 'active')
"""

# Every ungranted lock of a reader, whatever its kind: what it was and who (if anyone) still blocks it.
READER_OTHER_WAITS = """
SELECT l.locktype, l.mode, l.relation::regclass::text, l.database, l.objid, left(a.query, 80),
       (SELECT string_agg(b.backend_type || ': ' || left(b.query, 80), '; ')
        FROM unnest(pg_blocking_pids(a.pid)) AS blocker(pid) JOIN pg_stat_activity b ON b.pid = blocker.pid)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database() AND a.application_name = %(app)s
"""


def _sample_until(
    stop: threading.Event, db: WarehouseDb, samples: list[tuple[int, int, int]], waits: list[tuple] | None = None
) -> None:
    conn = psycopg2.connect(db.admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        while not stop.is_set():
            cur.execute(READER_LOCK_WAITS, {"app": APPLICATION_NAME})
            samples.append(cur.fetchone())
            if waits is not None:
                cur.execute(READER_OTHER_WAITS, {"app": APPLICATION_NAME})
                waits.extend(cur.fetchall())
            time.sleep(0.005)
    conn.close()


def test_refreshes_never_block_readers(warehouse_db: WarehouseDb, service_factory: Factory) -> None:
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
    waits: list[tuple] = []
    sampler = threading.Thread(target=_sample_until, args=(sampling, warehouse_db, samples, waits))
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        refreshing.set()
        sampler.start()
        reports = [refresher.refresh_rollups(full=True)]
        add_demo_day(warehouse_db.admin_url, dt.datetime.now(dt.UTC), fraction=0.05)
        reports.append(refresher.refresh_rollups())
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
    assert [r["refresh"]["kind"] for r in reports] == ["full", "incremental"]
    assert len(samples) > 20
    if waits:
        print(f"readers' lock waits of other kinds (not the refresh's): {sorted(set(waits), key=str)[:20]}")
    assert max(s[0] for s in samples) == 0, f"a lock request on a rollup waited: {sorted(set(waits), key=str)[:20]}"
    assert max(s[1] for s in samples) == 0, "a session waited on a rollup's lock"
    assert max(s[2] for s in samples) > 1  # readers really were running meanwhile


def test_the_sampler_does_see_a_reader_blocked_by_a_conflicting_lock(
    warehouse_db: WarehouseDb, service_factory: Factory
) -> None:
    """The control for the test above: a lock that readers conflict with does make them wait, and is seen."""
    readers = service_factory(warehouse_db.reader_url)
    blocker = psycopg2.connect(warehouse_db.admin_dsn)
    with blocker.cursor() as cur:
        cur.execute("LOCK TABLE analytics.class_period_trends IN ACCESS EXCLUSIVE MODE")  # held until commit
    reader = threading.Thread(target=lambda: readers.query("class_trends"))
    reader.start()
    samples: list[tuple[int, int, int]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_until, args=(stop, warehouse_db, samples))
    sampler.start()
    # Until the blocked reader is seen (on a loaded machine its connection alone can take a while), at most 30 s.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(s[1] for s in list(samples)):
        time.sleep(0.05)
    stop.set()
    sampler.join()
    blocker.commit()
    blocker.close()
    reader.join(timeout=30)
    assert max(s[0] for s in samples) >= 1
    assert max(s[1] for s in samples) >= 1
