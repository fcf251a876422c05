"""The enrichment inputs as assets: statutory minutes per state, and bell schedules."""

import dagster as dg

from lct_pipelines.assets.constants import ENRICHMENT_GROUP
from lct_pipelines.assets.locks import holding
from lct_pipelines.assets.metadata import markdown_table, model_schema
from lct_pipelines.db.matviews import count_rows
from lct_pipelines.db.write_locks import ENRICHMENT_INPUTS_RESOURCE
from lct_pipelines.enrichment.bell_schedule_file import BellScheduleFileError, read_bell_schedule_file
from lct_pipelines.enrichment.store import (
    load_state_requirements,
    state_requirements_seed_sha256,
    upsert_bell_schedules,
)
from lct_pipelines.project import sha256_of
from lct_pipelines.resources import LandingZoneResource, PostgresResource

STATE_REQUIREMENTS_KEY = dg.AssetKey(["lct", "state_requirements"])
BELL_SCHEDULES_KEY = dg.AssetKey(["lct", "bell_schedules"])


def _already_loaded(context: dg.AssetExecutionContext, digest: str, rows_now: int) -> bool:
    """The same file was applied by this asset's last materialization and the table still holds rows.

    Re-applying an unchanged file would undo edits made since (`lct enrich`, a corrected state minute);
    the newest edit wins, and a changed file is an edit too.
    """
    event = context.instance.get_latest_materialization_event(context.asset_key)
    materialization = event.asset_materialization if event else None
    found = materialization.metadata.get("sha256") if materialization else None
    return found is not None and found.value == digest and rows_now > 0


@dg.asset(
    key=STATE_REQUIREMENTS_KEY,
    group_name=ENRICHMENT_GROUP,
    kinds={"postgres"},
    metadata={
        "dagster/table_name": "lct.state_requirements",
        "dagster/column_schema": model_schema("lct.state_requirements"),
    },
    description="Statutory daily instructional minutes per state and level (NCES State Education Reforms "
    "table 1.1, 2020), from the project's seed file; DC and the territories have none (300-minute default). "
    "Loaded when the seed is new or changed, so a correction made in the table since is kept.",
)
def state_requirements(context: dg.AssetExecutionContext, postgres: PostgresResource) -> dg.MaterializeResult:
    digest = state_requirements_seed_sha256()
    # Two runs (of any years) loading the seed at once would both swap the whole table: one at a time.
    with holding(context, postgres, ENRICHMENT_INPUTS_RESOURCE), postgres.transaction() as cur:
        rows = count_rows(cur, "lct.state_requirements")
        if _already_loaded(context, digest, rows):
            context.log.info("seed unchanged since its last load: table kept as is")
        else:
            rows = load_state_requirements(cur)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "sha256": digest})


@dg.asset(
    key=BELL_SCHEDULES_KEY,
    group_name=ENRICHMENT_GROUP,
    kinds={"postgres"},
    metadata={
        "dagster/table_name": "lct.bell_schedules",
        "dagster/column_schema": model_schema("lct.bell_schedules"),
    },
    description="Actual daily instructional minutes per district, year and level. Upserted from "
    "$LCT_DATA_DIR/raw/bell_schedules.csv when the file is new or changed since its last load (so a later "
    "`lct enrich` edit is not overwritten by an unchanged file); rows saved by `lct enrich` are never removed.",
)
def bell_schedules(
    context: dg.AssetExecutionContext, landing: LandingZoneResource, postgres: PostgresResource
) -> dg.MaterializeResult:
    path = landing.bell_schedules_csv
    metadata: dict[str, object] = {"file": dg.MetadataValue.path(str(path))}
    digest = sha256_of(path) if path.exists() else None
    with postgres.transaction() as cur:
        total = count_rows(cur, "lct.bell_schedules")
    if digest is not None and _already_loaded(context, digest, total):
        context.log.info(f"{path} unchanged since its last load: not re-applied (later edits are kept)")
        metadata["sha256"] = digest
        metadata["file_unchanged"] = True
    elif digest is not None:
        metadata["sha256"] = digest
        try:
            parsed = read_bell_schedule_file(path)
        except BellScheduleFileError as err:
            raise dg.Failure(description=f"bell schedules not loaded, previous rows kept: {err}") from err
        with holding(context, postgres, ENRICHMENT_INPUTS_RESOURCE), postgres.transaction() as cur:
            counts = upsert_bell_schedules(cur, parsed.rows)
            total = count_rows(cur, "lct.bell_schedules")
        context.log.info(f"bell schedules from {path}: {counts}, {len(parsed.rejected)} rejected")
        metadata.update(
            added=counts.added, updated=counts.updated, unchanged=counts.unchanged, rejected=len(parsed.rejected)
        )
        if parsed.rejected:
            metadata["rejected_rows"] = dg.MetadataValue.md(
                markdown_table(
                    [
                        {"line": r.line, "district_id": r.district_id, "reasons": "; ".join(r.reasons)}
                        for r in parsed.rejected[:50]
                    ]
                )
            )
    else:
        context.log.info(f"no {path}: bell schedules come from `lct enrich` only")
    metadata["dagster/row_count"] = total
    return dg.MaterializeResult(metadata=metadata)


ENRICHMENT_ASSETS = [state_requirements, bell_schedules]
