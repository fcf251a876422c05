"""The UI's own API: a running dagster-webserver shows the assets, their lineage and failed checks."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.edit_to_views import server_info_within
from lct_pipelines.cli.main import main
from lct_pipelines.project import dagster_yaml
from lct_pipelines.services.ports import free_port
from tests.ccd_factory import unified_district, write_ccd_files
from tests.test_definitions import graph_snapshot

START_LIMIT = 480.0  # a hang guard: the webserver took over 120 s to answer on 2 cores at load 30
ASSET_QUERY = """
{ assetNodes { assetKey { path } dependencyKeys { path }
  assetChecksOrError { ... on AssetChecks { checks { name } } } } }
"""
CHECKS_QUERY = """
query ($key: AssetKeyInput!) {
  assetNodeOrError(assetKey: $key) {
    ... on AssetNode {
      assetChecksOrError { ... on AssetChecks { checks { name blocking
        executionForLatestMaterialization { status evaluation { success } } } } }
    }
  }
}
"""


def start_webserver(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """dagster-webserver on a free port over the instance DAGSTER_PG_URL points at."""
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir(exist_ok=True)
    shutil.copyfile(dagster_yaml(), dagster_home / "dagster.yaml")
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-m",
            "lct_pipelines.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    if server_info_within(process, url, START_LIMIT, interval=0.3) is not None:
        return process, url
    if process.poll() is not None:
        raise RuntimeError(f"webserver exited: {process.stderr.read().decode()[-2000:]}")
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    raise RuntimeError(f"webserver did not answer within {START_LIMIT:.0f} s")


@pytest.fixture
def webserver(tmp_path: Path, dagster_env: dict[str, str]) -> Iterator[str]:
    process, url = start_webserver(tmp_path)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_graphql_lists_every_asset_and_dependency_of_the_definitions(webserver: str) -> None:
    """What the webserver serves is the graph the code declares (and the reviewed snapshot holds)."""
    from lct_pipelines.definitions import defs

    declared = graph_snapshot(defs)["assets"]
    nodes = graphql(webserver, ASSET_QUERY)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    edges = {("/".join(d["path"]), "/".join(n["assetKey"]["path"])) for n in nodes for d in n["dependencyKeys"]}
    assert keys == set(declared)
    assert edges == {(dep, key) for key, asset in declared.items() for dep in asset["deps"]}


def test_the_ui_shows_a_failed_blocking_hierarchy_check(dagster_env: dict[str, str], webserver: str) -> None:
    districts = [
        unified_district(f"55{n:05d}", f"D{n}", elementary_teachers=5.0, secondary_teachers=60.0) for n in range(1, 5)
    ]
    write_ccd_files(Path(dagster_env["LCT_DATA_DIR"], "raw", "nces_ccd", "2023-24"), districts)
    assert main(["run"]) == 1
    node = graphql(webserver, CHECKS_QUERY, {"key": {"path": ["lct", "lct_calculations"]}})["assetNodeOrError"]
    checks = {c["name"]: c for c in node["assetChecksOrError"]["checks"]}
    failed = checks["hierarchy_teachers_secondary_lt_teachers_only"]
    assert failed["blocking"] is True
    assert failed["executionForLatestMaterialization"]["status"] == "FAILED"
    assert failed["executionForLatestMaterialization"]["evaluation"]["success"] is False
    assert checks["hierarchy_teachers_only_lt_teachers_core"]["executionForLatestMaterialization"]["status"] == (
        "SUCCEEDED"
    )
