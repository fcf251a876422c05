"""`lct up | down | status` on a real embedded PostgreSQL and Redis under a temporary LCT_HOME."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg2
import pytest
import redis
from sqlalchemy import create_engine, text

from lct_pipelines.services import stack
from lct_pipelines.services.pg_tuning import GB, MB, Machine, detect_machine, sized_settings
from lct_pipelines.services.ports import free_port
from lct_pipelines.services.settings import Settings, SettingsError
from lct_pipelines.services.warehouse import build_warehouse_service


@pytest.fixture
def home_settings(server_dir: Path) -> Settings:
    """An LCT_HOME outside pytest's tmp root: the embedded servers run as another user (see server_root)."""
    return Settings.from_env({"LCT_HOME": str(server_dir / "home"), "LCT_DATA_DIR": str(server_dir / "data")})


def test_up_is_idempotent_and_down_stops_everything(home_settings: Settings) -> None:
    messages: list[str] = []
    urls = stack.up(home_settings, progress=messages.append)
    try:
        assert any("started" in m for m in messages)
        again: list[str] = []
        assert stack.up(home_settings, progress=again.append) == urls
        assert any("already running" in m for m in again) and not any("started" in m for m in again)
        engine = create_engine(urls.database_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == "lct"
            assert conn.execute(text("SHOW listen_addresses")).scalar() == "127.0.0.1"
        engine.dispose()
        dagster_engine = create_engine(urls.dagster_database_url)
        with dagster_engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == "dagster"
        dagster_engine.dispose()
        assert redis.Redis.from_url(urls.redis_url).ping()
        assert {s.name: s.running for s in stack.status(home_settings)} == {
            "postgres": True,
            "settings": None,
            "redis": True,
        }
    finally:
        stack.down(home_settings, progress=lambda m: None)
    assert {s.name: s.running for s in stack.status(home_settings)} == {
        "postgres": False,
        "settings": None,
        "redis": False,
    }


def test_up_sizes_the_embedded_server_to_the_machine_and_status_shows_it(home_settings: Settings) -> None:
    messages: list[str] = []
    urls = stack.up(home_settings, progress=messages.append)
    try:
        expected = sized_settings(detect_machine())
        assert any("settings sized for this machine" in m for m in messages)
        engine = create_engine(urls.database_url)
        with engine.connect() as conn:
            for name in ("shared_buffers", "work_mem", "max_parallel_workers"):
                shown = conn.execute(text(f"SHOW {name}")).scalar()
                assert shown.replace(" ", "").upper() == _pg_units(expected[name]), name
        engine.dispose()
        [row] = [s for s in stack.status(home_settings) if s.name == "settings"]
        assert f"shared_buffers={expected['shared_buffers']}" in row.where
        assert detect_machine().describe() in row.where
        again: list[str] = []
        stack.up(home_settings, progress=again.append)
        assert not any("restarted" in m for m in again)  # unchanged settings: no restart
    finally:
        stack.down(home_settings, progress=lambda m: None)


def _pg_units(value: str) -> str:
    """'3072MB' as PostgreSQL shows it ('3GB'); counts unchanged."""
    if value.endswith("MB") and int(value[:-2]) % 1024 == 0:
        return f"{int(value[:-2]) // 1024}GB"
    return value.upper()


def test_external_servers_keep_their_settings(tmp_path: Path, database_url: str) -> None:
    settings = Settings.from_env({"LCT_HOME": str(tmp_path / "home"), "LCT_DATABASE_URL": database_url})
    [row] = [s for s in stack.status(settings) if s.name == "settings"]
    assert (row.kind, row.running) == ("external", None)
    assert "docs/warehouse.md" in row.where


def test_embedded_servers_require_their_generated_passwords(home_settings: Settings) -> None:
    urls = stack.up(home_settings, progress=lambda m: None)
    try:
        port = stack.StackState.load(home_settings.home).postgres_port
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
            psycopg2.connect(host="127.0.0.1", port=port, user="postgres", password="wrong", dbname="lct")
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="lct")
        redis_port = stack.StackState.load(home_settings.home).redis_port
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=redis_port).ping()
        secrets = home_settings.home / "secrets"
        assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
        for secret in secrets.iterdir():
            assert stat.S_IMODE(secret.stat().st_mode) == 0o600
            assert secret.read_text().strip() in urls.database_url + urls.redis_url
    finally:
        stack.down(home_settings, progress=lambda m: None)


