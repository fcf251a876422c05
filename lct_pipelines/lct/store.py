"""Database side of an LCT calculation: read the inputs of a year, write the rows, keep the audit trail."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

import pandas as pd
from psycopg2.extensions import cursor as PgCursor
from psycopg2.extras import Json

from lct_pipelines.db.frames import read_frame
from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.db.staging import insert_frame
from lct_pipelines.lct.calculate import CONTRACT_COLUMNS, CONTRACT_DTYPES, NOT_CALCULABLE_COLUMNS

TEXT_COLUMNS = {c: str for c in ("leaid", "lea_name", "state", "category", "grade_level", "year", "confidence")}
_CONTRACT_TEXT = {c: str for c, t in CONTRACT_DTYPES.items() if t == "str"}
_NOT_CALCULABLE_TEXT = dict.fromkeys(NOT_CALCULABLE_COLUMNS, str)


@dataclass
class LctInputs:
    """Everything one school year's calculation reads, as the methodology core takes it."""

    directory: pd.DataFrame
    enrollment: pd.DataFrame
    staff: pd.DataFrame
    state_requirements: pd.DataFrame
    bell_schedules: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def begin_snapshot(cur: PgCursor) -> None:
    """Make the cursor's transaction one consistent read-only snapshot (inputs and fingerprints agree)."""
    cur.execute(load_sql("common/snapshot_read.sql"))


def load_inputs(cur: PgCursor, year: str, leaids: list[str] | None = None) -> LctInputs:
    """The inputs of `year`, or only those of `leaids` (the state requirements are always whole)."""
    params = {"year": year, "leaids": leaids}
    return LctInputs(
        **{
            name: read_frame(cur, f"lct/inputs/{name}.sql", params, dtype=TEXT_COLUMNS)
            for name in ("directory", "enrollment", "staff", "state_requirements", "bell_schedules")
        }
    )


def current_fingerprints(cur: PgCursor, year: str) -> pd.DataFrame:
    """`leaid, fingerprint` of every district in the year's NCES tables, from the live inputs."""
    return read_frame(cur, "lct/district_fingerprints.sql", {"year": year}, dtype={"leaid": str, "fingerprint": str})


def stored_fingerprints(cur: PgCursor, year: str) -> pd.DataFrame:
    """`leaid, fingerprint, run_id` as of the last calculation of the year."""
    return read_frame(
        cur, "lct/stored_fingerprints.sql", {"year": year}, dtype={"leaid": str, "fingerprint": str, "run_id": str}
    )


def calculated_years(cur: PgCursor) -> list[str]:
    """School years with stored fingerprints, i.e. calculated at least once."""
    cur.execute(load_sql("lct/calculated_years.sql"))
    return [row[0] for row in cur.fetchall()]


def input_hash(inputs: LctInputs) -> str:
    """SHA-256 over every input row (row hashes in order, so a changed value or row changes it)."""
    digest = hashlib.sha256()
    for name, frame in inputs.frames().items():
        digest.update(name.encode())
        digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def new_run_id(cur: PgCursor, now: datetime | None = None) -> str:
    """UTC start time like 20251228T014510Z; the next free second when two runs start together.

    Call it in the transaction that inserts the run (start_run): it holds the id lock until that commits.
    """
    cur.execute(load_sql("lct/lock_run_ids.sql"))
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    while True:
        run_id = moment.strftime("%Y%m%dT%H%M%SZ")
        cur.execute(load_sql("lct/run_id_taken.sql"), {"run_id": run_id})
        if cur.fetchone() is None:
            return run_id
        moment += timedelta(seconds=1)


def start_run(
    cur: PgCursor, run_id: str, year: str, run_type: str, started_at: datetime, dagster_run_id: str | None
) -> None:
    cur.execute(
        load_sql("lct/insert_run.sql"),
        {
            "run_id": run_id,
            "year": year,
            "run_type": run_type,
            "started_at": started_at,
            "dagster_run_id": dagster_run_id,
        },
    )


def finish_run(
    cur: PgCursor,
    run_id: str,
    *,
    status: str,
    started_at: datetime,
    districts_processed: int,
    calculations_created: int,
    input_sha256: str | None,
    qa_summary: dict | None,
    output_files: dict | None = None,
) -> None:
    completed = datetime.now(UTC)
    cur.execute(
        load_sql("lct/finish_run.sql"),
        {
            "run_id": run_id,
            "status": status,
            "districts_processed": districts_processed,
            "calculations_created": calculations_created,
            "input_hash": input_sha256,
            "output_files": Json(output_files) if output_files is not None else None,
            "qa_summary": Json(qa_summary) if qa_summary is not None else None,
            "completed_at": completed,
            "duration_seconds": (completed - started_at).total_seconds(),
        },
    )


