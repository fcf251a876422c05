"""An incremental run leaves exactly the table a full recompute of the same inputs would write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, text

from lct_pipelines.cli.main import main
from lct_pipelines.lct.run import FULL, INCREMENTAL, run_calculation
from tests.ccd_factory import unified_district, write_ccd_files

YEAR = "2023-24"
WI = [f"55{n:05d}" for n in range(1, 9)]
MN = [f"27{n:05d}" for n in range(1, 6)]
NCES_TABLES = ("nces.lea_directory", "nces.lea_enrollment", "nces.lea_staff")
EDITS = [
    # two bell schedules (one district, all levels; one district, one level)
    "INSERT INTO lct.bell_schedules (leaid, year, grade_level, instructional_minutes, source, confidence) "
    "VALUES ('5500001', '2024-25', 'elementary', 400, 'test', 'high'), "
    "('5500001', '2024-25', 'middle', 410, 'test', 'high'), ('5500001', '2024-25', 'high', 420, 'test', 'high'), "
    "('5500002', '2024-25', 'high', 380, 'test', 'medium')",
    # a state requirement
    "UPDATE lct.state_requirements SET middle_minutes = middle_minutes + 15 WHERE state = 'MN'",
    # staff FTE of one district
    "UPDATE nces.lea_staff SET fte = fte * 1.5 WHERE leaid = '5500003' AND category = 'Secondary Teachers'",
    # a district vanishes from all three files
    *(f"DELETE FROM {table} WHERE leaid = '5500004'" for table in NCES_TABLES),
    # a new district appears (a copy of another under a new LEAID)
    *(
        f"INSERT INTO {table} SELECT (jsonb_populate_record(NULL::{table}, "
        f"to_jsonb(t) || jsonb_build_object('leaid', '5500099'))).* FROM {table} t WHERE leaid = '5500005'"
        for table in NCES_TABLES
    ),
]


def _table(engine: Engine) -> pd.DataFrame:
    frame = pd.read_sql(text("SELECT * FROM lct.lct_calculations WHERE year = :y"), engine, params={"y": YEAR})
    return frame.drop(columns=["run_id"]).sort_values(["district_id", "staff_scope"]).reset_index(drop=True)


def test_incremental_after_every_kind_of_edit_equals_a_full_recompute(dagster_env: dict[str, str]) -> None:
    districts = [unified_district(leaid, f"WI {leaid}", "WI", per_grade=80 + 3 * i) for i, leaid in enumerate(WI)]
    districts += [unified_district(leaid, f"MN {leaid}", "MN", per_grade=110 + i) for i, leaid in enumerate(MN)]
    write_ccd_files(Path(dagster_env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR), districts)
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 0
    engine = create_engine(dagster_env["LCT_DATABASE_URL"])
    before = _table(engine)
    with engine.begin() as conn:
        for statement in EDITS:
            conn.execute(text(statement))

    incremental = run_calculation(engine, YEAR, INCREMENTAL)
    after_incremental = _table(engine)
    full = run_calculation(engine, YEAR, FULL)
    after_full = _table(engine)
    engine.dispose()

    assert incremental.changed == [*MN, "5500001", "5500002", "5500003", "5500099"]
    assert incremental.vanished == ["5500004"]
    assert incremental.districts_processed == len(incremental.changed)
    assert full.districts_processed == len(WI) + len(MN)  # 8 - 1 vanished + 1 new, 5 MN
    pd.testing.assert_frame_equal(after_incremental, after_full)
    assert not after_full.equals(before)  # the edits did change the numbers
    # The incremental QA reads the stored (2-decimal) values, the full one the unrounded: same verdicts,
    # means within rounding.
    for inc, ful in zip(incremental.report["hierarchy_checks"], full.report["hierarchy_checks"], strict=True):
        assert inc["passed"] == ful["passed"] and abs(inc["left_mean"] - ful["left_mean"]) < 0.01
