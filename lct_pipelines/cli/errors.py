"""What `lct` prints when a command fails in a way we expect: one or two lines, and the exit code.

Each expected failure (a server not reachable, a malformed variable, a folder that cannot be written, a port
taken, a bad parameter) becomes what went wrong, where (file and line, URL without its password, port) and
what to do; exit 2 for usage and configuration, 1 for a run that failed. `LCT_DEBUG=1` prints the traceback
too. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from dataclasses import dataclass
from typing import TextIO

import psycopg2
from sqlalchemy.exc import InterfaceError, OperationalError

EXIT_FAILED_RUN = 1
EXIT_USAGE = 2
# What a shell reports for a process ended by SIGPIPE (128 + 13): `lct qa | head` stops like `seq | head`.
EXIT_BROKEN_PIPE = 141
DEBUG_VARIABLE = "LCT_DEBUG"
# The database went away (or never answered): what libpq and SQLAlchemy raise then.
DATABASE_LOST = (psycopg2.OperationalError, psycopg2.InterfaceError, OperationalError, InterfaceError)

_LIBPQ_TARGET = re.compile(r'connection to server at "(?P<host>[^"]+)"(?: \([^)]*\))?, port (?P<port>\d+) failed: ')


class UserError(Exception):
    """A problem the user can fix; printed without a traceback (exit 2 unless `exit_code` says otherwise)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Explained:
    message: str
    exit_code: int = EXIT_USAGE


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


def first_line(error: BaseException | str) -> str:
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def postgres_unreachable(error: BaseException) -> str:
    """A libpq connection failure as 'where: why', e.g. '127.0.0.1:5999: Connection refused'."""
    text = str(getattr(error, "orig", None) or error).strip()
    match = _LIBPQ_TARGET.search(text)
    if match is None:
        return first_line(text)
    reason = first_line(text[match.end() :])
    return f"{match['host']}:{match['port']}: {reason}"


def database_lost(error: BaseException | None) -> BaseException | None:
    """The connection failure behind `error`, if one is in its chain (Dagster's storage wraps them in its own
    exceptions after retrying)."""
    while error is not None:
        if isinstance(error, DATABASE_LOST):
            return error
        error = error.__cause__ or error.__context__
    return None


class _RootErrorsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "root" or record.levelno >= logging.ERROR


_ROOT_ERRORS_ONLY = _RootErrorsOnly()


def quiet_library_logging() -> None:
    """Libraries that log straight on the root logger (dagster-postgres says each retry of a lost connection)
    print only errors; LCT_DEBUG=1 shows everything."""
    root = logging.getLogger()
    if not debug_enabled() and _ROOT_ERRORS_ONLY not in root.filters:
        root.addFilter(_ROOT_ERRORS_ONLY)


def _postgres_message(error: BaseException) -> str:
    where = postgres_unreachable(error)
    if "password authentication failed" in where:
        hint = "check the password in LCT_DATABASE_URL (or DAGSTER_PG_URL), or run `lct up` for the embedded server"
    elif "does not exist" in where:
        hint = "create it, or correct the database name in LCT_DATABASE_URL / DAGSTER_PG_URL"
    else:
        hint = "start it (`lct up` for the embedded server) or correct LCT_DATABASE_URL / DAGSTER_PG_URL"
    return f"cannot use PostgreSQL at {where}\n  {hint}"


def _os_message(error: OSError) -> str:
    where = error.filename or "a file"
    home, data = os.environ.get("LCT_HOME", ".lct"), os.environ.get("LCT_DATA_DIR", "data")
    variable = "LCT_HOME" if str(where).startswith(os.path.abspath(home)) else None
    if variable is None and str(where).startswith(os.path.abspath(data)):
        variable = "LCT_DATA_DIR"
    hint = f"point {variable} at a folder you can write" if variable else "check the path and its permissions"
    return f"cannot write {where}: {error.strerror or first_line(error)}\n  {hint}"


def explain(error: BaseException) -> Explained | None:
    """The message and exit code of an expected failure; None for anything else (a bug: keep the traceback)."""
    import redis
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import ArgumentError

    from lct_pipelines.services.embedded_postgres import PostgresServiceError
    from lct_pipelines.services.embedded_redis import RedisServiceError
    from lct_pipelines.services.settings import SettingsError
    from lct_pipelines.warehouse.params import QueryParameterError
    from lct_pipelines.warehouse.settings import WarehouseSettingsError

    if isinstance(error, UserError):
        return Explained(str(error), error.exit_code)
    if isinstance(error, SettingsError | WarehouseSettingsError | QueryParameterError):
        return Explained(str(error))
    lost = database_lost(error)
    if lost is not None:
        return Explained(_postgres_message(lost))
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | redis.AuthenticationError):
        return Explained(f"cannot use Redis: {first_line(error)}\n  start it (`lct up`) or correct LCT_REDIS_URL")
    if isinstance(error, PostgresServiceError | RedisServiceError):
        return Explained(first_line(error) + "\n  the server's log is under $LCT_HOME (`lct status` says where)")
    if isinstance(error, CommandError):
        return Explained(f"migrations: {first_line(error)}")
    if isinstance(error, ArgumentError):
        return Explained(f"{first_line(error)}: check LCT_DATABASE_URL and DAGSTER_PG_URL")
    if isinstance(error, OSError) and error.filename is not None:
        return Explained(_os_message(error))
    return None


def report(error: BaseException, stream: TextIO | None = None) -> int:
    """Print the failure the way the user can act on it; returns the exit code."""
    stream = stream or sys.stderr
    explained = explain(error)
    if explained is None or debug_enabled():
        traceback.print_exception(error, file=stream)
    if explained is None:
        return EXIT_FAILED_RUN
    print(f"lct: {explained.message}", file=stream)
    return explained.exit_code


def silence_broken_pipe() -> int:
    """The reader of our output went away (`lct qa | head`): stop writing, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    return EXIT_BROKEN_PIPE
