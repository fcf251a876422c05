"""Driving `lct` as a real process in the fault tests, and holding the write lock a step waits on.

A test that must kill a run inside a given step holds that step's write lock (db/write_locks.py) first: the
run's step then waits on it, visibly in pg_locks, and is killed there, in that step, every time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.urls import libpq_dsn

LCT = str(Path(sys.executable).with_name("lct"))
# Only stops a hung test; the suite measures nothing.
GIVE_UP_AFTER = 300.0


def run_lct(args: list[str], env: Mapping[str, str], *, timeout: float = GIVE_UP_AFTER) -> subprocess.CompletedProcess:
    """`lct ARGS` in a process of its own; stdout and stderr together in `.stdout`."""
    return subprocess.run(
        [LCT, *args], env=dict(env), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def start_lct(args: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [LCT, *args],
        env=dict(env),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


@contextmanager
def holding_lock(database_url: str, resource: str) -> Iterator[psycopg2.extensions.connection]:
    """The write lock on `resource` held by the test for the block."""
    conn = psycopg2.connect(libpq_dsn(database_url), application_name="lct fault test")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(load_sql("common/locks/lock.sql"), {"resource": resource})
        yield conn
    finally:
        conn.close()


def wait_for_waiter(conn: psycopg2.extensions.connection, resource: str, process: subprocess.Popen) -> str:
    """Block until a session waits for the lock on `resource`; its application name (which names run and step)."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    with conn.cursor() as cur:
        while time.monotonic() < deadline:
            assert process.poll() is None, f"lct exited ({process.returncode}) before waiting on {resource}"
            cur.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name LIKE %s",
                (f"lct {resource}:%",),
            )
            row = cur.fetchone()
            if row:
                return row[0]
            time.sleep(0.1)
    raise TimeoutError(f"nothing waited on {resource} within {GIVE_UP_AFTER} s")


def output_of(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


def environment(overrides: Mapping[str, str], drop: tuple[str, ...] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(overrides)
    return env