@dataclass(frozen=True)
class YearRows:
    """What one run writes for a set of districts: the calculations with their unrounded LCT (same index), the
    (district, scope) pairs without a calculation, and the input fingerprints."""

    calculations: pd.DataFrame
    lct_full: pd.Series
    not_calculable: pd.DataFrame
    fingerprints: pd.DataFrame


def write_year(cur: PgCursor, year: str, rows: YearRows, run_id: str) -> None:
    """Replace every calculation, not-calculable row and fingerprint of the year (inside the caller's transaction)."""
    cur.execute(load_sql("lct/delete_year.sql"), {"year": year})
    _insert(cur, year, rows, run_id)


def write_districts(cur: PgCursor, year: str, remove: list[str], rows: YearRows, run_id: str) -> None:
    """Replace the rows of the `remove` districts with the given ones (inside the caller's transaction)."""
    cur.execute(load_sql("lct/delete_districts.sql"), {"year": year, "leaids": remove})
    _insert(cur, year, rows, run_id)


def _insert(cur: PgCursor, year: str, rows: YearRows, run_id: str) -> None:
    if len(rows.calculations):
        if not rows.lct_full.index.equals(rows.calculations.index):
            raise ValueError("lct_full must have the index of calculations")
        insert_frame(
            cur,
            "lct.lct_calculations",
            rows.calculations.assign(run_id=run_id, lct_value_unrounded=rows.lct_full.to_numpy(dtype="float64")),
        )
    if len(rows.not_calculable):
        insert_frame(
            cur,
            "lct.not_calculable",
            rows.not_calculable[list(NOT_CALCULABLE_COLUMNS)].assign(year=year, run_id=run_id),
        )
    if len(rows.fingerprints):
        insert_frame(cur, "lct.district_fingerprints", rows.fingerprints.assign(year=year, run_id=run_id))


def record_output_files(cur: PgCursor, run_id: str, output_files: dict) -> None:
    cur.execute(load_sql("lct/record_output_files.sql"), {"run_id": run_id, "output_files": Json(output_files)})


def run_qa_summary(cur: PgCursor, dagster_run_id: str) -> tuple[str, str, dict] | None:
    cur.execute(load_sql("lct/run_qa_summary.sql"), {"dagster_run_id": dagster_run_id})
    row = cur.fetchone()
    return (row[0], row[1], row[2]) if row else None


def calculations_for_year(cur: PgCursor, year: str) -> pd.DataFrame:
    """The stored rows of a year, in the export contract's columns and dtypes."""
    return _contract(read_frame(cur, "lct/calculations_for_year.sql", {"year": year}, dtype=_CONTRACT_TEXT))


def _contract(frame: pd.DataFrame) -> pd.DataFrame:
    frame["qa_flags"] = frame["qa_flags"].fillna("")  # CSV cannot tell '' from NULL; the column is NOT NULL
    return frame[list(CONTRACT_COLUMNS)].astype(CONTRACT_DTYPES)


@dataclass(frozen=True)
class QaInputs:
    """Everything the QA report of a year reads, as stored: the whole year whichever run wrote which district."""

    calculations: pd.DataFrame  # the export contract
    lct_full: pd.Series  # unrounded LCT, same index (lct_value for rows written before it was kept)
    not_calculable: pd.DataFrame  # district_id, staff_scope, reason
    directory: pd.DataFrame  # state of every district in the year's directory


def qa_inputs_for_year(cur: PgCursor, year: str) -> QaInputs:
    """The year's stored calculations at full precision, its not-calculable rows and its directory's states."""
    frame = read_frame(cur, "lct/qa_calculations_for_year.sql", {"year": year}, dtype=_CONTRACT_TEXT)
    lct_full = frame["lct_value_unrounded"].astype("float64")
    not_calculable = read_frame(cur, "lct/not_calculable_for_year.sql", {"year": year}, dtype=_NOT_CALCULABLE_TEXT)
    directory = read_frame(cur, "lct/directory_states.sql", {"year": year}, dtype={"state": str})
    return QaInputs(_contract(frame), lct_full, not_calculable, directory)


def latest_qa_summaries(cur: PgCursor, year: str | None = None) -> list[tuple[str, str, dict]]:
    """(year, run_id, qa summary) of the newest calculation run per school year."""
    cur.execute(load_sql("lct/latest_qa_summaries.sql"), {"year": year})
    return [(row[0], row[1], row[4]) for row in cur.fetchall()]
