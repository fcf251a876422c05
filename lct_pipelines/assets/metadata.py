"""Helpers that turn frames, tables and counts into the metadata people read in the UI."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
from sqlalchemy import Table

from lct_pipelines.db.models import Base

_DAGSTER_TYPES = {
    "object": "string",
    "str": "string",
    "string": "string",
    "float64": "float",
    "int64": "int",
    "Int64": "int",
    "bool": "bool",
    "boolean": "bool",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str | None = None
    nullable: bool | None = None


def table_schema(columns: Iterable[Column]) -> dg.TableSchema:
    """The one builder of `dagster/column_schema`: names, types, and meanings and nullability where known."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column.name,
                type=column.type,
                description=column.description,
                constraints=None if column.nullable is None else dg.TableColumnConstraints(nullable=column.nullable),
            )
            for column in columns
        ]
    )


def frame_columns(frame: pd.DataFrame, meanings: Mapping[str, str] | None = None) -> list[Column]:
    meanings = meanings or {}
    return [
        Column(str(name), _DAGSTER_TYPES.get(str(kind), str(kind)), meanings.get(str(name)))
        for name, kind in frame.dtypes.items()
    ]


def model_columns(table: Table) -> list[Column]:
    return [Column(c.name, str(c.type).lower(), c.comment, bool(c.nullable)) for c in table.columns]


def model_meanings(table: str) -> dict[str, str]:
    """Column -> comment of a table of the data model (`schema.name`)."""
    return {c.name: c.comment for c in Base.metadata.tables[table].columns if c.comment}


def model_schema(table: str) -> dg.TableSchema:
    """The columns of a table of the data model (`schema.name`), with their comments as meanings."""
    return table_schema(model_columns(Base.metadata.tables[table]))


def column_schema(frame: pd.DataFrame, meanings: Mapping[str, str] | None = None) -> dg.TableSchema:
    """A frame's columns with the types Dagster shows, and their meanings where given."""
    return table_schema(frame_columns(frame, meanings))


def markdown_image(path: Path, alt: str) -> dg.MarkdownMetadataValue:
    """A PNG shown as a picture on the asset page: Markdown with the image inlined as a data URI (the UI's
    Markdown renderer allows `data:` images; a file path would only show as text)."""
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return dg.MetadataValue.md(f"![{alt}](data:image/png;base64,{encoded})")


def markdown_table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "_(none)_"
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(row.get(h, "")) for h in headers) + " |" for row in rows]
    return "\n".join(lines)
