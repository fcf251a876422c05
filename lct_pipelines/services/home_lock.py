"""`$LCT_HOME` checked before use, and one `lct up` at a time in it.

Two `lct up` on a fresh LCT_HOME both saw no cluster and both ran initdb (and both picked ports and
secrets); an exclusive lock file makes the second wait for the first and then find everything up. The
lock is a flock on `$LCT_HOME/up.lock`: the kernel releases it when its holder exits, killed or not.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lct_pipelines.services.settings import SettingsError

LOCK_FILE = "up.lock"


def usable_home(home: Path) -> Path:
    """Create `home` if needed and prove we can write in it; SettingsError naming LCT_HOME otherwise."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".write-test-"):
            pass
    except OSError as err:
        raise SettingsError(
            f"LCT_HOME={home} cannot be used: {err.strerror or err}\n  point LCT_HOME at a folder you can write"
        ) from err
    return home


@contextmanager
def exclusive_home(home: Path, on_wait: Callable[[str], None] = print) -> Iterator[None]:
    """Hold `$LCT_HOME/up.lock` for the block; a second holder waits, saying so."""
    fd = os.open(usable_home(home) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(f"another `lct` is setting up {home}; waiting for it")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
