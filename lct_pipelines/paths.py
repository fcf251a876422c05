"""Where the project's own files live (SQL, migrations, dagster.yaml), independent of the working directory."""

from __future__ import annotations

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
    return project_root() / "dagster.yaml"
