"""Generated secrets kept under `$LCT_HOME/secrets`, readable by the owner only."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path


def secrets_dir(home: Path) -> Path:
    path = home / "secrets"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def get_or_create_secret(home: Path, name: str) -> str:
    """Return the secret `name`, generating it (URL-safe, 32 bytes of entropy) on first use.

    Written whole to a private temporary file, then linked into place: two processes asking at once both
    get the one secret that won, and neither ever reads a half-written file.
    """
    folder = secrets_dir(home)
    path = folder / name
    if path.exists():
        return path.read_text().strip()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")  # 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process won: use its secret
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return path.read_text().strip()


def read_secret(home: Path, name: str) -> str | None:
    """The secret `name` if it was generated, else None (never creates one)."""
    path = home / "secrets" / name
    return path.read_text().strip() if path.exists() else None
