"""The landing sensor through `build_sensor_context`: new, changed, unchanged, restarted, repeated, imported."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import pytest
from psycopg2.extras import Json

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import transaction
from lct_pipelines.project import sha256_of
from lct_pipelines.resources import LandingZoneResource, PostgresResource
from lct_pipelines.sensors.landing_scan import LandingCursor
from lct_pipelines.sensors.nces_landing import nces_landing_sensor
from tests.ccd_factory import unified_district, write_ccd_files

YEAR = "2023-24"
AN_HOUR_AGO = time.time() - 3600


def _land(data_dir: Path, districts: int = 3, year: str = YEAR) -> Path:
    folder = data_dir / "raw" / "nces_ccd" / year
    write_ccd_files(folder, [unified_district(f"55{n:05d}", f"D{n}") for n in range(1, districts + 1)], year)
    for path in folder.iterdir():
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))  # settled: not being copied any more
    return folder


class Tick:
    """Evaluates the sensor as the daemon would: same instance, the cursor of the previous tick."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.instance = dg.DagsterInstance.ephemeral()
        self.resources = {
            "landing": LandingZoneResource(data_dir=str(data_dir)),
            "postgres": PostgresResource(url=database_url),
        }
        self.cursor: str | None = None

    def __call__(self, cursor: str | None = None) -> dg.SensorResult:
        with dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor if cursor is None else cursor, resources=self.resources
        ) as context:
            result = nces_landing_sensor(context)
        assert isinstance(result, dg.SensorResult)
        self.cursor = result.cursor
        for request in result.dynamic_partitions_requests or []:  # what the daemon does with them
            self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        return result


@pytest.fixture
def tick(tmp_path: Path, database_url: str) -> Tick:
    return Tick(tmp_path / "data", database_url)


def test_new_files_add_the_partition_and_request_a_full_run_of_the_year(tick: Tick, tmp_path: Path) -> None:
    folder = _land(tmp_path / "data")
    result = tick()
    assert [(r.partition_key, r.tags["lct/school_year"]) for r in result.run_requests] == [(YEAR, YEAR)]
    assert [list(r.partition_keys) for r in result.dynamic_partitions_requests] == [[YEAR]]
    digests = sorted(sha256_of(p) for p in folder.iterdir())
    assert result.run_requests[0].run_key.startswith(f"nces:{YEAR}:")
    assert sorted(state[2] for state in LandingCursor.parse(result.cursor).files.values()) == digests


def test_no_change_and_a_restart_with_the_saved_cursor_request_nothing(tick: Tick, tmp_path: Path) -> None:
    _land(tmp_path / "data")
    saved = tick().cursor
    assert tick().run_requests == []
    restarted = Tick(tmp_path / "data", tick.resources["postgres"].url)  # a new daemon: fresh process state
    restarted.instance = tick.instance
    result = restarted(cursor=saved)
    assert result.run_requests == [] and result.cursor == saved


def test_a_changed_file_requests_one_run_with_a_new_run_key_once(tick: Tick, tmp_path: Path) -> None:
    folder = _land(tmp_path / "data")
    first = tick().run_requests[0].run_key
    membership = next(folder.glob("*_052_*"))
    membership.write_text(membership.read_text().replace(",Reported", ",Reported ", 1))
    os.utime(membership, (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))
    before_change = tick.cursor
    changed = tick()
    assert len(changed.run_requests) == 1 and changed.run_requests[0].run_key != first
    assert changed.dynamic_partitions_requests in (None, [])  # the partition exists already
    assert tick().run_requests == []  # the same change on the next tick: nothing more
    # A tick whose cursor was lost (it failed before saving) asks again with the same key, which Dagster
    # refuses to launch twice.
    assert tick(cursor=before_change).run_requests[0].run_key == changed.run_requests[0].run_key


def test_files_already_imported_launch_nothing(tick: Tick, tmp_path: Path, database_url: str) -> None:
    folder = _land(tmp_path / "data")
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        for kind, path in zip(("directory", "membership", "staff"), sorted(folder.iterdir()), strict=True):
            cur.execute(
                load_sql("nces/insert_import_report.sql"),
                {"school_year": YEAR, "kind": kind, "file": str(path), "sha256": sha256_of(path), "report": Json({})},
            )
    engine.dispose()
    tick.instance.add_dynamic_partitions("school_year", [YEAR])  # `lct run` imported them
    result = tick()
    assert result.run_requests == []


def test_a_file_still_being_written_or_a_missing_file_waits(tick: Tick, tmp_path: Path) -> None:
    folder = _land(tmp_path / "data")
    staff = next(folder.glob("*_059_*"))
    os.utime(staff)  # just now: a copy may be under way
    waiting = tick()
    assert waiting.run_requests == [] and "still being written" in waiting.skip_reason.skip_message
    staff.unlink()
    missing = tick()
    assert missing.run_requests == [] and "2 of 3 files" in missing.skip_reason.skip_message
    _land(tmp_path / "data")
    assert len(tick().run_requests) == 1


def _observed(result: dg.SensorResult) -> dict[str, dict]:
    """Asset key -> (partition, metadata values) of the observations the tick records."""
    return {
        event.asset_key.to_user_string(): {
            "partition": event.partition,
            **{k: v.value for k, v in event.metadata.items()},
        }
        for event in result.asset_events
        if isinstance(event, dg.AssetObservation)
    }


def test_each_new_or_changed_file_is_observed_with_its_size_hash_and_rows_once_imported(
    tick: Tick, tmp_path: Path, database_url: str
) -> None:
    folder = _land(tmp_path / "data")
    first = _observed(tick())
    assert set(first) == {"nces_ccd/directory_file", "nces_ccd/membership_file", "nces_ccd/staff_file"}
    directory = next(folder.glob("*_029_*"))
    assert first["nces_ccd/directory_file"] == {
        "partition": YEAR,
        "path": str(directory),
        "size_bytes": directory.stat().st_size,
        "sha256": sha256_of(directory),
    }
    assert _observed(tick()) == {}  # unchanged: nothing new to record

    engine = build_engine(database_url)  # the membership file gets imported, then edited
    membership = next(folder.glob("*_052_*"))
    membership.write_text(membership.read_text().replace(",Reported", ",Reported ", 1))
    os.utime(membership, (AN_HOUR_AGO + 60, AN_HOUR_AGO + 60))
    with transaction(engine) as cur:
        cur.execute(
            load_sql("nces/insert_import_report.sql"),
            {
                "school_year": YEAR,
                "kind": "membership",
                "file": str(membership),
                "sha256": sha256_of(membership),
                "report": Json({"rows_read": 42}),
            },
        )
    engine.dispose()
    changed = _observed(tick())
    assert set(changed) == {"nces_ccd/membership_file"}
    assert changed["nces_ccd/membership_file"]["rows"] == 42
