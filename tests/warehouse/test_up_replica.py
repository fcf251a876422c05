"""`lct up --replica` on a fresh LCT_HOME: a real streaming replica recorded in the stack state, and the rollups
created on deploy; `lct status`, `lct env`, `lct down` and a later `lct up` all know the replica."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from lct_pipelines.cli.main import main
from lct_pipelines.services import stack
from lct_pipelines.services.settings import Settings
from lct_pipelines.warehouse.roles import READER_ROLE
from lct_pipelines.warehouse.service import WarehouseService
from lct_pipelines.warehouse.views import ROLLUPS

# What `lct` reads or exports: each restored by monkeypatch after the test, since bring_up exports into os.environ.
VARIABLES = (
    "LCT_HOME",
    "LCT_DATA_DIR",
    "LCT_DATABASE_URL",
    "LCT_REDIS_URL",
    "LCT_REPLICA_URLS",
    "LCT_REPLICA_URL",
    "LCT_READER_URL",
    "DAGSTER_PG_URL",
    "DAGSTER_HOME",
    "LCT_PG_PORT",
    "LCT_REDIS_PORT",
    "LCT_REPLICA_PORT",
)


@pytest.fixture
def fresh_home(monkeypatch: pytest.MonkeyPatch, server_dir: Path) -> Iterator[Settings]:
    for name in VARIABLES:
        monkeypatch.setenv(name, "")  # recorded as unset: undone at teardown whatever `lct` exported
        monkeypatch.delenv(name)
    monkeypatch.setenv("LCT_HOME", str(server_dir / "home"))
    monkeypatch.setenv("LCT_DATA_DIR", str(server_dir / "data"))
    settings = Settings.from_env()
    yield settings
    stack.down(settings, progress=lambda m: None)


def _lct(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """`lct ARGS` in this process, as if run from a fresh shell: what `lct up` exported is forgotten after it."""
    try:
        assert main(list(args)) == 0, args
    finally:
        for name in VARIABLES[2:]:
            os.environ.pop(name, None)
    return capsys.readouterr().out


def _status(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    lines = _lct(capsys, "status").splitlines()
    return {line.split()[0]: line.split()[2] for line in lines if line.split()[0] in ("postgres", "replica", "redis")}


def test_up_replica_streams_and_is_known_to_status_env_down_and_the_next_up(
    fresh_home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _lct(capsys, "up", "--replica")
    assert "postgres replica: streaming, started" in out
    assert f"warehouse: created {len(ROLLUPS)} rollup(s)" in out
    state = stack.StackState.load(fresh_home.home)
    assert state.replica_port is not None and state.replica_port != state.postgres_port
    assert _status(capsys) == {"postgres": "running", "replica": "running", "redis": "running"}

    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in _lct(capsys, "env").splitlines() if line.strip()
    )
    exports = {key: shlex.split(value)[0] for key, value in exports.items()}
    replica_url, reader_url = make_url(exports["LCT_REPLICA_URL"]), make_url(exports["LCT_READER_URL"])
    assert (replica_url.username, replica_url.port, replica_url.database) == (READER_ROLE, state.replica_port, "lct")
    assert (reader_url.username, reader_url.port) == (READER_ROLE, state.postgres_port)

    # The rollups were created on the primary after the base backup: the replica has them by streaming.
    with WarehouseService(
        exports["LCT_READER_URL"], replica_url=exports["LCT_REPLICA_URL"], redis_url=exports["LCT_REDIS_URL"]
    ) as service:
        assert service.health()["route"] == "replica"
        answer = service.query("attendance_vs_grades")
        assert answer.source == "replica"
        assert len(answer.rows) == 10  # ten empty buckets: no platform rows yet

    again = _lct(capsys, "up")
    assert "postgres replica: already running" in again
    assert f"warehouse: all {len(ROLLUPS)} rollups present" in again

    assert "postgres replica: stopped" in _lct(capsys, "down")
    assert _status(capsys) == {"postgres": "stopped", "replica": "stopped", "redis": "stopped"}
    # Recorded in the stack state: a plain `lct up` starts the replica again, on the same port.
    assert f"postgres replica: started on 127.0.0.1:{state.replica_port}" in _lct(capsys, "up")
    assert stack.StackState.load(fresh_home.home).replica_port == state.replica_port

    # Several: `lct up --replicas 2` adds a second one beside the first; status shows each with its lag, env lists
    # both, the warehouse reads from both, down stops both.
    out = _lct(capsys, "up", "--replicas", "2")
    assert "postgres replica: already running" in out and "postgres replica 2: streaming, started" in out
    state = stack.StackState.load(fresh_home.home)
    assert len(state.replica_ports) == 2 and len(set(state.replica_ports) | {state.postgres_port}) == 3
    lines = {line.split()[0]: line for line in _lct(capsys, "status").splitlines() if line.strip()}
    for name, port in zip(("replica", "replica2"), state.replica_ports, strict=True):
        assert lines[name].split()[2] == "running" and f"127.0.0.1:{port}" in lines[name]
        assert "lag 0.0 s" in lines[name], lines[name]
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in _lct(capsys, "env").splitlines() if line.strip()
    )
    replica_urls = shlex.split(exports["LCT_REPLICA_URLS"])[0].split(",")
    assert [make_url(url).port for url in replica_urls] == state.replica_ports
    with WarehouseService(exports["LCT_READER_URL"], replica_urls=replica_urls) as service:
        served = {service.query("attendance_vs_grades", limit=n).replica for n in range(1, 5)}
    assert served == {f"127.0.0.1:{port}" for port in state.replica_ports}
    # Each streams as its own replication role, named after its slot, never as the superuser.
    primary = stack.embedded_postgres(fresh_home)
    conn = psycopg2.connect(primary.dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT usename FROM pg_stat_replication ORDER BY 1")
            assert [row[0] for row in cur.fetchall()] == [stack.replica_slot(1), stack.replica_slot(2)]
    finally:
        conn.close()
    down = _lct(capsys, "down")
    assert "postgres replica: stopped" in down and "postgres replica 2: stopped" in down
