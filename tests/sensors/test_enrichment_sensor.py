"""The enrichment sensor on a calculated year: an edit requests one incremental run of exactly what it touches.

Runs the real pipeline first (`lct run`), edits through the real paths
(`lct enrich --district`, an UPDATE of a state requirement), evaluates the
sensor with `build_sensor_context`, then executes the run it requested.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from lct_pipelines.cli.main import main
from lct_pipelines.definitions import defs
from lct_pipelines.enrichment.interactive import enrich_district
from lct_pipelines.exports.parquet import read_dataset
from lct_pipelines.jobs import LCT_INCREMENTAL_JOB
from lct_pipelines.resources import PostgresResource
from lct_pipelines.sensors.enrichment_changes import lct_enrichment_sensor
from tests.ccd_factory import unified_district, write_ccd_files

YEAR = "2023-24"
WI = [f"55{n:05d}" for n in range(1, 7)]
MN = [f"27{n:05d}" for n in range(1, 5)]
ENRICHED = WI[2]


def _scalar(url: str, sql: str, **params: object) -> object:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar_one()
    engine.dispose()
    return value


def _tick(instance: dg.DagsterInstance, url: str, cursor: str | None) -> dg.SensorResult:
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"postgres": PostgresResource(url=url)}
    ) as context:
        result = lct_enrichment_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def _execute(instance: dg.DagsterInstance, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
    result = defs.resolve_job_def(LCT_INCREMENTAL_JOB).execute_in_process(
        instance=instance, partition_key=request.partition_key, tags=request.tags, raise_on_error=False
    )
    assert result.success
    return result


@pytest.fixture
def calculated(dagster_env: dict[str, str]) -> dict[str, str]:
    districts = [unified_district(leaid, f"WI {leaid}", "WI", per_grade=90 + i) for i, leaid in enumerate(WI)]
    districts += [unified_district(leaid, f"MN {leaid}", "MN", per_grade=120 + i) for i, leaid in enumerate(MN)]
    write_ccd_files(Path(dagster_env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR), districts)
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 0
    return dagster_env


def test_an_enrichment_edit_then_a_state_change_each_launch_one_run_of_exactly_their_districts(
    calculated: dict[str, str],
) -> None:
    url = calculated["LCT_DATABASE_URL"]
    with dg.DagsterInstance.get() as instance:
        quiet = _tick(instance, url, None)
        assert quiet.run_requests == []

        answers = iter(["400", "410", "420", "district website", "high"])
        enrich_district(url, ENRICHED, year="2025-26", input_fn=lambda _prompt: next(answers), out=io.StringIO())
        edited = _tick(instance, url, quiet.cursor)
        (request,) = edited.run_requests
        assert request.partition_key == YEAR and request.tags["lct/districts_changed"] == "1"
        assert request.run_key.startswith(f"lct-incremental:{YEAR}:")
        assert _tick(instance, url, edited.cursor).run_requests == []  # the same change, seen again
        assert json.loads(edited.cursor) == {YEAR: json.loads(edited.cursor)[YEAR]}

        result = _execute(instance, request)
        metadata = result.asset_materializations_for_node("lct_calculations")[0].metadata
        assert metadata["districts_processed"].value == 1 and metadata["run_type"].value == "incremental"
        assert (
            _scalar(url, "SELECT districts_processed FROM lct.calculation_runs ORDER BY started_at DESC LIMIT 1") == 1
        )
        assert (
            _scalar(  # the view was refreshed by the run
                url, "SELECT minutes_source FROM lct.mv_districts_with_lct_data WHERE leaid = :leaid", leaid=ENRICHED
            )
            == "bell_schedule"
        )
        exported = read_dataset(Path(calculated["LCT_DATA_DIR"], "exports", "lct"), "calculations")
        sources = set(exported.loc[exported["district_id"] == ENRICHED, "instructional_minutes_source"])
        assert sources == {"bell_schedule"}
        assert _tick(instance, url, edited.cursor).run_requests == []  # calculated: nothing pending

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE lct.state_requirements SET elementary_minutes = 345 WHERE state = 'WI'"))
        engine.dispose()
        state_change = _tick(instance, url, edited.cursor)
        (request,) = state_change.run_requests
        assert request.tags["lct/districts_changed"] == str(len(WI))
        _execute(instance, request)
        assert _scalar(
            url, "SELECT districts_processed FROM lct.calculation_runs ORDER BY started_at DESC LIMIT 1"
        ) == len(WI)
        changed_ids = _scalar(
            url,
            "SELECT array_agg(DISTINCT district_id ORDER BY district_id) FROM lct.lct_calculations "
            "WHERE run_id = (SELECT run_id FROM lct.calculation_runs ORDER BY started_at DESC LIMIT 1)",
        )
        assert changed_ids == WI
