"""The enrichment inputs as assets: statutory minutes per state, and bell schedules."""


import dagster as dg
from psycopg2 import sql as pgsql

from lct_pipelines.assets.metadata import markdown_table
from lct_pipelines.db.sqlfiles import compose_sql
from lct_pipelines.enrichment.bell_schedule_file import BellScheduleFileError, read_bell_schedule_file
from lct_pipelines.enrichment.store import load_state_requirements, upsert_bell_schedules
from lct_pipelines.resources import LandingZoneResource, PostgresResource

GROUP = "enrichment"
STATE_REQUIREMENTS_KEY = dg.AssetKey(["lct", "state_requirements"])
BELL_SCHEDULES_KEY = dg.AssetKey(["lct", "bell_schedules"])


def _row_count(cur, table: str) -> int:
    cur.execute(compose_sql("common/count_rows.sql", table=pgsql.Identifier(*table.split("."))))
    return int(cur.fetchone()[0])


@dg.asset(
    key=STATE_REQUIREMENTS_KEY,
    group_name=GROUP,
    kinds={"postgres"},
    description="Statutory daily instructional minutes per state and level (NCES State Education Reforms "
    "table 1.1, 2020), from the project's seed file; DC and the territories have none (300-minute default).",
)
def state_requirements(postgres: PostgresResource) -> dg.MaterializeResult:
    with postgres.transaction() as cur:
        rows = load_state_requirements(cur)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.asset(
    key=BELL_SCHEDULES_KEY,
    group_name=GROUP,
    kinds={"postgres"},
    description="Actual daily instructional minutes per district, year and level. Upserted from "
    "$LCT_DATA_DIR/raw/bell_schedules.csv when present; rows saved by `lct enrich` are never removed.",
)
def bell_schedules(
    context: dg.AssetExecutionContext, landing: LandingZoneResource, postgres: PostgresResource
) -> dg.MaterializeResult:
    path = landing.bell_schedules_csv
    metadata: dict[str, object] = {"file": dg.MetadataValue.path(str(path))}
    if path.exists():
        try:
            parsed = read_bell_schedule_file(path)
        except BellScheduleFileError as err:
            raise dg.Failure(description=f"bell schedules not loaded, previous rows kept: {err}") from err
        with postgres.transaction() as cur:
            counts = upsert_bell_schedules(cur, parsed.rows)
            total = _row_count(cur, "lct.bell_schedules")
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
        with postgres.transaction() as cur:
            total = _row_count(cur, "lct.bell_schedules")
    metadata["dagster/row_count"] = total
    return dg.MaterializeResult(metadata=metadata)


ENRICHMENT_ASSETS = [state_requirements, bell_schedules]
