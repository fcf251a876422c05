"""Replica routing against a real streaming replica: equal answers, fallbacks, lag, and the stale-cache guard."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
import pytest
import redis

from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.warehouse.cache import FENCE_KEY, ResultCache
from lct_pipelines.warehouse.params import QUERY_NAMES
from lct_pipelines.warehouse.queries import answer
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.routing import incomplete_record_tail
from lct_pipelines.warehouse.service import WarehouseService
from tests.warehouse.conftest import (
    WarehouseDb,
    replay_paused,
    touch_primary,
    wait_for_replay,
    wait_received_not_replayed,
)

Factory = Callable[..., WarehouseService]


@dataclass(frozen=True)
class Replicated:
    db: WarehouseDb
    replica_url: str
    student: int


@pytest.fixture(scope="module")
def replicated(
    warehouse_db: WarehouseDb, pg_server: EmbeddedPostgres, replica_server: EmbeddedPostgres, reader_password: str
) -> Replicated:
    wait_for_replay(pg_server, replica_server)
    conn = psycopg2.connect(warehouse_db.admin_dsn)
    with conn.cursor() as cur:
        cur.execute("SELECT student_id FROM platform.submissions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
        student = cur.fetchone()[0]
    conn.close()
    replica_url = replica_server.url(warehouse_db.name, user=READER_ROLE, password=reader_password)
    return Replicated(warehouse_db, replica_url, student)


def _params(name: str, student: int) -> dict[str, int]:
    return {"student_id": student} if name in ("student_progress", "subject_comparison") else {}


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_answers_from_the_replica_equal_the_primarys(
    replicated: Replicated, service_factory: Factory, name: str
) -> None:
    on_replica = service_factory(replicated.db.reader_url, replica_url=replicated.replica_url)
    on_primary = service_factory(replicated.db.reader_url)
    from_replica = on_replica.query(name, **_params(name, replicated.student))
    from_primary = on_primary.query(name, **_params(name, replicated.student))
    assert (from_replica.source, from_primary.source) == ("replica", "primary")
    assert from_replica.rows == from_primary.rows
    assert from_replica.rows


def test_a_stopped_replica_falls_back_to_the_primary_is_skipped_after_one_failure_and_says_so(
    replicated: Replicated,
    replica_server: EmbeddedPostgres,
    pg_server: EmbeddedPostgres,
    service_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Skipped, not waited on: one failed query marks the replica down, the next ones go straight to the primary."""
    # A long health TTL: the verdict "usable" from before the stop is still cached, so the first query does try it.
    service = service_factory(
        replicated.db.reader_url, replica_url=replicated.replica_url, replica_health_ttl_seconds=600
    )
    expected = service.query("subject_comparison", student_id=replicated.student)
    assert expected.source == "replica"
    replica_server.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="lct_pipelines.warehouse"):
            result = service.query("subject_comparison", student_id=replicated.student)
            later = [service.query("class_trends"), service.query("top_performers")]
        assert [r.source for r in (result, *later)] == ["primary"] * 3
        assert result.rows == expected.rows
        replica_warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "replica" in r.message]
        assert len(replica_warnings) == 1, [r.message for r in replica_warnings]
        assert "replica failed a query" in replica_warnings[0].message
    finally:
        replica_server.start()
        wait_for_replay(pg_server, replica_server)


