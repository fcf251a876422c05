"""The database data dictionary as Markdown: tables from the SQLAlchemy models, derived relations from the catalogs.

Tables come from the models (the migrations are tested against them), so
their comments, constraints and relationships are the declared ones; the
derived relations (materialized views, and the warehouse's rollup tables in
schema `analytics`) exist only as SQL, so their columns, indexes and (for a
view) sources are read from PostgreSQL, and their description from the
comment at the top of their `sql/` file (`views/<name>.sql`, `rollups/<name>.sql`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from psycopg2.extensions import cursor as PgCursor
from sqlalchemy import CheckConstraint, ForeignKeyConstraint, MetaData, Table, UniqueConstraint
from sqlalchemy.dialects import postgresql

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.models import Base
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import transaction
from lct_pipelines.project import sql_dir

POSTGRES = postgresql.dialect()


MATVIEW = "m"
ROLLUP_TABLE = "r"
_KIND_NAMES = {MATVIEW: "materialized view", ROLLUP_TABLE: "rollup table"}


@dataclass
class ViewDoc:
    schema: str
    name: str
    kind: str = MATVIEW
    description: str = ""
    columns: list[tuple[str, str]] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _sql_file_description(name: str, kind: str) -> str:
    """The leading `--` comment of sql/**/views/<name>.sql (rollups/<name>.sql for a rollup table), if any."""
    folder = "rollups" if kind == ROLLUP_TABLE else "views"
    for path in sorted(sql_dir().glob(f"**/{folder}/{name}.sql")):
        lines = []
        for line in path.read_text().splitlines():
            if not line.startswith("--"):
                break
            lines.append(line.removeprefix("--").strip())
        return " ".join(lines)
    return ""


def read_views(cur: PgCursor) -> list[ViewDoc]:
    views: dict[tuple[str, str], ViewDoc] = {}
    cur.execute(load_sql("docs/derived_columns.sql"))
    for schema, name, kind, column, type_, comment in cur.fetchall():
        view = views.get((schema, name))
        if view is None:
            view = views[(schema, name)] = ViewDoc(schema, name, kind, comment or _sql_file_description(name, kind))
        view.columns.append((column, type_))
    cur.execute(load_sql("docs/derived_indexes.sql"))
    for schema, name, indexdef in cur.fetchall():
        if (schema, name) in views:
            views[(schema, name)].indexes.append(indexdef)
    cur.execute(load_sql("docs/matview_sources.sql"))
    for schema, name, source in cur.fetchall():
        if (schema, name) in views:
            views[(schema, name)].sources.append(source)
    return [views[key] for key in sorted(views)]


def _constraints(table: Table) -> list[str]:
    found = []
    if table.primary_key.columns:
        found.append(f"PRIMARY KEY ({', '.join(c.name for c in table.primary_key.columns)})")
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(constraint, UniqueConstraint):
            found.append(f"UNIQUE ({', '.join(c.name for c in constraint.columns)})")
        elif isinstance(constraint, CheckConstraint):
            found.append(f"CHECK {constraint.name}: `{constraint.sqltext}`")
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        kind = "UNIQUE INDEX" if index.unique else "INDEX"
        found.append(f"{kind} {index.name} ({', '.join(c.name for c in index.columns)})")
    return found


def _relationships(table: Table) -> list[str]:
    found = []
    for constraint in table.constraints:
        if isinstance(constraint, ForeignKeyConstraint):
            target = constraint.elements[0].column.table.fullname
            found.append(
                f"({', '.join(c.name for c in constraint.columns)}) references {target} "
                f"({', '.join(e.column.name for e in constraint.elements)})"
            )
    return sorted(found)


def _table_section(table: Table, read_by: list[str]) -> list[str]:
    lines = [f"### {table.fullname}", ""]
    if table.comment:
        lines += [table.comment, ""]
    lines += ["| column | type | null | default | comment |", "|---|---|---|---|---|"]
    for column in table.columns:
        default = column.server_default.arg if column.server_default is not None else ""
        key = " (PK)" if column.primary_key else ""
        type_ = column.type.compile(dialect=POSTGRES)
        lines.append(
            f"| {column.name}{key} | {_cell(type_)} | {'yes' if column.nullable else 'no'} | "
            f"{_cell(default)} | {_cell(column.comment or '')} |"
        )
    lines += ["", "Constraints: " + ("; ".join(_constraints(table)) or "none") + "."]
    relationships = _relationships(table)
    if relationships:
        lines.append("References: " + "; ".join(relationships) + ".")
    if read_by:
        lines.append("Read by the views: " + ", ".join(sorted(read_by)) + ".")
    return [*lines, ""]


def _view_section(view: ViewDoc) -> list[str]:
    lines = [f"### {view.qualified} ({_KIND_NAMES[view.kind]})", ""]
    if view.description:
        lines += [view.description, ""]
    lines += ["| column | type |", "|---|---|"]
    lines += [f"| {name} | {_cell(type_)} |" for name, type_ in view.columns]
    lines += ["", "Indexes: " + ("; ".join(f"`{i}`" for i in view.indexes) or "none") + "."]
    if view.kind == ROLLUP_TABLE:
        lines += ["Kept up to date by the warehouse refresh (`lct_pipelines/warehouse/incremental.py`).", ""]
    else:
        lines += ["Reads: " + (", ".join(view.sources) or "nothing") + ".", ""]
    return lines


def render_data_dictionary(metadata: MetaData, views: list[ViewDoc], generated_at: datetime) -> str:
    tables = sorted(metadata.tables.values(), key=lambda t: t.fullname)
    read_by: dict[str, list[str]] = defaultdict(list)
    for view in views:
        for source in view.sources:
            read_by[source].append(view.qualified)
    lines = [
        "# Database data dictionary",
        "",
        f"Generated {generated_at:%Y-%m-%d %H:%M} UTC (after every `lct db upgrade`, by `lct docs dictionary` and by "
        "the weekly `data_dictionary` asset) from the SQLAlchemy models (`lct_pipelines/db/`) and the materialized "
        "views and warehouse rollup tables in the database. Do not edit by hand.",
        "",
        f"{len(tables)} tables, {_count(views, MATVIEW)} materialized views, {_count(views, ROLLUP_TABLE)} rollup "
        "tables.",
        "",
        "## Tables",
        "",
    ]
    for table in tables:
        lines += _table_section(table, read_by.get(table.fullname, []))
    lines += ["## Materialized views", ""]
    for view in views:
        if view.kind == MATVIEW:
            lines += _view_section(view)
    lines += ["## Warehouse rollup tables", ""]
    for view in views:
        if view.kind == ROLLUP_TABLE:
            lines += _view_section(view)
    return "\n".join(lines).rstrip() + "\n"


def _count(views: list[ViewDoc], kind: str) -> int:
    return sum(1 for view in views if view.kind == kind)


def write_data_dictionary(folder: Path, markdown: str, generated_at: datetime) -> tuple[Path, Path]:
    """`database_schema_<timestamp>.md` and `database_schema_latest.md`, each written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    stamped = folder / f"database_schema_{generated_at:%Y%m%dT%H%M%SZ}.md"
    latest = folder / "database_schema_latest.md"
    for path in (stamped, latest):
        partial = path.with_suffix(".md.partial")
        partial.write_text(markdown)
        partial.replace(path)
    return stamped, latest


@dataclass(frozen=True)
class DataDictionary:
    stamped: Path
    latest: Path
    tables: int
    views: int
    rollup_tables: int


def generate_data_dictionary(
    cur: PgCursor, metadata: MetaData, folder: Path, generated_at: datetime | None = None
) -> DataDictionary:
    """Read the views' catalogs, render every table and view, write both files: what each trigger runs."""
    moment = generated_at or datetime.now(UTC)
    views = read_views(cur)
    stamped, latest = write_data_dictionary(folder, render_data_dictionary(metadata, views, moment), moment)
    return DataDictionary(stamped, latest, len(metadata.tables), _count(views, MATVIEW), _count(views, ROLLUP_TABLE))


def regenerate_data_dictionary(database_url: str, folder: Path) -> DataDictionary:
    """The dictionary of the models and of the views in the database at `database_url`, written to `folder`."""
    engine = build_engine(database_url, pool_size=1)
    try:
        with transaction(engine) as cur:
            return generate_data_dictionary(cur, Base.metadata, folder)
    finally:
        engine.dispose()
