"""`lct enrich import FILE.csv`: a bell-schedule file checked as the interactive tool checks an answer, saved
whole or not at all.

Every row is checked: its fields (bell_schedule_file: year, level, minutes, confidence, state, lengths,
control characters, duplicates) and its district, which must be in an imported NCES directory with the
same state. A file with any bad row saves nothing, like one transaction, unless `skip_bad_rows` is given;
then the good rows are saved and the bad ones reported all the same. Exit codes: 0 all saved, 1 bad rows
(`EXIT_REJECTED_ROWS`), 2 a file that cannot be used at all (EnrichmentError: missing, not UTF-8, no
header, not CSV, no directory imported yet).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import transaction
from lct_pipelines.enrichment.bell_schedule_file import BellScheduleFileError, Rejected, read_bell_schedule_file
from lct_pipelines.enrichment.campaign import directory_states
from lct_pipelines.enrichment.errors import APPLICATION_NAME, EXIT_OK, EXIT_REJECTED_ROWS, EnrichmentError
from lct_pipelines.enrichment.store import upsert_bell_schedules


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did; `saved` is False when bad rows kept the whole file out."""

    path: Path
    added: int
    updated: int
    unchanged: int
    rejected: list[Rejected]
    saved: bool = True
    good_rows: int = 0

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED_ROWS if self.rejected else EXIT_OK


def check_districts(
    rows: pd.DataFrame, lines: list[int], states: dict[str, str]
) -> tuple[pd.DataFrame, list[Rejected]]:
    """Keep the rows whose district the directory knows with the same state (a blank state takes the
    directory's); the others come back rejected with their line."""
    keep: list[bool] = []
    rejected: list[Rejected] = []
    filled = rows.copy()
    for index, (line, leaid, state) in enumerate(zip(lines, rows["leaid"], rows["state"], strict=True)):
        known = states.get(leaid)
        if known is None:
            rejected.append(Rejected(line, leaid, [f"district {leaid} is in no imported NCES directory"]))
        elif state is not None and state != known:
            rejected.append(Rejected(line, leaid, [f"state {state} does not match {known}, the directory's"]))
        else:
            filled.iloc[index, filled.columns.get_loc("state")] = known
        keep.append(known is not None and (state is None or state == known))
    return filled[pd.Series(keep, index=filled.index, dtype=bool)].reset_index(drop=True), rejected


def import_file(
    database_url: str, path: Path | str, *, skip_bad_rows: bool = False, out: TextIO | None = None
) -> ImportOutcome:
    """Check every row of a bell-schedule CSV, then save it in one transaction (see the module docstring)."""
    out = sys.stdout if out is None else out
    path = Path(path)
    if not path.is_file():
        raise EnrichmentError(f"{path}: no such file")
    try:
        parsed = read_bell_schedule_file(path)
    except BellScheduleFileError as err:
        raise EnrichmentError(str(err)) from err
    engine = build_engine(database_url, application_name=APPLICATION_NAME, pool_size=1)
    try:
        with transaction(engine) as cur:
            states = directory_states(cur, sorted(set(parsed.rows["leaid"])))
            if states is None:
                raise EnrichmentError("no NCES directory imported yet: run `lct run` first (districts are checked)")
            good, unknown = check_districts(parsed.rows, parsed.lines, states)
            rejected = sorted([*parsed.rejected, *unknown], key=lambda r: r.line)
            if rejected and not skip_bad_rows:
                outcome = ImportOutcome(path, 0, 0, 0, rejected, saved=False, good_rows=len(good))
            else:
                counts = upsert_bell_schedules(cur, good)
                outcome = ImportOutcome(path, counts.added, counts.updated, counts.unchanged, rejected, True, len(good))
    finally:
        engine.dispose()
    _report(outcome, out)
    return outcome


def _report(outcome: ImportOutcome, out: TextIO) -> None:
    name = outcome.path.name
    for bad in outcome.rejected:
        print(f"{name}, line {bad.line} (district {bad.district_id!r}): {'; '.join(bad.reasons)}", file=out)
    if outcome.saved:
        print(
            f"import {name}: {outcome.added} added, {outcome.updated} updated, {outcome.unchanged} unchanged, "
            f"{len(outcome.rejected)} rejected",
            file=out,
        )
    else:
        print(
            f"import {name}: nothing saved: {len(outcome.rejected)} bad row(s); fix them, or pass --skip-bad-rows "
            f"to save the {outcome.good_rows} good row(s)",
            file=out,
        )
