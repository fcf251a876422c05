"""The browser suite's fixtures: a headless Chromium driven by Playwright, and `lct ui` processes to drive it at.

Playwright's Python package drives the system Chromium (Debian package `chromium`): Playwright's own browser
downloads are not used. Where no Chromium is found every test here is skipped, with the one line that says how
to enable them (`make test` prints it too).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

from bench.edit_to_views import server_info_within
from lct_pipelines.services.ports import free_port

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Headless, and nothing that reaches out to the network (on a closed network those connections are refused).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENABLE_HINT = "no Chromium found: `apt-get install chromium` (or LCT_CHROMIUM=/path/to/chrome) runs the browser suite"
UI_START_LIMIT = 480.0  # a safety limit for a hung start (8 min: measured 86-140 s at load 10-20), not a figure
LCT = str(Path(sys.executable).with_name("lct"))
VIEWPORT = {"width": 1600, "height": 1000}


def chromium_path() -> str | None:
    configured = os.environ.get("LCT_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def require_chromium() -> str:
    """The Chromium to drive; skips the test (before any costly setup) where there is none."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(ENABLE_HINT)
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    return executable


@pytest.fixture(scope="package")  # Chromium and its driver stop once tests/ui/ is done
def browser() -> Iterator[Any]:
    executable = require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh page; whatever it shows last is saved as `screenshot.png` in the test's output folder.

    The UI asks a new instance's first visitor to join its community, in a dialog that opens a second after a
    page loads, over whatever dialog a test has open (its backdrop then swallows the clicks). The page starts as
    one that already dismissed it (the UI's own `communityNux` flag in localStorage); should it open anyway,
    it is skipped whenever it stands in the way of an action.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    context.add_init_script("window.localStorage.setItem('communityNux', JSON.stringify('1'))")
    tab = context.new_page()
    tab.add_locator_handler(
        tab.get_by_text("Join the Dagster community"), lambda _dialog: tab.get_by_role("button", name="Skip").click()
    )
    yield tab
    tab.screenshot(path=str(tmp_path / "screenshot.png"), full_page=True)
    context.close()


@dataclass
class RunningUi:
    process: subprocess.Popen  # what was started: `lct ui`, or the shell that started it
    pid: int  # `lct ui` itself
    url: str
    log: Path

    def stop(self, sig: int = signal.SIGTERM, wait: float = 60) -> None:
        if self.process.poll() is None:
            os.kill(self.pid, sig)
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _lct_pid(process: subprocess.Popen, through_shell: bool) -> int:
    if not through_shell:
        return process.pid
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = psutil.Process(process.pid).children()
        if children:
            return children[0].pid
        time.sleep(0.1)
    raise AssertionError("the shell did not start lct ui")


def start_lct_ui(env: dict[str, str], log: Path, *, job_control: bool = True) -> RunningUi:
    """`lct ui` on a free port, once it answers. Without job control it is started the way a script or a service
    starts it: in the background of a non-interactive shell, which leaves SIGINT ignored in it."""
    port = free_port()
    command = [LCT, "ui", "--port", str(port)]
    if not job_control:
        command = ["bash", "-c", '"$@" &\nwait', "bash", *command]
    process = subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    pid = _lct_pid(process, through_shell=not job_control)
    url = f"http://127.0.0.1:{port}"
    if server_info_within(process, url, UI_START_LIMIT) is not None:
        return RunningUi(process, pid, url, log)
    if process.poll() is not None:
        raise AssertionError(f"lct ui exited ({process.returncode}): {log.read_text()[-3000:]}")
    RunningUi(process, pid, url, log).stop(signal.SIGKILL)
    raise AssertionError(f"lct ui did not answer within {UI_START_LIMIT:.0f} s: {log.read_text()[-3000:]}")
