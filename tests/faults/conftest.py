"""Fault-suite fixtures: a crafted school year landed for `lct`, and `lct ui` (webserver + daemon) when a test needs
the daemon. Small on purpose (a few districts): the faults are the point, not the scale."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.edit_to_views import start_ui
from tests.ccd_factory import unified_district, write_ccd_files
from tests.faults.processes import GIVE_UP_AFTER

YEAR = "2023-24"
DISTRICTS = [(f"55{n:05d}", "WI") for n in range(1, 5)] + [(f"27{n:05d}", "MN") for n in range(1, 4)]


def land_year(data_dir: str | Path, *, staff_scale: float = 1.0) -> Path:
    """The crafted year's three CCD files under the landing folder; `staff_scale` changes every FTE."""
    folder = Path(data_dir, "raw", "nces_ccd", YEAR)
    districts = [
        unified_district(
            leaid,
            f"{state} {leaid}",
            state,
            per_grade=90 + i * 7,
            elementary_teachers=40.0 * staff_scale,
            secondary_teachers=35.0 * staff_scale,
        )
        for i, (leaid, state) in enumerate(DISTRICTS)
    ]
    write_ccd_files(folder, districts)
    return folder


@pytest.fixture
def landed(dagster_env: dict[str, str]) -> dict[str, str]:
    """dagster_env with the crafted year landed."""
    land_year(dagster_env["LCT_DATA_DIR"])
    return dagster_env


def stop_ui(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture
def ui_factory(tmp_path: Path) -> Iterator:
    """Starts `lct ui` when the test is ready for it; stopped afterwards."""
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str]) -> str:
        process, url, _seconds = start_ui(env, tmp_path / "ui.log", timeout=GIVE_UP_AFTER)
        started.append(process)
        return url

    yield start
    for process in started:
        stop_ui(process)
