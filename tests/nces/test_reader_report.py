"""ImportReport: flat JSON-able metadata and a small markdown table, from a real read."""

from __future__ import annotations

import json
from pathlib import Path

from lct_pipelines.nces.reader import read_membership
from lct_pipelines.nces.report import ImportReport

HEADER = "SCHOOL_YEAR,LEAID,GRADE,RACE_ETHNICITY,SEX,STUDENT_COUNT,TOTAL_INDICATOR"
DETAIL = "Category Set A - By Race/Ethnicity; Sex; Grade"


def test_metadata_is_flat_and_json_able_with_examples_per_kind(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    rows = [
        f"2023-2024,100005,Grade 1,White,Male,3,{DETAIL}",
        f"2023-2024,0100005,Grade 1,White,Male,4,{DETAIL}",
        f"2023-2024,0100005,Grade 2,Purple,Male,4,{DETAIL}",
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    _, report = read_membership(path)
    meta = report.to_metadata()
    assert json.loads(json.dumps(meta)) == meta
    assert all(isinstance(v, int | str) for v in meta.values())
    assert meta["file"] == "m.csv" and meta["kind"] == "membership" and meta["encoding"] == "utf-8"
    assert (meta["rows_read"], meta["rows_used"], meta["conflicts"], meta["unknown_categories"]) == (3, 1, 1, 1)
    assert meta["ids_repadded"] == 1 and meta["examples/ids_repadded"] == "0100005"
    assert meta["unknown_category_values"] == "Purple"
    assert meta["examples/conflicts"] == "0100005"


def test_markdown_is_a_small_table_with_counts_and_examples() -> None:
    report = ImportReport(file="s.csv", kind="staff", encoding="cp1252", rows_read=1234, duplicates=2)
    report.add_example("duplicates", ["3500600", "3500600", "3500700"])
    report.unknown_category_values = ["School Nurses|x"]
    text = report.to_markdown()
    assert text.splitlines()[0] == "**staff** `s.csv` (cp1252)"
    assert "| rows_read | 1,234 |  |" in text
    assert "| duplicates | 2 | 3500600, 3500700 |" in text
    assert "School Nurses\\|x" in text


def test_examples_keep_at_most_five_distinct_values() -> None:
    report = ImportReport(file="f", kind="membership")
    report.add_example("blank_counts", ["a", "b", "a", "c"])
    report.add_example("blank_counts", ["d", "e", "f", "g"])
    assert report.examples["blank_counts"] == ["a", "b", "c", "d", "e"]
