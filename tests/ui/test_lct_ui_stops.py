"""`lct ui` started without job control (in the background of a non-interactive shell, as a script or a service
starts it: SIGINT ignored) stops everything it started within 10 s of SIGINT and of SIGTERM.

The 10 s is the promise to service managers (which SIGKILL after a timeout) that `lct ui` keeps by construction:
it SIGKILLs what is left of the tree after its 5 s grace, whatever the machine's load.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.dagster_ui import wait_until_loaded
from tests.ui.conftest import UI_START_LIMIT, start_lct_ui

STOP_LIMIT = 10.0
pytestmark = pytest.mark.timeout(900)  # a UI start may take minutes on loaded cores: only a hang guard


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _describe(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline()[:4])
    except psutil.Error:
        return str(process.pid)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_lct_ui_without_job_control_stops_everything_within_10_s(
    sig: int, dagster_env: dict[str, str], tmp_path: Path, page: Any
) -> None:
    ui = start_lct_ui(dict(os.environ), tmp_path / "ui.log", job_control=False)
    try:
        wait_until_loaded(ui.url, UI_START_LIMIT)
        page.goto(f"{ui.url}/automation")
        page.get_by_text("lct_enrichment_sensor").first.wait_for()
        page.screenshot(path=str(tmp_path / "before_the_signal.png"))
        tree = [psutil.Process(ui.pid), *psutil.Process(ui.pid).children(recursive=True)]
        names = " | ".join(_describe(p) for p in tree)
        assert any("dagster_webserver" in n for n in names.split(" | ")), names
        assert any("dagster._daemon" in n for n in names.split(" | ")), names
        assert any("code-server" in n or "api grpc" in n for n in names.split(" | ")), names
        sent = time.monotonic()
        os.kill(ui.pid, sig)
        while any(_running(p) for p in tree) and time.monotonic() - sent < STOP_LIMIT + 20:
            time.sleep(0.1)
        stopped_after = time.monotonic() - sent
        left = [_describe(p) for p in tree if _running(p)]
    finally:
        ui.stop(signal.SIGKILL, wait=10)
        for process in psutil.Process().children(recursive=True):  # nothing of this test may outlive it
            if "lct ui" in _describe(process) or "dagster" in _describe(process):
                process.kill()
    print(f"\n{signal.Signals(sig).name}: {len(tree)} processes stopped in {stopped_after:.1f} s")
    assert left == []
    assert stopped_after <= STOP_LIMIT
    log = (tmp_path / "ui.log").read_text()
    assert "ui: stopped" in log
    # Started without false warnings: no "dagster dev is superseded", no "dagster.yaml ... will not be used".
    assert "superseded" not in log and "will not be used" not in log, log