def test_a_replica_lagging_past_the_threshold_is_skipped(
    replicated: Replicated,
    replica_server: EmbeddedPostgres,
    pg_server: EmbeddedPostgres,
    service_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = service_factory(
        replicated.db.reader_url,
        replica_url=replicated.replica_url,
        max_replica_lag_seconds=0.5,
        replica_health_ttl_seconds=0,
    )
    assert service.query("attendance_vs_grades").source == "replica"  # caught up: lag 0
    try:
        with replay_paused(replica_server) as replica_conn:
            touch_primary(replicated.db)
            wait_received_not_replayed(replica_conn)
            time.sleep(0.6)  # the last replayed transaction is now older than the threshold
            with caplog.at_level(logging.WARNING, logger="lct_pipelines.warehouse"):
                result = service.query("attendance_vs_grades", limit=9)
            assert result.source == "primary"
            assert any("lagging" in r.message and "threshold 0.5 s" in r.message for r in caplog.records)
    finally:
        wait_for_replay(pg_server, replica_server)
    assert service.query("attendance_vs_grades", limit=8).source == "replica"


def test_a_threshold_of_zero_never_uses_the_replica(replicated: Replicated, service_factory: Factory) -> None:
    service = service_factory(replicated.db.reader_url, replica_url=replicated.replica_url, max_replica_lag_seconds=0)
    assert service.query("attendance_vs_grades").source == "primary"
    assert service.health()["replica"]["reason"] == "lagging 0.0 s behind the primary (threshold 0 s)"


def test_a_lagging_replica_cannot_put_pre_refresh_rollups_into_the_cache(
    replicated: Replicated,
    replica_server: EmbeddedPostgres,
    pg_server: EmbeddedPostgres,
    redis_url: str,
    service_factory: Factory,
) -> None:
    db, student = replicated.db, replicated.student
    service = service_factory(
        db.reader_url,
        replica_url=replicated.replica_url,
        redis_url=redis_url,
        admin_url=db.admin_url,
        catch_up_timeout_seconds=1,
    )
    old = service.query("subject_comparison", student_id=student)
    assert (old.source, service.query("subject_comparison", student_id=student).source) == ("replica", "cache")
    try:
        with replay_paused(replica_server):
            conn = psycopg2.connect(db.admin_dsn)
            with conn, conn.cursor() as cur:
                cur.execute(
                    "UPDATE platform.submissions SET grade = 100 WHERE student_id = %s AND grade IS NOT NULL",
                    (student,),
                )
            conn.close()
            report = service.refresh_rollups()
            assert report["replica_caught_up"] is False
            assert report["cache_fenced"] is True
            # The replica still serves the old rollup rows...
            on_replica = psycopg2.connect(replica_server.dsn(db.name))
            with on_replica.cursor() as cur:
                stale = answer(cur, "subject_comparison", student_id=student)
            on_replica.close()
            assert [float(r["avg_grade"]) for r in stale] == [r["avg_grade"] for r in old.rows]
            # ...but the service neither serves nor caches them: the fence sends the read to the primary.
            during = service.query("subject_comparison", student_id=student)
            assert during.source == "primary"
            assert [r["avg_grade"] for r in during.rows] == [100.0] * len(old.rows)
            cached = service.query("subject_comparison", student_id=student)
            assert (cached.source, cached.rows) == ("cache", during.rows)
            # A result read below the fence is refused by the cache itself.
            client = redis.Redis.from_url(redis_url)
            fence = int(client.get(FENCE_KEY), 16)
            client.close()
            cache = ResultCache(redis_url, ttl_seconds=60, logger=logging.getLogger("test"))
            assert cache.store("lct:wh:probe:below", old.rows, fence - 1) is False
            assert cache.store("lct:wh:probe:at", old.rows, fence) is True
            cache.close()
    finally:
        wait_for_replay(pg_server, replica_server)
    service.invalidate()
    after = service.query("subject_comparison", student_id=student)
    assert after.source == "replica"
    assert [r["avg_grade"] for r in after.rows] == [100.0] * len(old.rows)


def test_a_refresh_waits_for_the_replica_before_invalidating(
    replicated: Replicated, redis_url: str, service_factory: Factory
) -> None:
    service = service_factory(
        replicated.db.reader_url,
        replica_url=replicated.replica_url,
        redis_url=redis_url,
        admin_url=replicated.db.admin_url,
    )
    service.warm_cache(["attendance_vs_grades", "class_trends"])
    report = service.refresh_rollups()
    assert report["replica_caught_up"] is True
    assert report["invalidated"] == 2
    health = service.health()
    assert health["route"] == "replica"
    assert health["redis"]["fence_lsn"] == report["fence_lsn"]
    assert service.query("class_trends").source == "replica"


@pytest.mark.parametrize(
    ("receive", "replay", "tail"),
    [
        (0x35F52000, 0x35F51EB8, True),  # measured: receive on a page boundary, inside the last record
        (0x35F52000, 0x35F52000, True),  # replayed everything
        (0x35F52000, 0x35F4FFF8, False),  # more than a page behind: whole records wait
        (0x35F51F00, 0x35F51EB8, False),  # not a page boundary: the sender had whole records to send
    ],
)
def test_only_the_unflushed_head_of_a_record_counts_as_caught_up(receive: int, replay: int, tail: bool) -> None:
    assert incomplete_record_tail(receive, replay, 8192) is tail
