"""No debris: what a writer killed half-way through an export leaves is removed by the next export of that year.

Before the fix `.year=...` staging folders (mkdtemp's 0700) piled up beside the exports, and the swap's old
copy (`year=<year>.old`) was visible to any reader of the whole dataset as a second partition of the year.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pandas as pd

from lct_pipelines.exports.parquet import FOLDER_MODE, read_dataset, write_year
from tests.faults.state import debris, export_states


def _frame(year: str, n: int) -> pd.DataFrame:
    return pd.DataFrame({"year": [year] * n, "district_id": [f"55{i:05d}" for i in range(n)], "lct": [1.5] * n})


def test_the_next_export_of_a_year_removes_what_a_killed_writer_left_and_no_other_year_is_touched(
    tmp_path: Path,
) -> None:
    root = tmp_path / "exports"
    write_year(root, "calculations", "2022-23", _frame("2022-23", 3))
    write_year(root, "calculations", "2023-24", _frame("2023-24", 4))
    other_year = export_states(tmp_path)
    dataset = root / "calculations"
    # What a writer killed half-way leaves: its staging folder with a part written, and the old copy a swap
    # cut between its two renames leaves (older versions named it year=<year>.old, where readers saw it).
    for left in (".year=2023-24.k1ll3d", ".year=2023-24.old"):
        (dataset / left).mkdir()
        (dataset / left / "part-0.parquet").write_bytes(b"half")
    shutil.copytree(dataset / "year=2023-24", dataset / "year=2023-24.old")
    assert len(read_dataset(root, "calculations")) > 7  # the visible old copy reads as a second 2023-24

    write_year(root, "calculations", "2023-24", _frame("2023-24", 5))

    assert debris(tmp_path) == []
    assert sorted(p.name for p in dataset.iterdir()) == ["year=2022-23", "year=2023-24"]
    assert len(read_dataset(root, "calculations")) == 3 + 5
    after = export_states(tmp_path)
    assert {k: v for k, v in after.items() if "2022-23" in k} == {k: v for k, v in other_year.items() if "2022-23" in k}
    for folder in dataset.iterdir():
        assert stat.S_IMODE(folder.stat().st_mode) == FOLDER_MODE == 0o755
