"""URL plumbing: SQLAlchemy-style URLs (what the settings hold) in, libpq DSNs (what psycopg2 takes) out."""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url


def libpq_dsn(url: str, database: str | None = None) -> str:
    """'postgresql+psycopg2://u:p@h:5432/db' -> 'postgresql://u:p@h:5432/db' (another `database` when given)."""
    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def with_credentials(url: str, user: str, password: str) -> str:
    """The same server and database, another role."""
    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


def with_database(url: str, database: str) -> str:
    """The same server and role, another database."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>\S*)@", re.I)


def redacted(url: str) -> str:
    """The URL with its password as ***, also when it does not parse (messages must never show a password)."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", url)
