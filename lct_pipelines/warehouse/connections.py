"""URL plumbing shared by the warehouse modules: SQLAlchemy-style URLs in, libpq DSNs out."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def libpq_dsn(url: str) -> str:
    """'postgresql+psycopg2://u:p@h:5432/db' -> 'postgresql://u:p@h:5432/db' for psycopg2.connect."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def with_credentials(url: str, user: str, password: str) -> str:
    """The same server and database, another role."""
    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)
