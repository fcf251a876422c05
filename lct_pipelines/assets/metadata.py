"""Helpers that turn frames and counts into the metadata people read in the UI."""

import dagster as dg
import pandas as pd

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


def column_schema(frame: pd.DataFrame) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name=str(c), type=_DAGSTER_TYPES.get(str(t), str(t))) for c, t in frame.dtypes.items()]
    )


def markdown_table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "_(none)_"
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(row.get(h, "")) for h in headers) + " |" for row in rows]
    return "\n".join(lines)
