"""The Dagster UI in a real browser, driven as a user drives it: headless Chromium (Playwright) at a real `lct ui`
on a small demo stack, built the way `make demo` builds it and shared by every test of this module.

How fast the UI's paths are is measured in `make bench` (P9: a partition from its asset page against the job;
P4b: an edit to refreshed views); the limits here only stop a hung test.
"""

from __future__ import annotations

import csv
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from bench.edit_to_views import finished_sensor_runs
from lct_pipelines.assets.lct import CALCULATIONS_KEY
from lct_pipelines.cli.main import main
from lct_pipelines.definitions import defs
from lct_pipelines.enrichment.bell_schedule_file import COLUMNS as BELL_SCHEDULE_COLUMNS
from lct_pipelines.sensors.enrichment_changes import SENSOR_NAME as ENRICHMENT_SENSOR
from tests.assets.test_lct_checks_alone import check_results
from tests.conftest import create_database, drop_database
from tests.dagster_ui import wait_until_loaded
from tests.ui.conftest import LCT, UI_START_LIMIT, RunningUi, require_chromium, start_lct_ui

# The first test also builds the shared demo and starts the UI (5-7 min on 2 loaded cores): more than the
# suite's 600 s per test. A hang guard, not a speed figure.
pytestmark = pytest.mark.timeout(1800)

YEAR = "2023-24"  # the year `lct demo-data` writes
RUN_LIMIT_MS = 300_000  # a run the UI launched must be shown finished by then (a hung-test limit)
ROW = "[class*=VirtualizedTable_row]"  # one row of the UI's runs and automation lists


@dataclass
class DemoStack:
    ui: RunningUi
    env: dict[str, str]
    root: Path

    @property
    def url(self) -> str:
        return self.ui.url


def _make_demo(docs: Path) -> None:
    """What `make demo` runs, at small scale (the servers are the test session's)."""
    assert main(["demo-data", "--scale", "small"]) == 0
    assert main(["warehouse", "demo-data", "--students", "400"]) == 0
    assert main(["warehouse", "refresh", "--all"]) == 0
    assert main(["run"]) == 0
    assert main(["docs", "dictionary", "--output-dir", str(docs)]) == 0


