"""Several read replicas, for real: two embedded streaming replicas of the test primary.

Reads spread over both; a stopped one is skipped with one warning while the other serves; one stalled past the
lag threshold is skipped; with both gone the primary answers; after a refresh the cache is invalidated only
once both replicas have replayed it. Every replica stopped or paused here is started or resumed afterwards.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg2
import pytest
import redis

from lct_pipelines.db.urls import libpq_dsn
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.warehouse.cache import FENCE_KEY
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.service import WarehouseService
from tests.conftest import REPLICA_SLOT, wal_receiver_stopped
from tests.warehouse.conftest import WarehouseDb, replay_paused, streaming_replica, touch_primary, wait_for_replay

Factory = Callable[..., WarehouseService]
SECOND_SLOT = "lct_test_replica2"
LOGGER = "lct_pipelines.warehouse"
STALL_THRESHOLD_SECONDS = 2.0
GIVE_UP_AFTER = 300.0  # only stops a hung test; nothing here is timed


@dataclass(frozen=True)
class TwoReplicas:
    db: WarehouseDb
    servers: tuple[EmbeddedPostgres, EmbeddedPostgres]
    urls: tuple[str, str]
    names: tuple[str, str]  # host:port, as QueryResult.replica says


@pytest.fixture(scope="module")
def second_replica(pg_server: EmbeddedPostgres) -> Iterator[EmbeddedPostgres]:
    with streaming_replica(pg_server, SECOND_SLOT) as replica:
        yield replica


@pytest.fixture(scope="module")
def two(
    warehouse_db: WarehouseDb,
    pg_server: EmbeddedPostgres,
    replica_server: EmbeddedPostgres,
    second_replica: EmbeddedPostgres,
    reader_password: str,
) -> TwoReplicas:
    servers = (replica_server, second_replica)
    for server in servers:
        wait_for_replay(pg_server, server)
    urls = tuple(s.url(warehouse_db.name, user=READER_ROLE, password=reader_password) for s in servers)
    return TwoReplicas(warehouse_db, servers, urls, tuple(f"127.0.0.1:{s.port}" for s in servers))


@pytest.fixture
def restore(pg_server: EmbeddedPostgres, two: TwoReplicas) -> Iterator[None]:
    """Whatever a test stopped is started again and caught up afterwards."""
    yield
    for server in two.servers:
        if not server.is_running():
            server.start()
        wait_for_replay(pg_server, server)


def _replica_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "replica" in r.getMessage()]


def _health(service: WarehouseService) -> dict[str, dict]:
    """Fresh verdicts of every replica, by host:port."""
    return {replica["name"]: replica for replica in service.health()["replicas"]}


def test_each_replica_streams_as_its_own_role_and_enforces_the_readers_limits(
    two: TwoReplicas, pg_server: EmbeddedPostgres
) -> None:
    """Issue 12's least privilege holds for every replica: its own replication role (named after its slot), and
    lct_reader's role settings (migration 0005), which replication copies, in force on each."""
    conn = psycopg2.connect(pg_server.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT usename FROM pg_stat_replication WHERE state = 'streaming'")
            streaming_as = {row[0] for row in cur.fetchall()}
    finally:
        conn.close()
    assert {REPLICA_SLOT, SECOND_SLOT} <= streaming_as
    for url in two.urls:
        reader = psycopg2.connect(libpq_dsn(url))
        try:
            with reader.cursor() as cur:
                cur.execute("SELECT current_user, current_setting('statement_timeout'), pg_is_in_recovery()")
                assert cur.fetchone() == (READER_ROLE, "1min", True)
                cur.execute("SHOW idle_in_transaction_session_timeout")
                assert cur.fetchone() == ("1min",)
        finally:
            reader.close()


def test_reads_spread_over_both_replicas(two: TwoReplicas, service_factory: Factory) -> None:
    service = service_factory(two.db.reader_url, replica_urls=two.urls)
    answers = [service.query("class_trends", limit=n) for n in range(1, 7)]
    assert {a.source for a in answers} == {"replica"}
    served = [a.replica for a in answers]
    assert set(served) == set(two.names)
    assert all(served[i] != served[i + 1] for i in range(len(served) - 1))  # both caught up: round robin
    first, second = service.query("class_trends", limit=5), service.query("class_trends", limit=5)
    assert {first.replica, second.replica} == set(two.names)
    assert first.rows == second.rows


def test_a_stopped_replica_is_skipped_with_one_warning_and_the_other_serves(
    two: TwoReplicas, service_factory: Factory, caplog: pytest.LogCaptureFixture, restore: None
) -> None:
    service = service_factory(two.db.reader_url, replica_urls=two.urls, replica_health_ttl_seconds=0)
    assert {service.query("class_trends", limit=n).replica for n in (1, 2)} == set(two.names)
    two.servers[1].stop()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        answers = [service.query("class_trends", limit=n) for n in range(3, 9)]
    assert {(a.source, a.replica) for a in answers} == {("replica", two.names[0])}
    warnings = _replica_warnings(caplog)
    assert len(warnings) == 1, warnings
    assert two.names[1] in warnings[0]


def test_a_replica_whose_wal_receiver_stalled_past_the_threshold_is_skipped(
    two: TwoReplicas,
    pg_server: EmbeddedPostgres,
    service_factory: Factory,
    caplog: pytest.LogCaptureFixture,
    restore: None,
) -> None:
    """Replica 2's WAL receiver frozen (SIGSTOP, as tests/faults/test_replica_lag.py does): it receives nothing, so
    only its lag against the primary shows it behind. Once that passes the threshold it is skipped, with one
    warning, and replica 1 serves every read; continued, it serves again."""
    service = service_factory(
        two.db.reader_url,
        replica_urls=two.urls,
        max_replica_lag_seconds=STALL_THRESHOLD_SECONDS,
        replica_health_ttl_seconds=0,
    )
    assert {service.query("class_trends", limit=n).replica for n in (1, 2)} == set(two.names)
    touch_primary(two.db)  # a replayed transaction on both, so replica 2's lag has a start to be measured from
    for server in two.servers:
        wait_for_replay(pg_server, server)
    with wal_receiver_stopped(two.servers[1]), caplog.at_level(logging.WARNING, logger=LOGGER):
        touch_primary(two.db)  # a commit replica 2 never receives
        deadline = time.monotonic() + GIVE_UP_AFTER
        while _health(service)[two.names[1]]["ok"]:  # until its lag reaches the threshold
            assert time.monotonic() < deadline, "the stalled replica was never judged behind"
            time.sleep(0.1)
        answers = [service.query("class_trends", limit=n) for n in range(3, 9)]
        stalled = _health(service)[two.names[1]]
    assert {(a.source, a.replica) for a in answers} == {("replica", two.names[0])}
    assert stalled["ok"] is False and "behind the primary" in stalled["reason"], stalled
    assert stalled["lag_seconds"] >= STALL_THRESHOLD_SECONDS
    assert len([w for w in _replica_warnings(caplog) if two.names[1] in w]) == 1
    wait_for_replay(pg_server, two.servers[1])
    assert {service.query("class_trends", limit=n).replica for n in range(9, 13)} == set(two.names)


def test_with_both_replicas_gone_the_primary_answers(two: TwoReplicas, service_factory: Factory, restore: None) -> None:
    service = service_factory(two.db.reader_url, replica_urls=two.urls, replica_health_ttl_seconds=0)
    expected = service.query("attendance_vs_grades")
    assert expected.source == "replica"
    for server in two.servers:
        server.stop()
    answer = service.query("attendance_vs_grades")
    assert (answer.source, answer.replica) == ("primary", None)
    assert answer.rows == expected.rows
    assert service.health()["route"] == "primary"


def test_the_cache_is_invalidated_only_after_both_replicas_replayed_the_refresh(
    two: TwoReplicas, pg_server: EmbeddedPostgres, redis_url: str, service_factory: Factory, restore: None
) -> None:
    service = service_factory(
        two.db.reader_url,
        replica_urls=two.urls,
        redis_url=redis_url,
        admin_url=two.db.admin_url,
        catch_up_timeout_seconds=120,
        # The paused replica must still count as serving reads when the refresh ends, however long that takes here.
        max_replica_lag_seconds=600,
    )
    service.warm_cache(["class_trends"])
    client = redis.Redis.from_url(redis_url)
    cached = lambda: len(list(client.scan_iter(match="lct:wh:class_trends*")))  # noqa: E731
    assert cached() == 1
    outcome: dict[str, object] = {}
    touch_primary(two.db)  # a fresh last-replayed transaction on both: the paused one's lag starts from now
    for server in two.servers:
        wait_for_replay(pg_server, server)
    with replay_paused(two.servers[1]):
        refresh = threading.Thread(target=lambda: outcome.update(service.refresh_rollups()))
        refresh.start()
        deadline = time.monotonic() + 120
        while client.get(FENCE_KEY) is None:  # the rollups are refreshed; the fence is set, then the wait begins
            assert refresh.is_alive() and time.monotonic() < deadline, outcome
            time.sleep(0.05)
        wait_for_replay(pg_server, two.servers[0])  # replica 1 has replayed the refresh...
        time.sleep(1.0)  # ...and the service, polling every 50 ms, has seen it: it now waits for replica 2 alone
        assert refresh.is_alive() and cached() == 1, "invalidated before the paused replica replayed the refresh"
    refresh.join(timeout=120)  # replay resumed on leaving the block
    assert not refresh.is_alive()
    assert outcome["replica_caught_up"] is True and outcome["replicas_behind"] == []
    assert cached() == 0 and outcome["invalidated"] == 1
    client.close()
    wait_for_replay(pg_server, two.servers[1])
