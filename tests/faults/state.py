"""What "nothing was lost" means in the fault tests: every data table of the year and every export, before and after.

A table is its row count and an MD5 over its rows in a stable order, without the columns a clean rerun
legitimately changes (the run that wrote a row, its timestamps); an export is the SHA-256 of each file. A
fault test takes the state before the fault, provokes it, and asserts the state after is equal (or, after a
clean rerun of the same files, still equal).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql as pgsql

from lct_pipelines.db.urls import libpq_dsn

DATA_TABLES = (
    "nces.lea_directory",
    "nces.lea_enrollment",
    "nces.lea_staff",
    "lct.lct_calculations",
    "lct.district_fingerprints",
    "lct.state_requirements",
    "lct.bell_schedules",
    "lct.blocked_districts",
)
# Written anew by every run that writes the row: not data.
VOLATILE_COLUMNS = ["run_id", "id", "created_at", "updated_at", "calculated_at"]


@dataclass(frozen=True)
class DataState:
    tables: dict[str, tuple[int, str]]  # table -> (rows, md5 of the rows)
    exports: dict[str, str]  # path under the exports folder -> sha256

    @property
    def rows(self) -> int:
        return sum(count for count, _ in self.tables.values())


def table_states(database_url: str) -> dict[str, tuple[int, str]]:
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn.cursor() as cur:
            found = {}
            for table in DATA_TABLES:
                schema, name = table.split(".")
                row = pgsql.SQL("to_jsonb(t) - %(volatile)s::text[]")
                cur.execute(
                    pgsql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(({row})::text, E'\\n' ORDER BY ({row})::text), ''))"
                        " FROM {table} t"
                    ).format(row=row, table=pgsql.Identifier(schema, name)),
                    {"volatile": VOLATILE_COLUMNS},
                )
                count, digest = cur.fetchone()
                found[table] = (int(count), digest)
            return found
    finally:
        conn.close()


def platform_counts(database_url: str) -> dict[str, int]:
    """Rows of every platform source table (the warehouse's inputs)."""
    conn = psycopg2.connect(libpq_dsn(database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'platform' ORDER BY 1")
            names = [row[0] for row in cur.fetchall()]
            counts = {}
            for name in names:
                cur.execute(pgsql.SQL("SELECT count(*) FROM {}").format(pgsql.Identifier("platform", name)))
                counts[name] = int(cur.fetchone()[0])
            return counts
    finally:
        conn.close()


def export_states(data_dir: Path) -> dict[str, str]:
    root = Path(data_dir) / "exports"
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def data_state(database_url: str, data_dir: Path | str) -> DataState:
    return DataState(table_states(database_url), export_states(Path(data_dir)))


def debris(data_dir: Path | str) -> list[Path]:
    """Hidden staging folders or old copies left beside an export's years."""
    root = Path(data_dir) / "exports"
    return sorted(p for p in root.rglob(".*")) if root.exists() else []
