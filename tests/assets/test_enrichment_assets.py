"""The enrichment input assets apply their file only when it is new or changed: the newest edit wins."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from sqlalchemy import create_engine, text

from lct_pipelines.assets.enrichment import bell_schedules, state_requirements
from lct_pipelines.resources import LandingZoneResource, PostgresResource

HEADER = (
    "district_id,district_name,state,year,grade_level,instructional_minutes,start_time,end_time,"
    "lunch_duration,source,confidence,method,notes\n"
)


def _materialize(instance: dg.DagsterInstance, data_dir: Path, url: str) -> None:
    result = dg.materialize(
        [state_requirements, bell_schedules],
        instance=instance,
        resources={"postgres": PostgresResource(url=url), "landing": LandingZoneResource(data_dir=str(data_dir))},
    )
    assert result.success


def _one(url: str, sql: str) -> object:
    engine = create_engine(url)
    with engine.begin() as conn:
        value = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def _edit(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def test_an_unchanged_file_does_not_undo_later_edits_and_a_changed_file_applies(
    tmp_path: Path, database_url: str
) -> None:
    csv = tmp_path / "raw" / "bell_schedules.csv"
    csv.parent.mkdir(parents=True)
    csv.write_text(HEADER + "5500001,D1,WI,2024-25,elementary,350,,,,web,high,m,\n")
    minutes = "SELECT instructional_minutes FROM lct.bell_schedules WHERE leaid = '5500001'"
    wi_minutes = "SELECT elementary_minutes FROM lct.state_requirements WHERE state = 'WI'"
    with dg.instance_for_test() as instance:
        _materialize(instance, tmp_path, database_url)
        assert _one(database_url, minutes) == 350
        seeded = _one(database_url, wi_minutes)

        _edit(database_url, "UPDATE lct.bell_schedules SET instructional_minutes = 400 WHERE leaid = '5500001'")
        _edit(database_url, "UPDATE lct.state_requirements SET elementary_minutes = 333 WHERE state = 'WI'")
        _materialize(instance, tmp_path, database_url)  # same file, same seed: the edits stay
        assert _one(database_url, minutes) == 400
        assert _one(database_url, wi_minutes) == 333

        csv.write_text(HEADER + "5500001,D1,WI,2024-25,elementary,360,,,,web,high,m,\n")
        _materialize(instance, tmp_path, database_url)  # a changed file is the newest edit
        assert _one(database_url, minutes) == 360

        _edit(database_url, "DELETE FROM lct.state_requirements")
        _materialize(instance, tmp_path, database_url)  # an emptied table is seeded again
        assert _one(database_url, wi_minutes) == seeded