def test_external_urls_start_nothing(tmp_path: Path, database_url: str) -> None:
    settings = Settings.from_env(
        {"LCT_HOME": str(tmp_path / "home"), "LCT_DATABASE_URL": database_url, "LCT_REDIS_URL": "redis://x:1/0"}
    )
    messages: list[str] = []
    urls = stack.up(settings, progress=messages.append)
    assert urls.database_url == database_url
    assert urls.dagster_database_url.endswith("/dagster")
    assert not (tmp_path / "home" / "postgres").exists() and not (tmp_path / "home" / "redis").exists()
    assert any("external" in m for m in messages)
    assert {s.kind for s in stack.status(settings)} == {"external"}


def test_resolve_urls_without_setup_explains_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="lct up"):
        stack.resolve_urls(Settings.from_env({"LCT_HOME": str(tmp_path / "empty")}))


def test_external_replicas_come_from_lct_replica_urls_and_the_single_lct_replica_url(
    tmp_path: Path, database_url: str
) -> None:
    """LCT_REPLICA_URLS lists several (blanks dropped), LCT_REPLICA_URL still counts, each once, in that order; the
    environment `lct env` writes and the warehouse service both carry every one; a URL that is not PostgreSQL is
    refused naming the variable."""
    ports = [free_port(), free_port()]  # nothing listens: the service judges them down and reads the primary
    first, second = (f"postgresql+psycopg2://lct_reader:pw@127.0.0.1:{port}/lct" for port in ports)
    env = {"LCT_HOME": str(tmp_path / "home"), "LCT_DATABASE_URL": database_url, "LCT_REDIS_URL": "redis://x:1/0"}
    settings = Settings.from_env({**env, "LCT_REPLICA_URLS": f" {first}, ,{second},", "LCT_REPLICA_URL": second})
    assert settings.read_replica_urls == (first, second)
    exported = stack.environment(settings)
    assert (exported["LCT_REPLICA_URLS"], exported["LCT_REPLICA_URL"]) == (f"{first},{second}", first)
    assert [row.name for row in stack.status(settings) if row.name.startswith("replica")] == ["replica", "replica2"]
    with build_warehouse_service(database_url, {**env, "LCT_REPLICA_URLS": f"{first},{second}"}) as service:
        report = service.health()
        assert [replica["name"] for replica in report["replicas"]] == [f"127.0.0.1:{port}" for port in ports]
        assert report["route"] == "primary"
    with pytest.raises(SettingsError, match="LCT_REPLICA_URLS must be a PostgreSQL URL"):
        Settings.from_env({**env, "LCT_REPLICA_URLS": f"{first},redis://x:1/0"})


def test_settings_follow_memory_and_cores_within_bounds() -> None:
    big = sized_settings(Machine(memory_bytes=24 * GB, cores=2))
    assert big["shared_buffers"] == "3072MB"
    assert big["effective_cache_size"] == "12288MB"
    assert big["work_mem"] == "96MB"
    assert big["maintenance_work_mem"] == "768MB"
    assert (big["max_parallel_workers"], big["max_parallel_workers_per_gather"]) == ("2", "1")
    small = sized_settings(Machine(memory_bytes=512 * MB, cores=1))
    assert small["shared_buffers"] == "128MB" and small["work_mem"] == "4MB"  # never under the defaults
    huge = sized_settings(Machine(memory_bytes=1024 * GB, cores=64))
    assert huge["shared_buffers"] == "8192MB" and huge["work_mem"] == "256MB"
    assert huge["max_parallel_workers_per_gather"] == "63" and huge["max_worker_processes"] == "68"
