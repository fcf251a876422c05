"""Figures measured outside the suite and supplied by hand (none at present: P4b, the daemon's edit-to-views
time, is measured by the suite since bench/p9_ui_paths.py).

`bench/results/manual.json` (or `--manual FILE`) maps a figure id of `EXPECTED` to what was measured:

    {"PX": {"samples": [41.2, 39.8, 44.0, 40.1, 42.5], "unit": "s",
            "source": "who, when, how"}}

Without it the figure is reported as "measured separately", with no number: never an invented one.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bench.harness import Figure

EXPECTED: dict[str, dict[str, Any]] = {}
PLACEHOLDER = "measured separately (daemon end-to-end): not supplied yet; add it to bench/results/manual.json"


def manual_figures(path: Path | None) -> list[Figure]:
    supplied: dict[str, Any] = {}
    if path is not None and path.exists():
        supplied = json.loads(path.read_text())
    figures = []
    for figure_id, spec in EXPECTED.items():
        given = supplied.get(figure_id)
        samples = [float(x) for x in (given or {}).get("samples", [])]
        if given and "value" in given and not samples:
            samples = [float(given["value"])]
        figures.append(
            Figure(
                id=figure_id,
                title=spec["title"],
                ours=samples,
                unit=given.get("unit", spec["unit"]) if given else spec["unit"],
                goal=spec["goal"],
                met=statistics.median(samples) < spec["limit"] if samples else None,
                notes=f"measured separately: {given.get('source', 'no source given')}" if samples else PLACEHOLDER,
                extra={"manual": True, "supplied_by": str(path) if samples else None},
            )
        )
    return figures
