"""An incremental run leaves exactly the table, and builds exactly the QA report, that a full recompute of the same
inputs would."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, text

from lct_pipelines.cli.main import main
from lct_pipelines.lct.run import FULL, INCREMENTAL, run_calculation
from tests.ccd_factory import District, unified_district, write_ccd_files

YEAR = "2023-24"
WI = [f"55{n:05d}" for n in range(1, 9)]
MN = [f"27{n:05d}" for n in range(1, 6)]
NCES_TABLES = ("nces.lea_directory", "nces.lea_enrollment", "nces.lea_staff")
HIGH_SCHOOL_ONLY = "5500010"  # teachers_elementary not calculable (zero_enrollment)
NO_STAFF = "5500011"  # no staff rows: not calculable in any scope
ROUNDING_EDGE = "5500013"  # teachers_only LCT 4.99615...: exported 5.0, a low outlier at full precision
HIGH_OUTLIER = "5500014"  # a valid `all` LCT above 200
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
    # a calculable district loses its teachers (zero_staff in the teacher scopes)
    "UPDATE nces.lea_staff SET fte = 0 WHERE leaid = '5500006' AND category LIKE '%Teachers'",
    # a not-calculable district gets staff
    f"INSERT INTO nces.lea_staff (school_year, leaid, category, tier, fte) SELECT school_year, '{NO_STAFF}', "
    "category, tier, fte FROM nces.lea_staff WHERE leaid = '5500007'",
    # a district vanishes from all three files
    *(f"DELETE FROM {table} WHERE leaid = '5500004'" for table in NCES_TABLES),
    # a new district appears (a copy of another under a new LEAID)
    *(
        f"INSERT INTO {table} SELECT (jsonb_populate_record(NULL::{table}, "
        f"to_jsonb(t) || jsonb_build_object('leaid', '5500099'))).* FROM {table} t WHERE leaid = '5500005'"
        for table in NCES_TABLES
    ),
]
# 300 minutes at every level: teachers_only = 300 x 21.65 / 1,300 = 4.99615...
EDGE_BELLS = (
    "INSERT INTO lct.bell_schedules (leaid, year, grade_level, instructional_minutes, source, confidence) VALUES "
    + ", ".join(
        f"('{ROUNDING_EDGE}', '2023-24', '{level}', 300, 'test', 'high')" for level in ("elementary", "middle", "high")
    )
)


def _districts() -> list[District]:
    districts = [unified_district(leaid, f"WI {leaid}", "WI", per_grade=80 + 3 * i) for i, leaid in enumerate(WI)]
    districts += [unified_district(leaid, f"MN {leaid}", "MN", per_grade=110 + i) for i, leaid in enumerate(MN)]
    high_school = unified_district(HIGH_SCHOOL_ONLY, "High School Only", "WI", per_grade=90)
    high_school.grades = {f"g{n}": 90 for n in range(9, 13)}
    high_school.staff = {k: v for k, v in high_school.staff.items() if not k.startswith(("Kinder", "Elementary"))}
    no_staff = unified_district(NO_STAFF, "No Staff", "WI")
    no_staff.staff = {}
    edge = unified_district(ROUNDING_EDGE, "Rounding Edge", "WI", elementary_teachers=10.0, secondary_teachers=6.65)
    high = unified_district(HIGH_OUTLIER, "Tiny And Staffed", "WI", per_grade=10, elementary_teachers=30.0)
    high.staff["Secondary Teachers"] = 25.0
    return [*districts, high_school, no_staff, edge, high]


def _table(engine: Engine) -> pd.DataFrame:
    frame = pd.read_sql(text("SELECT * FROM lct.lct_calculations WHERE year = :y"), engine, params={"y": YEAR})
    return frame.drop(columns=["run_id"]).sort_values(["district_id", "staff_scope"]).reset_index(drop=True)


def test_incremental_after_every_kind_of_edit_equals_a_full_recompute(dagster_env: dict[str, str]) -> None:
    write_ccd_files(Path(dagster_env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR), _districts())
    engine = create_engine(dagster_env["LCT_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(EDGE_BELLS))
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 0
    before = _table(engine)
    with engine.begin() as conn:
        for statement in EDITS:
            conn.execute(text(statement))

    incremental = run_calculation(engine, YEAR, INCREMENTAL)
    after_incremental = _table(engine)
    full = run_calculation(engine, YEAR, FULL)
    after_full = _table(engine)
    engine.dispose()

    assert incremental.changed == [*MN, "5500001", "5500002", "5500003", "5500006", NO_STAFF, "5500099"]
    assert incremental.vanished == ["5500004"]
    # Districts that got a calculation: every changed one here (5500006 keeps its non-teacher scopes).
    assert incremental.districts_processed == len(incremental.changed)
    assert full.districts_processed == full.report["totals"]["districts"] == len(WI) + len(MN) + 4
    pd.testing.assert_frame_equal(after_incremental, after_full)
    assert not after_full.equals(before)  # the edits did change the numbers

    # The whole QA report, every count and statistic, whichever path produced the year.
    assert incremental.report == full.report
    totals = full.report["totals"]
    by_scope = totals["not_calculable"]["by_scope"]
    assert by_scope["teachers_elementary"]["reasons"]["zero_enrollment"] == 1  # the high-school district
    assert by_scope["teachers_only"]["reasons"]["zero_staff"] == 1  # 5500006 after its edit
    # 5500006: the four teacher scopes; the high-school district: teachers_elementary.
    assert totals["not_calculable"]["total"] == 4 + 1
    edge_rows = [r for r in full.report["outliers"]["rows"] if r["district_id"] == ROUNDING_EDGE]
    assert {"staff_scope": "teachers_only", "lct_value": 5.0, "kind": "low"}.items() <= edge_rows[0].items()
    assert any(r["district_id"] == HIGH_OUTLIER and r["kind"] == "high" for r in full.report["outliers"]["rows"])
    # The unrounded LCT is stored beside the contract value.
    assert (after_full["lct_value"] == after_full["lct_value_unrounded"].round(2)).all()
    assert not (after_full["lct_value"] == after_full["lct_value_unrounded"]).all()
