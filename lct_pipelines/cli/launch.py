"""Runs the `lct` commands launch in-process, recorded in the same Dagster instance the UI reads.

`lct run` materializes every asset of each school year; `lct warehouse refresh` runs the warehouse_refresh job.
Both show in the UI's run history. This module (with the rest of `cli/`) is the only place that imports the
definitions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from lct_pipelines.assets.partitions import SCHOOL_YEAR_PARTITIONS_NAME
from lct_pipelines.cli.errors import debug_enabled, first_line
from lct_pipelines.jobs import LAUNCHED_BY_TAG, LCT_PIPELINE_JOB, SCHOOL_YEAR_TAG
from lct_pipelines.resources import LandingZoneResource
from lct_pipelines.sensors.dead_runs import worker_tags


def console_logging() -> dict[str, Any]:
    """Dagster's console logger silenced: we print each failure and warning in one line ourselves.

    Its ERROR lines carry whole stack traces (a failed import printed ~130 lines); LCT_DEBUG=1 brings them back.
    """
    level = "WARNING" if debug_enabled() else "CRITICAL"
    return {"loggers": {"console": {"config": {"log_level": level}}}}


@dataclass
class YearOutcome:
    school_year: str
    run_id: str
    success: bool
    seconds: float
    materialized: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


FAILURE_PREFIX = "dagster._core.definitions.events.Failure: "


def step_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """'step: message' (its first line: the stack stays in the run's log) for every failed step of a run."""
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            # A dg.Failure's description says it all; another exception keeps its class name.
            message = first_line(event.step_failure_data.error.message).removeprefix(FAILURE_PREFIX)
            messages.append(f"{event.step_key}: {message}")
    return messages


def run_warnings(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The first line of every warning the run's steps logged (e.g. a replica not used), oldest first.

    Errors are left out: a failed step is reported by `step_failures`, and the engine logs every step it then
    skips as an error ("Dependencies for step ... failed").
    """
    return [
        first_line(record.user_message)
        for record in instance.all_logs(run_id)
        if record.dagster_event is None and logging.WARNING <= record.level < logging.ERROR
    ]


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
    """Execute one job of the definitions in-process, never raising on a failed step.

    The run carries this process's host and pid, so a run left STARTED by a killed process is recognised as
    dead (sensors/dead_runs.py) and failed instead of blocking the year for ever.
    """
    return defs.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        partition_key=partition_key,
        raise_on_error=False,
        run_config={**console_logging(), **(run_config or {})},
        tags={LAUNCHED_BY_TAG: launched_by, **worker_tags(), **(tags or {})},
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
            warnings=run_warnings(instance, result.run_id),
        )
        mark = "ok" if outcome.success else "FAILED"
        progress(
            f"run: {year} {mark} in {outcome.seconds:.1f}s ({len(outcome.materialized)} assets), "
            f"run id {outcome.run_id}"
        )
        for warning in outcome.warnings:
            progress(f"  warning: {warning}")
        for failure in outcome.failures:
            progress(f"  failed: {failure}")
        outcomes.append(outcome)
    return outcomes
