"""With `lct ui` running (webserver + daemon), an edit flows to the published numbers by itself.

`lct enrich --district` (answers on stdin) must lead, with no other action, to a
sensor-launched incremental run that recomputes exactly that district and
refreshes the views and exports; a state-requirement change must recompute
exactly that state's districts. The deadline below only stops a hung test; the
edit-to-views time is printed here and measured at full scale by `make bench`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import requests
from sqlalchemy import create_engine, text

from bench.edit_to_views import finished_sensor_runs
from lct_pipelines.cli.main import main
from lct_pipelines.exports.parquet import read_dataset
from lct_pipelines.sensors.enrichment_changes import SENSOR_NAME
from lct_pipelines.services.ports import free_port
from tests.ccd_factory import unified_district, write_ccd_files
from tests.dagster_ui import wait_until_loaded

YEAR = "2023-24"
WI = [f"55{n:05d}" for n in range(1, 6)]
MN = [f"27{n:05d}" for n in range(1, 4)]
ENRICHED = WI[1]
GIVE_UP_AFTER = 240.0
START_LIMIT = 480.0  # hang guards only: a start took minutes on 2 cores at load 30


@pytest.fixture
def ui(dagster_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    districts = [unified_district(leaid, f"WI {leaid}", "WI", per_grade=90 + i) for i, leaid in enumerate(WI)]
    districts += [unified_district(leaid, f"MN {leaid}", "MN", per_grade=120 + i) for i, leaid in enumerate(MN)]
    write_ccd_files(Path(dagster_env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR), districts)
    assert main(["run", "--data-dir", dagster_env["LCT_DATA_DIR"]]) == 0
    port = free_port()
    log = (tmp_path / "ui.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("lct")), "ui", "--port", str(port)],
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: one signal stops webserver, daemon and code server
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_LIMIT
    while time.monotonic() < deadline:
        assert process.poll() is None, (tmp_path / "ui.log").read_text()[-3000:]
        try:
            if requests.get(f"{url}/server_info", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    wait_until_loaded(url, START_LIMIT)  # the daemon ticks once the code location is loaded: the clock starts here
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def _latest_incremental(url: str, after: float) -> tuple[str, int] | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT run_id, districts_processed FROM lct.calculation_runs WHERE run_type = 'incremental' "
                "AND status = 'success' AND started_at > to_timestamp(:after) ORDER BY started_at DESC LIMIT 1"
            ),
            {"after": after},
        ).first()
    engine.dispose()
    return (row[0], row[1]) if row else None


def _wait_for_sensor_run(instance: dg.DagsterInstance, url: str, after: float) -> tuple[int, float]:
    """Districts processed by the run the sensor launched after `after`, and seconds from `after` to its end."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline:
        records = finished_sensor_runs(instance, SENSOR_NAME, datetime.fromtimestamp(after, UTC))
        if records:
            (record,) = records  # one change, one run
            assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS, f"run {record.dagster_run.run_id} failed"
            calculated = _latest_incremental(url, after)
            assert calculated is not None
            return calculated[1], record.end_time - after
        time.sleep(1)
    raise AssertionError(f"no sensor-launched run finished within {GIVE_UP_AFTER:.0f} s")


def test_an_enrich_edit_and_a_state_change_are_recomputed_by_the_daemon_alone(
    ui: str, dagster_env: dict[str, str]
) -> None:
    url = dagster_env["LCT_DATABASE_URL"]
    with dg.DagsterInstance.get() as instance:
        edited_at = time.time()
        subprocess.run(
            [str(Path(sys.executable).with_name("lct")), "enrich", "--district", ENRICHED, "--year", "2025-26"],
            input="400\n410\n420\ndistrict website\nhigh\n",
            text=True,
            check=True,
            capture_output=True,
        )
        processed, seconds = _wait_for_sensor_run(instance, url, edited_at)
        print(f"\nedit -> sensor run -> refreshed views and exports: {seconds:.1f} s")
        assert processed == 1

        engine = create_engine(url)
        with engine.connect() as conn:
            source = conn.execute(
                text("SELECT minutes_source FROM lct.mv_districts_with_lct_data WHERE leaid = :leaid"),
                {"leaid": ENRICHED},
            ).scalar_one()
        assert source == "bell_schedule"
        exported = read_dataset(Path(dagster_env["LCT_DATA_DIR"], "exports", "lct"), "calculations")
        assert set(exported.loc[exported["district_id"] == ENRICHED, "instructional_minutes_source"]) == {
            "bell_schedule"
        }

        changed_at = time.time()
        with engine.begin() as conn:
            conn.execute(text("UPDATE lct.state_requirements SET high_minutes = high_minutes + 20 WHERE state = 'MN'"))
        engine.dispose()
        processed, seconds = _wait_for_sensor_run(instance, url, changed_at)
        print(f"state requirement change -> refreshed views: {seconds:.1f} s")
        assert processed == len(MN)
