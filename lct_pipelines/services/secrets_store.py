"""Generated secrets kept under `$LCT_HOME/secrets`, readable by the owner only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def secrets_dir(home: Path) -> Path:
    path = home / "secrets"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def get_or_create_secret(home: Path, name: str) -> str:
    """Return the secret `name`, generating it (URL-safe, 32 bytes of entropy) on first use."""
    path = secrets_dir(home) / name
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def read_secret(home: Path, name: str) -> str | None:
    """The secret `name` if it was generated, else None (never creates one)."""
    path = home / "secrets" / name
    return path.read_text().strip() if path.exists() else None
