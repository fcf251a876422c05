"""Write the QA report of a run as files, and keep the newest `QA_REPORTS_KEPT` runs of each school year.

Per run: `lct_qa_<year>_<run_id>.json` (the report), `lct_qa_<year>_<run_id>.md` (the Markdown dashboard) and
`lct_distribution_<year>_<run_id>.png` (the chart), each with a `_latest` copy. Older runs' three files are
removed once a year has more than `QA_REPORTS_KEPT` (the replaced system archived them by hand); the `_latest`
copies always stay.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from lct_pipelines.lct.qa import render_markdown_dashboard
from lct_pipelines.lct.scopes import SCOPE_NAMES

QA_REPORTS_KEPT = 10
_RUN_FILE = re.compile(r"^(?:lct_qa|lct_distribution)_(?P<year>\d{4}-\d{2})_(?P<run_id>\d{8}T\d{6}Z)\.(?:json|md|png)$")


@dataclass(frozen=True)
class QaFiles:
    report: Path
    latest_report: Path
    markdown: Path
    latest_markdown: Path
    chart: Path
    latest_chart: Path

    def output_files(self) -> dict[str, dict[str, Any]]:
        """The files as `lct.calculation_runs.output_files` lists them: path and size of each."""
        return {
            f"qa_{f.name}": {"path": str(path), "bytes": path.stat().st_size}
            for f in fields(self)
            for path in [getattr(self, f.name)]
        }


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _atomic_copy(source: Path, target: Path) -> None:
    tmp = target.with_suffix(target.suffix + ".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def distribution_chart(calculations: pd.DataFrame, lct: pd.Series, year: str, path: Path) -> None:
    """Box plots of valid LCT per scope, in the methodology's scope order."""
    # Imported here: matplotlib costs seconds at import and only this step draws. The object API needs
    # no pyplot state and no display.
    from matplotlib.figure import Figure

    valid = calculations["is_valid"].to_numpy(dtype=bool)
    values = lct.to_numpy(dtype="float64")
    data = [values[valid & (calculations["staff_scope"] == scope).to_numpy()] for scope in SCOPE_NAMES]
    figure = Figure(figsize=(10, 5), dpi=100)
    axis = figure.subplots()
    axis.boxplot(data, showfliers=False)
    axis.set_xticks(range(1, len(SCOPE_NAMES) + 1), [s.replace("_", "\n") for s in SCOPE_NAMES], fontsize=8)
    axis.set_ylabel("LCT (minutes per student per day)")
    axis.set_title(f"LCT distribution per staff scope, {year} (valid rows; whiskers 1.5 IQR, outliers hidden)")
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="png")


def write_qa_files(
    directory: Path, report: dict[str, Any], calculations: pd.DataFrame, lct: pd.Series, run_id: str
) -> QaFiles:
    """The run's JSON, Markdown and chart with their `_latest` copies; then the year's older runs pruned."""
    directory.mkdir(parents=True, exist_ok=True)
    year = report["year"]
    stem = f"lct_qa_{year}"
    files = QaFiles(
        report=directory / f"{stem}_{run_id}.json",
        latest_report=directory / f"{stem}_latest.json",
        markdown=directory / f"{stem}_{run_id}.md",
        latest_markdown=directory / f"{stem}_latest.md",
        chart=directory / f"lct_distribution_{year}_{run_id}.png",
        latest_chart=directory / f"lct_distribution_{year}_latest.png",
    )
    _atomic_write(files.report, json.dumps({"run_id": run_id, **report}, indent=2).encode())
    _atomic_copy(files.report, files.latest_report)
    _atomic_write(files.markdown, render_markdown_dashboard(report).encode())
    _atomic_copy(files.markdown, files.latest_markdown)
    distribution_chart(calculations, lct, year, files.chart)
    _atomic_copy(files.chart, files.latest_chart)
    prune_qa_files(directory, year)
    return files


def prune_qa_files(directory: Path, year: str, keep: int = QA_REPORTS_KEPT) -> list[Path]:
    """Remove the files of all but the newest `keep` runs of `year` (run ids sort by time); the removed paths."""
    runs: dict[str, list[Path]] = {}
    for path in directory.iterdir():
        match = _RUN_FILE.match(path.name)
        if match and match["year"] == year:
            runs.setdefault(match["run_id"], []).append(path)
    removed = [path for run_id in sorted(runs, reverse=True)[keep:] for path in sorted(runs[run_id])]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
