"""A year whose directory file is broken while its staff file changed: every table of the year is left as it was.

Before the fix the staff file was swapped in next to the old directory (each file had its own transaction),
and the sensor and the nightly recompute then computed from mixed inputs; `lct run` also printed ~130 lines of
stack and then the previous run's "QA PASS". Now the three files are swapped in together or not at all, and
the failure is one line that names the file and the line.
"""

from __future__ import annotations

import pytest

from lct_pipelines.cli.main import main
from tests.faults.conftest import land_year
from tests.faults.state import data_state, debris


def test_a_broken_directory_beside_a_changed_staff_file_changes_no_table_of_the_year_then_goes_in_whole_once_fixed(
    landed: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, data_dir = landed["LCT_DATABASE_URL"], landed["LCT_DATA_DIR"]
    assert main(["run"]) == 0
    before = data_state(url, data_dir)
    capsys.readouterr()

    folder = land_year(data_dir, staff_scale=1.5)  # every FTE changed
    directory = next(folder.glob("*_029_*"))
    directory.write_text("SCHOOL_YEAR,NOT_A_DIRECTORY\n2023-2024,x\n")
    assert main(["run"]) == 1
    said = capsys.readouterr()

    assert data_state(url, data_dir) == before  # directory, enrollment, staff, calculations, exports: unchanged
    assert debris(data_dir) == []
    output = said.out + said.err
    assert "Traceback" not in output
    assert f"{directory.name}, line 1: missing required column" in output
    assert "nothing of 2023-24 swapped in" in output
    assert "LCT QA" not in output  # no dashboard of an older run
    assert "this run recorded no QA report" in output
    assert len([line for line in output.splitlines() if "failed:" in line]) == 1

    # The control: with the directory file good again the same staff change goes in, whole.
    land_year(data_dir, staff_scale=1.5)
    assert main(["run"]) == 0
    fixed = data_state(url, data_dir)
    assert fixed.tables["nces.lea_staff"] != before.tables["nces.lea_staff"]
    assert fixed.tables["nces.lea_directory"] == before.tables["nces.lea_directory"]
