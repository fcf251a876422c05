"""Two `lct run` of one school year at once, five times: none fails, both end with the same data.

Before the fix 2 of 4 such pairs failed on UniqueViolation: `lct run` executes in-process, outside the run
queue's one-run-per-year limit, and the two runs' swaps collided. Each writing step now takes the write lock
of what it writes, and the second writer waits for the first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lct_pipelines.cli.main import main
from tests.faults.processes import output_of, start_lct
from tests.faults.state import data_state, debris

PAIRS = 5


@pytest.mark.timeout(1800)  # eleven `lct run` processes: generous for a loaded machine
def test_two_runs_of_one_year_at_once_both_succeed_with_the_same_data(landed: dict[str, str], tmp_path: Path) -> None:
    url, data_dir, env = landed["LCT_DATABASE_URL"], landed["LCT_DATA_DIR"], dict(os.environ)
    assert main(["run"]) == 0
    reference = data_state(url, data_dir)
    waited = 0
    for pair in range(PAIRS):
        logs = [tmp_path / f"pair{pair}_{side}.log" for side in "ab"]
        processes = [start_lct(["run"], env, log) for log in logs]
        codes = [process.wait(timeout=600) for process in processes]
        outputs = [output_of(log) for log in logs]
        said = [line for output in outputs for line in output.splitlines() if "failed" in line or "lct:" in line]
        assert codes == [0, 0], "\n".join(said)
        assert not any("Traceback" in output or "UniqueViolation" in output for output in outputs)
        waited += sum("waiting for it to finish" in output for output in outputs)
        assert data_state(url, data_dir) == reference, f"pair {pair}"
        assert debris(data_dir) == []
    print(f"{PAIRS} pairs: 0 failed, {waited} step(s) waited for the other writer")
