"""docs/reliability.md reports this suite: it names every fault-test module and counts the tables' cases as they are."""

from __future__ import annotations

from pathlib import Path

from lct_pipelines.project import project_root
from tests.faults.test_concurrent_runs import PAIRS
from tests.faults.test_environment import CASES
from tests.faults.test_hostile_input import BAD_FILES, BAD_QUERIES

REPORT = project_root() / "docs" / "reliability.md"


def test_the_reliability_report_names_every_fault_test_and_counts_its_cases() -> None:
    text = REPORT.read_text()
    for module in sorted(Path(__file__).parent.glob("test_*.py")):
        if module.name != Path(__file__).name:
            assert module.name in text, f"docs/reliability.md does not report {module.name}"
    assert f"{len(BAD_FILES)} bad bell-schedule files" in text
    assert f"{len(BAD_QUERIES)} bad query parameters or knobs" in text
    assert f"{len(BAD_FILES) + len(BAD_QUERIES)}** (" in text  # the hostile inputs rejected, in the figures
    assert f"{len(CASES)} cases (`test_environment.py`)" in text
    assert f"{PAIRS} pairs of `lct run`" in text
