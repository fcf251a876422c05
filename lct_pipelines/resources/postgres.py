"""The data database (primary), as a Dagster resource with a pooled engine per run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from psycopg2.extensions import cursor as PgCursor
from pydantic import PrivateAttr
from sqlalchemy import Connection, Engine

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import transaction


class PostgresResource(dg.ConfigurableResource):
    """PostgreSQL holding the imported and computed data (`LCT_DATABASE_URL`)."""

    url: str
    application_name: str = "lct_pipelines"

    _engine: Engine | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._engine = build_engine(self.url, application_name=self.application_name)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:  # used outside a run (CLI, tests)
            self._engine = build_engine(self.url, application_name=self.application_name)
        return self._engine

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def transaction(self) -> Iterator[PgCursor]:
        """A psycopg2 cursor in one transaction (COPY needs the raw driver)."""
        with transaction(self.engine) as cur:
            yield cur
