"""`dg` (dagster-dg-cli) works in the repository, as docs/operations.md says: `dg check defs` and `dg list defs`
load the one code location that `[tool.dg]` in pyproject.toml names, on this project's instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lct_pipelines.project import project_root
from lct_pipelines.services.settings import Settings
from lct_pipelines.services.up import prepare_dagster_home

DG = str(Path(sys.executable).with_name("dg"))


def _dg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DG, *args], cwd=project_root(), env=dict(os.environ), capture_output=True, text=True, timeout=600
    )


def test_dg_check_defs_and_list_defs_load_the_code_location(dagster_env: dict[str, str]) -> None:
    settings = Settings.from_env()
    assert settings.dagster_home == Path(dagster_env["DAGSTER_HOME"])
    prepare_dagster_home(settings)  # what every `lct` command does first: the instance config in $DAGSTER_HOME

    checked = _dg("check", "defs")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    listed = _dg("list", "defs", "--json")
    assert listed.returncode == 0, listed.stderr
    definitions = json.loads(listed.stdout)
    assets = {asset["asset_key"] for asset in definitions["assets"]}
    assert {"lct/lct_calculations", "warehouse/query_cache_warmup", "docs/data_dictionary"} <= assets
    jobs = {job["name"] for job in definitions["jobs"]}
    assert {"lct_pipeline", "lct_incremental", "warehouse_refresh"} <= jobs
