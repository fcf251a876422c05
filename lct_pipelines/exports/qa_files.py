"""Write the QA report of a run as files: `<dir>/lct_qa_<year>_<run_id>.json` plus a `_latest` copy, and a chart."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lct_pipelines.lct.scopes import SCOPE_NAMES


@dataclass(frozen=True)
class QaFiles:
    report: Path
    latest_report: Path
    chart: Path
    latest_chart: Path


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
    data = [lct[valid & (calculations["staff_scope"] == scope).to_numpy()].to_numpy() for scope in SCOPE_NAMES]
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
    directory.mkdir(parents=True, exist_ok=True)
    year = report["year"]
    stem = f"lct_qa_{year}"
    files = QaFiles(
        report=directory / f"{stem}_{run_id}.json",
        latest_report=directory / f"{stem}_latest.json",
        chart=directory / f"lct_distribution_{year}_{run_id}.png",
        latest_chart=directory / f"lct_distribution_{year}_latest.png",
    )
    _atomic_write(files.report, json.dumps({"run_id": run_id, **report}, indent=2).encode())
    _atomic_copy(files.report, files.latest_report)
    distribution_chart(calculations, lct, year, files.chart)
    _atomic_copy(files.chart, files.latest_chart)
    return files
