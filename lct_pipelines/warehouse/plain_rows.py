"""A query's rows as JSON-native dicts, the shape the service answers (and caches) in.

`numeric` is read straight into `float` by a psycopg2 typecaster registered on the query's cursor, instead of
into `Decimal` and then converted value by value (an isinstance test of every value: ~40 % of a class_trends
answer of 200 rows), and `date` is kept as the server's text, which psycopg2 has the session send in ISO style
(`YYYY-MM-DD`, what date.isoformat() gave). Timestamps become isoformat() strings, converted only in the columns
whose type says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from psycopg2.extensions import cursor as PgCursor
from psycopg2.extensions import new_type, register_type

NUMERIC_OID = 1700
DATE_OID = 1082
# timestamp, timestamptz: their values leave as isoformat() strings.
TIMESTAMP_OIDS = frozenset({1114, 1184})


def _numeric_as_float(value: str | None, _cursor: Any) -> float | None:
    return None if value is None else float(value)


def _date_as_text(value: str | None, _cursor: Any) -> str | None:
    return value


NUMERIC_AS_FLOAT = new_type((NUMERIC_OID,), "LCT_NUMERIC_AS_FLOAT", _numeric_as_float)
DATE_AS_TEXT = new_type((DATE_OID,), "LCT_DATE_AS_TEXT", _date_as_text)


def read_json_native(cur: PgCursor) -> None:
    """Make `cur` return `numeric` values as floats and dates as ISO text (before its query is fetched)."""
    register_type(NUMERIC_AS_FLOAT, cur)
    register_type(DATE_AS_TEXT, cur)


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def plain_rows(cur: PgCursor, rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """`rows` fetched from `cur` (see read_json_native) as dicts by column name; timestamps as ISO strings."""
    description = cur.description or ()
    columns = [d.name for d in description]
    converters: list[Callable[[Any], Any] | None] = [
        _iso if d.type_code in TIMESTAMP_OIDS else None for d in description
    ]
    if not any(converters):
        return [dict(zip(columns, row, strict=True)) for row in rows]
    return [{c: (f(v) if f else v) for c, f, v in zip(columns, converters, row, strict=True)} for row in rows]