@pytest.fixture(scope="module")
def stack(pg_server: Any, redis_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_chromium()  # before the demo is built, and before Playwright's loop runs beside in-process Dagster runs
    root = tmp_path_factory.mktemp("ui_demo")
    data_db, dagster_db = create_database(pg_server), create_database(pg_server, template="postgres")
    env = {
        "LCT_HOME": str(root / "lct_home"),
        "LCT_DATA_DIR": str(root / "data"),
        "LCT_DATABASE_URL": pg_server.url(data_db),
        "DAGSTER_PG_URL": pg_server.url(dagster_db),
        "LCT_REDIS_URL": redis_server.url(),
        "DAGSTER_HOME": str(root / "lct_home" / "dagster"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        for key in ("LCT_REPLICA_URL", "LCT_READER_URL", "LCT_ALERT_WEBHOOK_URL"):
            patch.delenv(key, raising=False)
        _make_demo(root / "docs")
        ui = start_lct_ui(dict(os.environ), root / "ui.log")
        try:
            wait_until_loaded(ui.url, UI_START_LIMIT)
            yield DemoStack(ui, env, root)
        finally:
            ui.stop()
    drop_database(pg_server, data_db)
    drop_database(pg_server, dagster_db)


def _new_runs(instance: dg.DagsterInstance, since: float, **filters: Any) -> list[dg.DagsterRun]:
    created = datetime.fromtimestamp(since, UTC)
    return list(instance.get_runs(filters=dg.RunsFilter(created_after=created, **filters)))


def _launched_run(instance: dg.DagsterInstance, since: float, **filters: Any) -> dg.DagsterRun:
    """The one run created since `since` (the click) that matches `filters`."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = _new_runs(instance, since, **filters)
        if runs:
            (run,) = runs
            return run
        time.sleep(0.5)
    raise AssertionError("the click launched no run")


def _runs_page_shows(page: Any, url: str, run: dg.DagsterRun, *texts: str) -> None:
    """The runs page lists the run (by its short id) with these texts in its row, once it has finished."""
    from playwright.sync_api import expect

    page.goto(f"{url}/runs")
    row = page.locator(ROW).filter(has_text=run.run_id[:8])
    expect(row).to_contain_text("Success", timeout=RUN_LIMIT_MS)
    for expected in texts:
        expect(row).to_contain_text(expected)


def test_the_global_lineage_shows_every_group(stack: DemoStack, page: Any) -> None:
    from playwright.sync_api import expect

    graph = defs.get_repository_def().asset_graph
    groups = sorted({graph.get(key).group_name for key in graph.get_all_asset_keys()})
    assert len(groups) == 9
    page.goto(f"{stack.url}/asset-groups")
    expect(page.get_by_text("Global asset lineage")).to_be_visible()
    for group in groups:
        expect(page.get_by_text(group, exact=True).first).to_be_visible()


def test_the_asset_page_shows_the_qa_dashboard_and_the_chart(stack: DemoStack, page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{stack.url}/assets/lct/lct_qa_report")
    dashboard = page.locator("tr", has=page.get_by_text("dashboard", exact=True))
    dashboard.get_by_text("[Show Markdown]").click()
    expect(page.get_by_role("dialog")).to_contain_text(f"LCT QA {YEAR}: PASS")
    expect(page.get_by_role("dialog")).to_contain_text("Hierarchy checks: 6/6")
    page.screenshot(path=str(tmp_path / "qa_dashboard.png"))
    page.get_by_role("button", name="Close").click()
    chart = page.locator("tr", has=page.get_by_text("chart", exact=True))
    chart.get_by_text("[Show Markdown]").click()
    image = page.get_by_role("dialog").locator('img[src^="data:image/png;base64,"]')
    expect(image).to_be_visible()
    image.evaluate("img => img.decode()")  # rejects unless the browser decoded a picture
    assert image.evaluate("img => img.naturalWidth") > 500


def test_the_automation_page_lists_every_schedule_and_sensor_running(stack: DemoStack, page: Any) -> None:
    from playwright.sync_api import expect

    repository = defs.get_repository_def()
    names = sorted([s.name for s in repository.schedule_defs] + [s.name for s in repository.sensor_defs])
    assert len(names) == 10  # 6 schedules (warehouse_full_rebuild_weekly among them), 4 sensors
    page.goto(f"{stack.url}/automation")
    for name in names:
        row = page.locator(ROW).filter(has=page.get_by_text(name, exact=True))
        expect(row).to_have_count(1)
        expect(row.locator("input[type=checkbox]").last).to_be_checked()  # its running toggle


def test_after_the_demo_only_the_external_sources_were_never_materialized(stack: DemoStack, page: Any) -> None:
    """make demo materializes every asset; NCES's files and the platform's tables are observed, not built."""
    from playwright.sync_api import expect

    graph = defs.get_repository_def().asset_graph
    keys = graph.get_all_asset_keys()
    with dg.DagsterInstance.get() as instance:
        never = [k for k in keys if graph.get(k).is_materializable and not instance.get_latest_materialization_event(k)]
        files = [k for k in keys if k.path[0] == "nces_ccd"]
        observed = {k for k in files if instance.fetch_observations(k, limit=1).records}
    assert never == []
    assert len(files) == 3 and observed == set(files)
    page.goto(f"{stack.url}/assets/nces_ccd/membership_file")
    expect(page.get_by_text("Latest observation").first).to_be_visible()
    expect(page.get_by_text("Never materialized")).to_have_count(0)


def test_one_partition_materialized_from_its_asset_page_succeeds(stack: DemoStack, page: Any) -> None:
    page.goto(f"{stack.url}/assets/lct/lct_calculations")
    clicked = time.time()
    page.get_by_role("button", name="Materialize…").click()
    page.get_by_role("button", name="Confirm").click()  # the QA report comes along: one multi-asset step
    page.get_by_text("Select a partition or create one").click()
    page.get_by_role("menuitem", name=YEAR).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Launch 1 run").click()
    with dg.DagsterInstance.get() as instance:
        run = _launched_run(instance, clicked, job_name="__ASSET_JOB")
        _runs_page_shows(page, stack.url, run, "Manually launched")
        finished = instance.get_run_record_by_id(run.run_id)
        engine_events = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
    assert finished.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    assert finished.dagster_run.tags["dagster/partition"] == YEAR
    assert any("Executing steps in process" in (e.message or "") for e in engine_events)  # not multiprocess
    print(f"\nclick to success: {finished.end_time - clicked:.1f} s (measured in make bench as P9)")


def test_execute_all_on_the_checks_gives_each_the_result_of_the_materialization(stack: DemoStack, page: Any) -> None:
    from playwright.sync_api import expect

    with dg.DagsterInstance.get() as instance:
        materialized = instance.get_latest_materialization_event(CALCULATIONS_KEY)
        expected = check_results(instance, materialized.run_id)
        page.goto(f"{stack.url}/assets/lct/lct_calculations?view=checks")
        clicked = time.time()
        page.get_by_role("button", name="Execute all").click()
        run = _launched_run(instance, clicked)
        _runs_page_shows(page, stack.url, run)
        evaluated = check_results(instance, run.run_id)
        events = [e.dagster_event for e in instance.all_logs(run.run_id) if e.dagster_event]
    assert not any(event.is_step_materialization for event in events)  # checks only, as the UI launches them
    assert len(expected) == 9 and all(passed for passed, _metadata in expected.values())
    assert evaluated == expected
    page.goto(f"{stack.url}/assets/lct/lct_calculations?view=checks")
    expect(page.get_by_text("Checks (9)")).to_be_visible()
    expect(page.get_by_text("Succeeded", exact=True)).to_have_count(9)  # each check's latest execution


def _bell_schedule_csv(path: Path, database_url: str) -> str:
    """Three levels of minutes for one demo district; its LEAID."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        leaid, name, state = conn.execute(
            text("SELECT leaid, lea_name, state FROM nces.lea_directory ORDER BY leaid LIMIT 1")
        ).one()
    engine.dispose()
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=BELL_SCHEDULE_COLUMNS)
        writer.writeheader()
        for level, minutes in (("elementary", 355), ("middle", 365), ("high", 375)):
            writer.writerow(
                {
                    "district_id": leaid,
                    "district_name": name,
                    "state": state,
                    "year": "2024-25",
                    "grade_level": level,
                    "instructional_minutes": minutes,
                    "confidence": "high",
                    "method": "bell schedule minus lunch",
                    "source": "district website",
                }
            )
    return leaid


def test_an_enrich_import_leads_to_a_sensor_launched_run_the_runs_page_shows_succeeding(
    stack: DemoStack, page: Any, tmp_path: Path
) -> None:
    leaid = _bell_schedule_csv(tmp_path / "bell_schedules.csv", stack.env["LCT_DATABASE_URL"])
    typed = time.time()
    subprocess.run([LCT, "enrich", "import", str(tmp_path / "bell_schedules.csv")], check=True, capture_output=True)
    with dg.DagsterInstance.get() as instance:
        deadline = time.monotonic() + RUN_LIMIT_MS / 1000
        while not (runs := finished_sensor_runs(instance, ENRICHMENT_SENSOR, datetime.fromtimestamp(typed, UTC))):
            assert time.monotonic() < deadline, "the enrichment sensor launched no run"
            time.sleep(1)
    (run,) = (record.dagster_run for record in runs)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags["lct/districts_changed"] == "1"
    _runs_page_shows(page, stack.url, run, ENRICHMENT_SENSOR, "lct_incremental")
    print(f"\n{leaid}: import to sensor run shown succeeding: {time.time() - typed:.1f} s (P4b measures it)")
