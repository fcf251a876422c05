"""docs/benchmarks.md from a results JSON: machine, datasets, every figure against its goal, profiles of misses."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bench.suite import BENCHMARKS

# Where the time goes and what would close the gap, per figure, shown only while that figure misses its goal.
# Written from the profiles of a real run (bench/results/profiles/); revisit when a profile changes.
ANALYSIS: dict[str, str] = {}


def _number(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 100 else f"{value:,.2f} MB"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 1 else f"{value:,.1f} ms" if value < 1000 else f"{value:,.0f} ms"
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.01:
        return f"{value:.3f} s"
    return f"{value * 1000:.2f} ms"


def _spread(samples: list[float], unit: str) -> str:
    if not samples:
        return ""
    low, high = min(samples), max(samples)
    if low == high:
        return ""
    return f" [{_number(low, unit)} – {_number(high, unit)}]"


def _side(figure: dict[str, Any], side: str) -> str:
    samples = figure[side] or []
    if not samples:
        return "—"
    unit = figure["unit"]
    if figure.get("show_p95"):
        return (
            f"p50 {_number(figure[f'{side}_median'], unit)}, p95 **{_number(figure[f'{side}_p95'], unit)}**"
            f"{_spread(samples, unit)} (n={len(samples)})"
        )
    return f"**{_number(figure[f'{side}_median'], unit)}**{_spread(samples, unit)}"


def _ratio(figure: dict[str, Any]) -> str:
    ratio = figure.get("ratio")
    if ratio is None:
        return "—"
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def _met(figure: dict[str, Any]) -> str:
    met = figure.get("met")
    return "n/a" if met is None else "**yes**" if met else "**NO**"


def _table(figures: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| # | what | ours: median [min – max] | against | theirs: median [min – max] | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f['id']} | {f['title']} | {_side(f, 'ours')} | {f['baseline_name'] or '—'} | "
            f"{_side(f, 'baseline')} | {_ratio(f)} | {f['goal']} | {_met(f)} |"
        )
    return lines


def _machine(results: dict[str, Any]) -> list[str]:
    m = results["machine"]
    load = results["load_average"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    return [
        f"- CPU: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable); memory {m['memory_gib']} GiB",
        f"- Python {m['python']} on {m['platform']}",
        f"- Packages: {packages}",
        f"- Load average (1/5/15 min) at the start {load['start']}, at the end {load['end']}; the machine is "
        "shared with other jobs, so per-benchmark loads are listed below and every figure alternates ours and "
        "theirs run by run, so drift hits both sides alike.",
    ]


def _datasets(results: dict[str, Any]) -> list[str]:
    d = results["datasets"]
    lines = []
    nces = d.get("nces")
    if nces:
        lines.append(
            f"- NCES demo files (`lct demo-data --scale {nces['scale']}`, seed 42): {nces['districts']:,} districts; "
            f"membership {nces['rows']['membership']:,} rows, {nces['csv_bytes']['membership'] / 1e6:,.0f} MB CSV "
            f"({nces['file_bytes']['membership'] / 1e6:,.1f} MB zipped); staff {nces['rows']['staff']:,} rows; "
            f"directory {nces['rows']['directory']:,} rows"
        )
    half = d.get("membership_half")
    if half:
        lines.append(
            f"- Half membership file (P1, flat memory): its first {half['rows']:,} data rows, "
            f"{half['csv_bytes'] / 1e6:,.0f} MB CSV ({half['file_bytes'] / 1e6:,.1f} MB zipped)"
        )
    loaded = d.get("lct_database")
    if loaded:
        lines.append(
            "- LCT database (P2-P4, P7): "
            + ", ".join(f"{k} {v:,} rows" for k, v in loaded.items())
            + " (bell schedules from a seeded generator: the demo NCES data has none)"
        )
    warehouse = d.get("warehouse")
    if warehouse:
        rows = ", ".join(f"{k} {v:,}" for k, v in warehouse.items() if k != "students_asked")
        lines.append(
            f"- Warehouse demo data (P5, `generate_platform_data(students={warehouse['students_asked']:,})`): {rows}"
        )
    return lines


def _benchmark_runs(results: dict[str, Any]) -> list[str]:
    lines = ["| benchmark | wall time | load before | load after | outcome |", "|---|---|---|---|---|"]
    for b in BENCHMARKS:
        run = results["benchmarks"].get(b.id)
        if run is None:
            continue
        outcome = f"ERROR: {run['error']}" if run.get("error") else "ok"
        lines.append(
            f"| {b.id} {b.title} | {run['seconds']:.0f} s | {run['load_before']} | {run['load_after']} | {outcome} |"
        )
    return lines


def _notes(figures: list[dict[str, Any]]) -> list[str]:
    return [f"- **{f['id']}**: {f['notes']}" for f in figures if f.get("notes")]


def _misses(results: dict[str, Any], figures: list[dict[str, Any]], docs_dir: Path) -> list[str]:
    missed = [f for f in figures if f.get("met") is False]
    if not missed:
        return ["Every goal with a measured figure is met."]
    lines = []
    profiles = results.get("profiles", {})
    for f in missed:
        benchmark = f["id"].split(".")[0].rstrip("abcd")
        lines.append(f"### {f['id']}: {f['title']}")
        lines.append("")
        lines.append(f"Goal: {f['goal']}. Measured: {_side(f, 'ours')} (ratio {_ratio(f)}).")
        lines.append("")
        if f["id"] in ANALYSIS:
            lines.append(ANALYSIS[f["id"]])
            lines.append("")
        profile = profiles.get(benchmark)
        if profile:
            link = _relative(Path(profile["text"]), docs_dir)
            lines.append(f"Profile of our side ({profile['tool']}, `{profile['command']}`): [{link}]({link})")
            lines.append("")
            lines.append("<details><summary>where the time goes (top of the profile)</summary>")
            lines.append("")
            lines.append("```")
            lines.extend(profile["summary"].splitlines())
            lines.append("```")
            lines.append("")
            lines.append("</details>")
            lines.append("")
        else:
            lines.append(f"Profile it with `.venv/bin/python -m bench --profile {benchmark}`.")
            lines.append("")
    return lines


def _relative(path: Path, docs_dir: Path) -> str:
    try:
        return str(Path("..") / path.resolve().relative_to(docs_dir.resolve().parent))
    except ValueError:
        return str(path)


def render(results: dict[str, Any], results_path: Path, docs_path: Path) -> str:
    figures = results["figures"] + results.get("manual", [])
    order = {b.id: i for i, b in enumerate(BENCHMARKS)}
    # By benchmark; within one, by id (P4a, P4b, P4c), except the P5.<query> figures, which keep run order.
    figures.sort(key=lambda f: (order.get(f["id"][:2], 99), "" if "." in f["id"] else f["id"]))
    git = results["git"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m bench`) from "
        f"[{results_path.name}]({_relative(results_path, docs_path.parent)}); do not edit by hand. "
        "`make bench-quick` runs the same suite on small data in a temporary folder (and `make test` runs it as "
        "a smoke test, failing on errors and wrong answers, never on speed).",
        "",
        f"Run: {results['started_utc']} UTC, {results['seconds'] / 60:.1f} min, mode `{results['mode']}`, "
        f"{results['runs']} alternating runs per figure (ours, theirs, ours, theirs, ...), commit `{git['commit']}`"
        f"{' (with uncommitted changes)' if git.get('dirty') else ''}. `{results['command']}`",
        "",
        "Every figure is the median of the runs with the spread [min – max]; latency figures show p50 and p95 "
        "over all samples. ratio = theirs / ours (how many times faster or smaller ours is). Every benchmark "
        "compares the answers of both sides and fails on a difference: a faster wrong answer is an error.",
        "",
        "## Figures against goals",
        "",
        *_table(figures),
        "",
        "Notes:",
        "",
        *_notes(figures),
        "",
        "## Goals not met: where the time goes",
        "",
        *_misses(results, figures, docs_path.parent),
        "",
        "## Machine",
        "",
        *_machine(results),
        "",
        "## Datasets",
        "",
        *_datasets(results),
        "",
        "## Benchmarks of this run",
        "",
        *_benchmark_runs(results),
        "",
        "## What each benchmark compares",
        "",
        "| # | ours | against | goal (issue 6) |",
        "|---|---|---|---|",
        *[f"| {b.id} | {b.ours} | {b.against} | {b.goal} |" for b in BENCHMARKS],
        "",
        "Each benchmark's module docstring in `bench/` says exactly what both sides do and how their answers are "
        "compared.",
        "",
        "## Running it",
        "",
        "```bash",
        "make bench            # full scale, >= 5 alternating runs, writes bench/results/<UTC>.json and this file",
        "make bench-quick      # every benchmark on small data, results in a temporary folder",
        ".venv/bin/python -m bench --help",
        ".venv/bin/python -m bench --only P1,P3 --runs 7 --out /tmp/bench   # a subset (this file is not rewritten)",
        ".venv/bin/python -m bench --profile P1   # pyinstrument profile of our side of P1",
        ".venv/bin/python -m bench --render bench/results/<UTC>.json        # rewrite this file from a results file",
        "```",
        "",
        "P4's daemon end-to-end figure (bell-schedule edit to refreshed views with `lct ui` running) is measured "
        "outside the suite and supplied in `bench/results/manual.json` (format in `bench/manual.py`); until then "
        "it is shown as measured separately, without a number.",
        "",
    ]
    return "\n".join(lines)
