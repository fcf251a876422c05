"""The LCT checks run alone, as the UI's "Execute all" runs them: no calculation step in the run.

They must evaluate the latest calculation of the partition given (no partition: of the latest school year) and
give exactly the results the materialization of that calculation gave.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from lct_pipelines.assets.lct import CALCULATIONS_KEY
from lct_pipelines.cli.launch import run_years
from lct_pipelines.definitions import defs
from lct_pipelines.services.settings import Settings
from lct_pipelines.services.up import prepare_dagster_home
from tests.ccd_factory import unified_district, write_ccd_files

GOOD_YEAR, BAD_YEAR = "2023-24", "2022-23"  # the latest year passes; the older one breaks a hierarchy rule
BROKEN_RULE = "hierarchy_teachers_secondary_lt_teachers_only"


def _write_years(data_dir: Path) -> None:
    good = [unified_district(f"55{n:05d}", f"D{n}", per_grade=80 + 10 * n) for n in range(1, 6)]
    bad = [
        unified_district(f"55{n:05d}", f"D{n}", elementary_teachers=5.0, secondary_teachers=60.0) for n in range(1, 6)
    ]
    write_ccd_files(data_dir / "raw" / "nces_ccd" / GOOD_YEAR, good, GOOD_YEAR)
    write_ccd_files(data_dir / "raw" / "nces_ccd" / BAD_YEAR, bad, BAD_YEAR)


def check_results(instance: dg.DagsterInstance, run_id: str) -> dict[str, tuple[bool, dict[str, Any]]]:
    """Check name -> (passed, metadata values) of every check evaluation the run recorded."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    results = {}
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        results[evaluation.check_name] = (
            evaluation.passed,
            {key: value.value for key, value in evaluation.metadata.items()},
        )
    return results


def _checks_only(instance: dg.DagsterInstance, partition: str | None) -> dg.ExecuteInProcessResult:
    """The checks of the calculations without the calculation: the run the UI's "Execute all" launches."""
    checks = defs.get_repository_def().asset_graph.get_check_keys_for_assets({CALCULATIONS_KEY})
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection=set(), asset_check_selection=set(checks)
    )
    tags = {"dagster/partition": partition} if partition else None
    return job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)


@pytest.fixture
def instance_home(dagster_env: dict[str, str]) -> dict[str, str]:
    prepare_dagster_home(Settings.from_env())
    return dagster_env


@pytest.fixture
def calculated(instance_home: dict[str, str]) -> dict[str, str]:
    """Both years materialized the way `lct run` does it; school year -> Dagster run id."""
    dagster_env = instance_home
    _write_years(Path(dagster_env["LCT_DATA_DIR"]))
    with dg.DagsterInstance.get() as instance:
        outcomes = run_years(defs, instance, [BAD_YEAR, GOOD_YEAR], progress=lambda _m: None)
    return {outcome.school_year: outcome.run_id for outcome in outcomes}


def test_the_checks_alone_give_the_results_of_the_materialization(calculated: dict[str, str]) -> None:
    """No partition (what the UI sends) evaluates the latest school year; a partition, that year."""
    with dg.DagsterInstance.get() as instance:
        for partition in (None, GOOD_YEAR, BAD_YEAR):
            year = partition or GOOD_YEAR
            materialized = check_results(instance, calculated[year])
            alone = _checks_only(instance, partition)
            evaluated = check_results(instance, alone.run_id)
            assert len(materialized) == 9
            assert not any(event.is_step_materialization for event in alone.all_events)
            assert evaluated == materialized, partition
            assert evaluated[BROKEN_RULE][0] is (year == GOOD_YEAR)
            assert {metadata["year"] for _passed, metadata in evaluated.values() if "year" in metadata} == {year}
    _passed, metadata = materialized[BROKEN_RULE]
    for key in ("left_mean", "right_mean"):  # what the UI shows: rounded, not 29.10751050868301
        assert metadata[key] == round(metadata[key], 2)


def test_the_checks_alone_fail_plainly_before_any_calculation(instance_home: dict[str, str]) -> None:
    with dg.DagsterInstance.get() as instance:
        alone = _checks_only(instance, None)
        evaluated = check_results(instance, alone.run_id)
    assert len(evaluated) == 9
    assert all(not passed and metadata["problem"] for passed, metadata in evaluated.values())
