"""A step holds the write lock of what it writes (db/write_locks.py); a wait is logged as a warning, so `lct run`
prints it too."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from lct_pipelines.db.write_locks import write_lock
from lct_pipelines.resources import PostgresResource


@contextmanager
def holding(context: dg.AssetExecutionContext, postgres: PostgresResource, resource: str) -> Iterator[None]:
    holder = f"run {context.run.run_id[:8]} {context.op_def.name}"
    with write_lock(postgres.url, resource, holder=holder, on_wait=context.log.warning):
        yield
