"""A query's values in their JSON-native forms, the ones the service answers (and caches) in.

psycopg2 typecasters registered on the query's cursor read each value straight into its JSON-native form:
`numeric` into `float` instead of `Decimal`, `date` as the server's text (psycopg2 has the session send it in ISO
style, `YYYY-MM-DD`, what date.isoformat() gave), timestamps parsed as psycopg2 does and then isoformat(). Before,
the driver's `Decimal` and `date` objects were converted value by value (an isinstance test of every value: ~40 %
of a class_trends answer of 200 rows).
"""

from __future__ import annotations

from typing import Any

from psycopg2.extensions import PYDATETIME, PYDATETIMETZ, new_type, register_type
from psycopg2.extensions import cursor as PgCursor

NUMERIC_OID = 1700
DATE_OID = 1082
TIMESTAMP_OID = 1114
TIMESTAMPTZ_OID = 1184


def _numeric_as_float(value: str | None, _cursor: Any) -> float | None:
    return None if value is None else float(value)


def _date_as_text(value: str | None, _cursor: Any) -> str | None:
    return value


def _timestamp_as_iso(parse: Any) -> Any:
    """A caster that parses like psycopg2's `parse` caster, then writes the datetime as isoformat()."""

    def cast(value: str | None, cursor: Any) -> str | None:
        parsed = parse(value, cursor)
        return None if parsed is None else parsed.isoformat()

    return cast


JSON_NATIVE_CASTERS = (
    new_type((NUMERIC_OID,), "LCT_NUMERIC_AS_FLOAT", _numeric_as_float),
    new_type((DATE_OID,), "LCT_DATE_AS_TEXT", _date_as_text),
    new_type((TIMESTAMP_OID,), "LCT_TIMESTAMP_AS_ISO", _timestamp_as_iso(PYDATETIME)),
    new_type((TIMESTAMPTZ_OID,), "LCT_TIMESTAMPTZ_AS_ISO", _timestamp_as_iso(PYDATETIMETZ)),
)


def read_json_native(cur: PgCursor) -> None:
    """Make `cur` return numeric, date and timestamp values in their JSON-native forms (before it fetches)."""
    for caster in JSON_NATIVE_CASTERS:
        register_type(caster, cur)
