"""The project's own files (SQL, migrations, dagster.yaml, docs) wherever it runs, and how a file's content is named.

Paths are independent of the working directory; `LCT_PROJECT_ROOT` overrides the root (a wheel install).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def project_root() -> Path:
    """The repository root: the folder holding `sql/` and `dagster.yaml` (the package is installed editable)."""
    override = os.environ.get("LCT_PROJECT_ROOT")
    return Path(override) if override else Path(__file__).resolve().parents[1]


def sql_dir() -> Path:
    return project_root() / "sql"


def migrations_dir() -> Path:
    return sql_dir() / "migrations"


def dagster_yaml() -> Path:
    """The instance configuration `lct` copies into $DAGSTER_HOME (the local, embedded shape)."""
    return project_root() / "dagster.yaml"


def workspace_yaml() -> Path:
    return project_root() / "workspace.yaml"


def data_dictionary_dir() -> Path:
    """Where the data dictionary is written: `LCT_DATA_DICTIONARY_DIR`, else the project's docs/data-dictionaries."""
    override = os.environ.get("LCT_DATA_DICTIONARY_DIR")
    return Path(override) if override else project_root() / "docs" / "data-dictionaries"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes: the import reports, the landing sensor and the seed loads must agree on it."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
