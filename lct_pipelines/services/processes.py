"""Whether a server process still runs, from the pid its pidfile names."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """True while a process with this pid exists (also one of another user's, which signal 0 may not reach)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
