"""The UI's own API: a running dagster-webserver lists the asset keys and their dependencies."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lct_pipelines.paths import dagster_yaml, project_root
from lct_pipelines.services.embedded_postgres import EmbeddedPostgres
from lct_pipelines.services.ports import free_port
from tests.conftest import create_database
from tests.test_definitions import EXPECTED_EDGES

ASSET_QUERY = """
{ assetNodes { assetKey { path } dependencyKeys { path }
  assetChecksOrError { ... on AssetChecks { checks { name } } } } }
"""


@pytest.fixture
def webserver(tmp_path: Path, pg_server: EmbeddedPostgres, lct_env: dict[str, str]):
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copyfile(dagster_yaml(), dagster_home / "dagster.yaml")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home),
           "DAGSTER_PG_URL": pg_server.url(create_database(pg_server, template="postgres"))}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-webserver")), "-w", str(project_root() / "workspace.yaml"),
         "-h", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/server_info", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
        if process.poll() is not None:
            pytest.fail(f"webserver exited: {process.stderr.read().decode()[-2000:]}")
    else:
        pytest.fail("webserver did not answer within 90 s")
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_graphql_lists_assets_and_their_dependencies(webserver: str) -> None:
    nodes = graphql(webserver, ASSET_QUERY)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    edges = {("/".join(d["path"]), "/".join(n["assetKey"]["path"])) for n in nodes for d in n["dependencyKeys"]}
    assert {"nces/lea_directory", "nces/lea_enrollment", "nces/lea_staff"} <= keys
    assert edges >= EXPECTED_EDGES
