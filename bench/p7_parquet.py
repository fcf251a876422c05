"""P7: the Parquet (zstd) exports against the same tables as CSV.

The four export datasets of one year (calculations, the valid ones, the summaries by scope and by state),
built from the year's calculations the way the export asset builds them and written with
`exports.parquet.write_year(..., csv=True)`: the Parquet file and a CSV copy of the same rows side by side.
Sizes are deterministic; the write time (both files) is reported over the runs.

Answers: each Parquet file read back must equal the frame written, and the CSV copy must hold as many rows.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    from bench.context import Bench

CLAIMED = "70-80% smaller (the replaced system's claim)"
MB = 1e6


def export_frames(calculations: Any) -> dict[str, Any]:
    """The export datasets of `lct_exports` (lct_pipelines/assets/lct.py) from one year's calculations."""
    from lct_pipelines.exports.summaries import summary_by_scope, summary_by_state

    return {
        "calculations": calculations,
        "calculations_valid": calculations[calculations["is_valid"]].reset_index(drop=True),
        "summary_by_scope": summary_by_scope(calculations),
        "summary_by_state": summary_by_state(calculations),
    }


def check_written(frame: Any, written: Any, label: str) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    from bench.p1_import import AnswerMismatch

    back = pq.read_table(written.path).to_pandas()
    try:
        pd.testing.assert_frame_equal(
            back.reset_index(drop=True), frame.reset_index(drop=True), check_dtype=False, check_exact=True
        )
    except AssertionError as error:
        raise AnswerMismatch(f"P7 {label}: the Parquet file read back differs: {error}") from None
    csv_rows = sum(1 for _ in written.csv_path.open()) - 1
    if csv_rows != len(frame) or written.csv_path.stat().st_size != written.csv_bytes:
        raise AnswerMismatch(f"P7 {label}: the CSV copy holds {csv_rows:,} rows, not {len(frame):,}")


def _smaller(parquet: int, csv: int) -> str:
    if parquet <= csv:
        return f"{100 * (1 - parquet / csv):.0f}% smaller"
    return f"{parquet / csv:.1f}x larger (a few rows: the Parquet footer and schema dominate)"


def run(bench: Bench) -> list[Figure]:
    from bench.context import YEAR
    from bench.p3_write import _year_rows
    from lct_pipelines.exports.parquet import write_year

    frames = export_frames(_year_rows(bench).calculations)
    seconds: list[float] = []
    sizes: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="p7-", dir=bench.work) as tmp:
        root = Path(tmp)
        for run_number in range(bench.runs):
            started = time.perf_counter()
            written = {name: write_year(root, name, YEAR, frame, csv=True) for name, frame in frames.items()}
            seconds.append(time.perf_counter() - started)
            for name, file in written.items():
                check_written(frames[name], file, name)
                sizes[name] = {"rows": file.rows, "parquet_bytes": file.parquet_bytes, "csv_bytes": file.csv_bytes}
            bench.say(f"P7 run {run_number + 1}/{bench.runs}: {seconds[-1]:.2f}s, files read back equal")
    parquet = sum(s["parquet_bytes"] for s in sizes.values())
    csv = sum(s["csv_bytes"] for s in sizes.values())
    by_dataset = {
        name: f"{_smaller(s['parquet_bytes'], s['csv_bytes'])} ({s['rows']:,} rows)" for name, s in sizes.items()
    }
    figures = [
        Figure(
            id="P7",
            title="export size, four datasets of one year: Parquet (zstd) vs the same rows as CSV",
            ours=[parquet / MB] * len(seconds),
            baseline=[csv / MB] * len(seconds),
            baseline_name="CSV",
            unit="MB",
            goal=f"report the ratio; {CLAIMED}",
            met=None,
            notes=f"Parquet is {100 * (1 - parquet / csv):.1f}% smaller overall; "
            + "; ".join(f"{k} {v}" for k, v in by_dataset.items()),
            extra={"sizes": sizes, "write_seconds_parquet_and_csv": seconds},
        ),
        Figure(
            id="P7b",
            title="calculations export alone: Parquet vs CSV",
            ours=[sizes["calculations"]["parquet_bytes"] / MB] * len(seconds),
            baseline=[sizes["calculations"]["csv_bytes"] / MB] * len(seconds),
            baseline_name="CSV",
            unit="MB",
            goal="(reported)",
            notes=f"{100 * (1 - sizes['calculations']['parquet_bytes'] / sizes['calculations']['csv_bytes']):.1f}% "
            f"smaller; write of all four datasets (Parquet + CSV) median {statistics.median(seconds):.2f}s",
        ),
    ]
    return figures
