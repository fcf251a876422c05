"""A broken environment, table-driven: every command answers in one or two lines, never with a traceback.

Before the fix `up`, `run`, `warehouse`, `qa`, `db` and `status` answered a closed port, a malformed URL, an
unusable LCT_HOME or a taken port with 16 to 109 lines of traceback, and `lct qa | head` ended in a
BrokenPipeError. Each case here gives the command, the fault, the exit code and what the message must say
(what, where, what to do); no password is ever printed, and the database the faults do not point at keeps
every row.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lct_pipelines.cli.main import main
from lct_pipelines.services.ports import free_port
from tests.enrichment.test_campaign import seed_wisconsin
from tests.faults.processes import LCT, environment
from tests.faults.state import data_state

SECRET = "s3cret-not-to-print"
COMMANDS = {
    "up": ["up"],
    "run": ["run"],
    "warehouse query": ["warehouse", "top_performers"],
    "warehouse refresh": ["warehouse", "refresh"],
    "qa": ["qa"],
    "db": ["db", "current"],
    "status": ["status"],
}
EXTERNAL = (
    "LCT_DATABASE_URL",
    "DAGSTER_PG_URL",
    "LCT_REDIS_URL",
    "LCT_REPLICA_URLS",
    "LCT_REPLICA_URL",
    "LCT_READER_URL",
)


@dataclass(frozen=True)
class Fault:
    name: str
    setup: Callable[[pytest.MonkeyPatch, Path, int], None]
    # command -> (exit code, what the message must say); {port} is the port the fault uses
    expected: dict[str, tuple[int, str]]


def _closed_port(monkeypatch: pytest.MonkeyPatch, tmp: Path, port: int) -> None:
    monkeypatch.setenv("LCT_DATABASE_URL", f"postgresql+psycopg2://lct:{SECRET}@127.0.0.1:{port}/lct")
    monkeypatch.setenv("LCT_REDIS_URL", f"redis://:{SECRET}@127.0.0.1:{port}/0")
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)


def _malformed_url(monkeypatch: pytest.MonkeyPatch, tmp: Path, port: int) -> None:
    monkeypatch.setenv("LCT_DATABASE_URL", f"postgresql+psycopg2://lct:{SECRET}@127.0.0.1:port/lct")


def _unusable_home(monkeypatch: pytest.MonkeyPatch, tmp: Path, port: int) -> None:
    (tmp / "a_file").write_text("not a folder")
    monkeypatch.setenv("LCT_HOME", str(tmp / "a_file" / "home"))
    for variable in EXTERNAL:
        monkeypatch.delenv(variable, raising=False)


def _taken_port(monkeypatch: pytest.MonkeyPatch, tmp: Path, port: int) -> None:
    monkeypatch.setenv("LCT_HOME", str(tmp / "fresh_home"))
    monkeypatch.setenv("LCT_PG_PORT", str(port))
    for variable in EXTERNAL:
        monkeypatch.delenv(variable, raising=False)


REFUSED = "cannot use PostgreSQL at 127.0.0.1:{port}: Connection refused"
NOT_A_URL = "LCT_DATABASE_URL is not a database URL ('postgresql+psycopg2://lct:***@127.0.0.1:port/lct')"
NO_HOME = "cannot be used: Not a directory\n  point LCT_HOME at a folder you can write"
NOT_SET_UP = "No database configured: set LCT_DATABASE_URL or run `lct up`"
TAKEN = "postgres cannot start: port {port} on 127.0.0.1 is taken by another program\n  stop that program"
FAULTS = [
    Fault(
        "closed port",
        _closed_port,
        {
            "up": (2, REFUSED),
            "run": (2, REFUSED),
            "warehouse query": (2, REFUSED),
            "warehouse refresh": (2, REFUSED),
            "qa": (2, REFUSED),
            "db": (2, REFUSED),
            "status": (0, "postgresql+psycopg2://lct:***@127.0.0.1:{port}/lct"),
        },
    ),
    Fault("malformed URL", _malformed_url, {command: (2, NOT_A_URL) for command in COMMANDS}),
    Fault(
        "unusable LCT_HOME",
        _unusable_home,
        {
            "up": (2, NO_HOME),
            "run": (2, NO_HOME),
            "warehouse query": (2, NOT_SET_UP),
            "warehouse refresh": (2, NO_HOME),
            "qa": (2, NOT_SET_UP),
            "db": (2, NOT_SET_UP),
            "status": (0, "postgres  embedded  stopped  not set up (`lct up`)"),
        },
    ),
    Fault(
        "taken port",
        _taken_port,
        {
            "up": (2, TAKEN),
            "run": (2, TAKEN),
            "warehouse refresh": (2, TAKEN),
            "status": (0, "postgres  embedded  stopped  not set up (`lct up`)"),
        },
    ),
]
CASES = [(fault, command) for fault in FAULTS for command in fault.expected]


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port something else listens on (and that refuses nothing: it never answers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize(("fault", "command"), CASES, ids=[f"{f.name}-{c}" for f, c in CASES])
def test_an_environment_fault_is_one_or_two_lines_with_where_and_what_to_do(
    lct_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    held_port: int,
    fault: Fault,
    command: str,
) -> None:
    seed_wisconsin(lct_env["LCT_DATABASE_URL"])  # rows the fault must not touch
    before = data_state(lct_env["LCT_DATABASE_URL"], lct_env["LCT_DATA_DIR"])
    port = held_port if fault.name == "taken port" else free_port()
    fault.setup(monkeypatch, tmp_path, port)
    code, message = fault.expected[command]
    assert main(COMMANDS[command]) == code
    said = capsys.readouterr()
    output = said.out + said.err
    assert message.format(port=port) in output, output
    assert "Traceback" not in output and SECRET not in output
    if code:  # the failure: one or two lines (a warning logged before it, e.g. Redis down, is a line of its own)
        lines = said.err.strip().splitlines()
        [first] = [
            i for i, line in enumerate(lines) if line.startswith("lct: ") and not line.startswith("lct: WARNING")
        ]
        assert len(lines) - first <= 2, said.err
    assert data_state(lct_env["LCT_DATABASE_URL"], lct_env["LCT_DATA_DIR"]) == before


def test_lct_debug_1_adds_the_traceback(
    lct_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _malformed_url(monkeypatch, tmp_path, 0)
    monkeypatch.setenv("LCT_DEBUG", "1")
    assert main(["qa"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and NOT_A_URL in err


def test_lct_qa_into_a_closed_pipe_ends_quietly(lct_env: dict[str, str]) -> None:
    """`lct qa | head`: the reader is gone before lct writes; no BrokenPipeError, the shell's SIGPIPE status."""
    process = subprocess.Popen(
        [LCT, "qa"], env=environment({}), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=300) == 141
    assert "BrokenPipeError" not in err and "Traceback" not in err
