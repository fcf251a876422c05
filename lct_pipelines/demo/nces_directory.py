"""The demo 029 directory file: one row per LEA, plus the planted duplicate and conflicting rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from lct_pipelines.demo.nces_layout import DIRECTORY_COLUMNS, LEA_TYPE_TEXT
from lct_pipelines.demo.nces_output import FileResult, atomic_write_bytes
from lct_pipelines.demo.nces_plan import CASE_CONFLICT, CASE_DUP, Plan, grade_span, operational_schools
from lct_pipelines.nces.geography import STATES


def write_directory(plan: Plan, path: Path, *, encoding: str, eol: str) -> FileResult:
    """The 029 directory: one row per LEA (plus the planted duplicate and conflicting rows)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=eol)
    writer.writerow(DIRECTORY_COLUMNS)
    rows = 0
    for i in np.flatnonzero(plan.in_dir):
        s = STATES[int(plan.state[i])]
        lo, hi = grade_span(plan, int(i))
        operational = operational_schools(plan, int(i))
        t = int(plan.lea_type[i])
        row = [
            plan.long_year, s.fips, s.name, s.postal, plan.name[i], "01", plan.union[i], plan.st_leaid[i],
            plan.leaid[i], str(t), LEA_TYPE_TEXT[t], plan.status[i], plan.charter_text[i], lo, hi,
            plan.city[i], plan.zip[i], plan.website[i], str(operational),
        ]  # fmt: skip
        writer.writerow(row)
        rows += 1
        if plan.dir_case[i] == CASE_DUP:
            writer.writerow(row)
            rows += 1
        elif plan.dir_case[i] == CASE_CONFLICT:
            writer.writerow([*row[:11], "Changed boundary/agency", *row[12:18], str(operational + 1)])
            rows += 1
    buf.write(eol)  # the trailing empty line
    data = buf.getvalue().encode(encoding)
    atomic_write_bytes(path, data)
    return FileResult(
        path=path,
        rows=rows,
        bytes=len(data),
        csv_bytes=len(data),
        columns=DIRECTORY_COLUMNS,
        encoding=encoding,
        eol=eol,
        trailing_empty_line=True,
    )
