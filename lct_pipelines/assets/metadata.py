"""Helpers that turn frames, tables and counts into the metadata people read in the UI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
import pandas as pd
from sqlalchemy import Table

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


def frame_columns(frame: pd.DataFrame) -> list[Column]:
    return [Column(str(name), _DAGSTER_TYPES.get(str(kind), str(kind))) for name, kind in frame.dtypes.items()]


def model_columns(table: Table) -> list[Column]:
    return [Column(c.name, str(c.type).lower(), c.comment, bool(c.nullable)) for c in table.columns]


def column_schema(frame: pd.DataFrame) -> dg.TableSchema:
    """A frame's columns with the types Dagster shows."""
    return table_schema(frame_columns(frame))


def markdown_table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "_(none)_"
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(row.get(h, "")) for h in headers) + " |" for row in rows]
    return "\n".join(lines)
