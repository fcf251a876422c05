"""Runs the `lct` commands launch in-process, recorded in the same Dagster instance the UI reads.

`lct run` materializes every asset of each school year; `lct warehouse refresh` runs the warehouse_refresh job.
Both show in the UI's run history. This module (with the rest of `cli/`) is the only place that imports the
definitions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from lct_pipelines.assets.partitions import SCHOOL_YEAR_PARTITIONS_NAME
from lct_pipelines.jobs import LAUNCHED_BY_TAG, LCT_PIPELINE_JOB, SCHOOL_YEAR_TAG
from lct_pipelines.resources import LandingZoneResource

QUIET_LOGGING = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class YearOutcome:
    school_year: str
    run_id: str
    success: bool
    seconds: float
    materialized: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class NoLandedFilesError(RuntimeError):
    """There is nothing to import."""


def discover_years(landing: LandingZoneResource, only: str | None = None) -> list[str]:
    years = landing.school_years()
    if only is not None:
        if only not in years:
            raise NoLandedFilesError(f"no CCD files for {only} under {landing.nces_dir}/{only}")
        return [only]
    if not years:
        raise NoLandedFilesError(
            f"no CCD files under {landing.nces_dir}/<YYYY-YY>/: run `lct demo-data` or copy the NCES files there"
        )
    return years


def step_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """'step: message' for every failed step of a run."""
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            messages.append(f"{event.step_key}: {event.step_failure_data.error.message.strip()}")
    return messages


def run_job(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job_name: str,
    *,
    launched_by: str,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    """Execute one job of the definitions in-process (console logs at WARNING), never raising on a failed step."""
    return defs.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        partition_key=partition_key,
        raise_on_error=False,
        run_config={**QUIET_LOGGING, **(run_config or {})},
        tags={LAUNCHED_BY_TAG: launched_by, **(tags or {})},
    )


def run_years(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    years: list[str],
    progress: Callable[[str], None] = print,
    csv: bool = False,
) -> list[YearOutcome]:
    instance.add_dynamic_partitions(SCHOOL_YEAR_PARTITIONS_NAME, years)
    outcomes = []
    for year in years:
        progress(f"run: {LCT_PIPELINE_JOB} for {year} ...")
        started = time.perf_counter()
        result = run_job(
            defs,
            instance,
            LCT_PIPELINE_JOB,
            launched_by="lct run",
            partition_key=year,
            run_config={"ops": {"lct_exports": {"config": {"csv": csv}}}},
            tags={SCHOOL_YEAR_TAG: year},
        )
        outcome = YearOutcome(
            school_year=year,
            run_id=result.run_id,
            success=result.success,
            seconds=time.perf_counter() - started,
            materialized=sorted(
                e.asset_key.to_user_string() for e in result.get_asset_materialization_events() if e.asset_key
            ),
            failures=step_failures(result),
        )
        mark = "ok" if outcome.success else "FAILED"
        progress(
            f"run: {year} {mark} in {outcome.seconds:.1f}s ({len(outcome.materialized)} assets), "
            f"run id {outcome.run_id}"
        )
        for failure in outcome.failures:
            progress(f"  {failure}")
        outcomes.append(outcome)
    return outcomes
