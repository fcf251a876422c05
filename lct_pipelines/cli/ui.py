"""`lct ui`: the Dagster webserver, daemon and code server (`dg dev`) under a supervisor that stops all of them.

`dg dev -w workspace.yaml` runs from $DAGSTER_HOME: `dagster dev` is superseded by it, and started from the
repository root it would warn that the root `dagster.yaml` "will not be used" (it is: `lct up` copies it into
$DAGSTER_HOME, where Dagster reads it). Given a workspace file, `dg dev` starts the same webserver, daemon and
code server without looking for a project in its working folder.

`dg dev` stops its children only on a KeyboardInterrupt: SIGTERM (what a service manager, a container runtime
or a script sends) kills it alone and leaves the webserver, daemon and code server running, and started without
job control it inherits an ignored SIGINT. So `lct ui` does not exec it: it runs it in a session of its own,
catches SIGINT, SIGTERM and SIGHUP itself, forwards a SIGINT to that session (the orderly shutdown a terminal's
Ctrl-C gives), and SIGKILLs whatever of it is still alive after `GRACE_SECONDS`. Every process of the tree is
remembered while it runs, so one that lost its parent (or left the process group) is still found.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

import psutil

from lct_pipelines.project import workspace_yaml

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 5.0  # the orderly shutdown's share of the 10 s `lct ui` promises (it takes 2-9 s on 2 loaded cores)
KILL_WAIT_SECONDS = 2.0
POLL_SECONDS = 0.5


def dg_dev_command(port: int, host: str = "127.0.0.1") -> list[str]:
    dg = str(Path(sys.executable).with_name("dg"))
    return [dg, "dev", "-w", str(workspace_yaml()), "--host", host, "--port", str(port)]


class ProcessTree:
    """The processes a child started, remembered as they appear (a pid alone could be reused; psutil checks)."""

    def __init__(self, root: subprocess.Popen) -> None:
        self.root = root
        self.known: dict[int, psutil.Process] = {}
        self.refresh()

    def refresh(self) -> None:
        try:
            top = psutil.Process(self.root.pid)
            for process in [top, *top.children(recursive=True)]:
                self.known.setdefault(process.pid, process)
        except psutil.NoSuchProcess:
            pass

    def alive(self) -> list[psutil.Process]:
        return [p for p in self.known.values() if _running(p)]

    def stop(self, grace: float = GRACE_SECONDS) -> list[str]:
        """SIGINT to the child's session, then SIGKILL to what is left after `grace` s; what was killed."""
        self.refresh()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.root.pid, signal.SIGINT)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and self.alive():
            self.root.poll()  # reap our child so it does not linger as a zombie
            self.refresh()
            time.sleep(0.1)
        left = self.alive()
        killed = [_describe(p) for p in left]
        for process in left:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(left, timeout=KILL_WAIT_SECONDS)
        self.root.poll()
        return killed


def _describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} " + " ".join(process.cmdline()[1:4])
    except psutil.Error:
        return str(process.pid)


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def serve(port: int, env: Mapping[str, str]) -> int:
    """Run `dg dev` until it exits or we are asked to stop; then stop everything it started. Its exit code."""
    stop = threading.Event()
    received: list[int] = []

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    # Handlers first: a caught signal is reset to the default in the child, an ignored one would stay ignored.
    previous = {sig: signal.signal(sig, _on_signal) for sig in STOP_SIGNALS}
    try:
        child = subprocess.Popen(
            dg_dev_command(port),
            cwd=env.get("DAGSTER_HOME") or None,
            env=dict(env),
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
        tree = ProcessTree(child)
        while not stop.wait(POLL_SECONDS) and child.poll() is None:
            tree.refresh()
        why = signal.Signals(received[0]).name if received else f"dg dev exited ({child.returncode})"
        print(f"ui: stopping ({why}) ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        killed = tree.stop()
        note = f"; killed after {GRACE_SECONDS:.0f} s: {', '.join(killed)}" if killed else ""
        print(f"ui: stopped in {time.monotonic() - started:.1f}s{note}", file=sys.stderr, flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        return 128 + received[0]
    return child.returncode or 0
