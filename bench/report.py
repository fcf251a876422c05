"""docs/benchmarks.md from a results JSON: machine, datasets, every figure against its goal, profiles of misses."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bench.suite import BENCHMARKS

# Where the time goes and what would close the gap, per figure, shown only while that figure misses its goal.
# Written from the profiles and memory breakdowns of real runs (bench/results/); revisit when they change.
ANALYSIS: dict[str, str] = {
    "P8": (
        "Correct (every row of every rollup equals the full rebuild) and proportional to the day's changes plus "
        "the days that leave the windows, but not fast enough on 2 cores. One day at 200,000 students is 200,576 "
        "changed keys (55,000 new submissions and as many reviewed, 82,000 attendance rows, updates and deletes in "
        "every table) plus, for each of the four windows, the submissions and attendance of the day leaving it "
        "(a demo semester day holds ~110,000 submissions: twice a new day's). What a night writes (EXPLAIN "
        "(ANALYZE, WAL) of one day after a checkpoint, as every night in service is): ~1.6 M row versions and "
        "1.5 GB of WAL, 170,000 of its records full-page images, in one transaction on one core: "
        "student_subject_windows 599,000 rows (5.3 s, 530 MB of WAL), student_engagement_windows 385,000 (4.1 s, "
        "345 MB), class_period_trends 152,000 (1.8 s, 327 MB), student_attendance_windows 200,000 (1.2 s), "
        "student_class_week 150,000, student_grade_summary 100,000, teacher_daily_workload 43,000; the facts and "
        "deltas (the leaving days, 253,000 probes for the windows' new first submissions, the attendance sums) "
        "take the rest. The rows a night changes lie on nearly every page of the window tables (every student is "
        "active every week), so each night also writes an image of nearly every page of them. The write floor, "
        "measured alone on the same table: 600,000 non-HOT updates of student_subject_windows after a checkpoint "
        "take 4.2-4.7 s (1.2 M WAL records, 60,000 page images, 437 MB); 256 MB of wal_buffers changed nothing, "
        "wal_compression=pglz halved the WAL and doubled the time (this PostgreSQL build has no lz4 or zstd). At "
        "~6 microseconds a row version, a night's 1.6 M cost ~9-10 s before anything is computed. Already done: a "
        "covering index for the leaving days' attendance, one index instead of two on student_subject_windows, "
        "temp_buffers, heap-only updates of student_attendance_windows with integer sums (1.4 s to 0.9 s and 1.2 s "
        "to 0.8 s); tried and dropped: laying class_period_trends out by period at the first fill (its updates "
        "still found room on every page through the free-space map: as many page images). What would close the "
        "gap: fewer row versions a night, which means windows that mean something else (moving a week at a time), "
        "or the writes spread over both cores: two connections importing one snapshot, each writing its own "
        "rollups, committed together by two-phase commit (PREPARE TRANSACTION refuses temporary tables, so the "
        "facts would move to unlogged scratch tables; a part left prepared by a crash is committed or rolled back "
        "by the next refresh from refresh_state). Each half would still write ~0.8 M rows, and two large writes at "
        "once take the longer one's time plus 15-20 % (measured: 600,000 updates of student_subject_windows and "
        "385,000 of student_engagement_windows, 5.6-7.0 s one after the other, 4.5-4.9 s together): ~13 s on 2 "
        "cores, so not under 10 s either."
    ),
    "P1b": (
        "Where the time goes: in the profile the main thread spends most of its wall time waiting for the parse "
        "thread (`_parsed_ahead` -> `Queue.get`): the read is parse-bound. On top of the parse, ours does its "
        "per-batch work in `consume` (category codes, LEAID lookups, count checks: ~0.8 s of CPU per file) and "
        "~0.1 s in `finish` (sort, dedupe, sums). That work runs in a second thread beside the parse, so it is "
        "hidden only when a second core is free; compare the CPU seconds in the notes of P1a/P1b: ours spends "
        "about the bare parse's CPU plus that work, and when ours' CPU seconds equal its wall seconds the two "
        "threads did not overlap at all (the machine's other jobs held the other core: loads per benchmark "
        "below). What would close it on a busy machine: less Python per batch (map the three category columns "
        "with one `pc.index_in` on the batch dictionaries instead of code tables per distinct dictionary; stop "
        "decoding SCHOOL_YEAR once the first batches have fixed the year), or fewer, larger batches (4 MiB blocks "
        "quarter the per-batch overhead but raise pyarrow's read-ahead, hence memory: P1c/P1d)."
    ),
    "P1d": (
        "Where the memory goes (the tracemalloc run in P1c's notes and extra): ~120 MB is the interpreter with "
        "pandas, pyarrow and numpy imported, the same at any file size; the Arrow pool peaks at a few MB; the "
        "growth is numpy: 8 bytes per kept detail row (integer key + float32 count) held until the end of the "
        "file, plus the copies `_Parts.take` and `_dedupe` make to concatenate and sort them (tracemalloc peak "
        "~50 MB on the half file, ~90 MB on the full one), and the allocator slack around them. What would close "
        "it: fold the rows into per-district sums while streaming. The CCD file is grouped by district, so a "
        "district can be deduplicated and summed once its rows end (at most 612 keys per district: 17 grades x "
        "9 races x 4 sexes), keeping only the open districts' keys; memory then follows the number of "
        "districts, not rows (a district seen again later needs a fallback that keeps its keys)."
    ),
    "P2": (
        "Ours is under 0.2 s; the ratio misses. Where the time goes (profile over repeated calls): about two "
        "thirds in `build_district_frame`: minutes resolution (`resolve_minutes`, `best_bell_schedules`), "
        "factorizing the ~374,000 LEAID strings of directory, enrollment and staff (`_district_positions`), and "
        "looking up the ~338,000 staff category strings (`_staff_matrix` -> `positions_in`); about one third in "
        "`calculate_from_district_frame`, mostly copying the text columns (district_id, name, state, scope) row "
        "by row into ~117,000-row Arrow string arrays. The arithmetic itself is a few ms. What would close it: "
        "hand the calculation integer district and category codes instead of strings (read the inputs with "
        "the LEAID and category dictionary-encoded, or as integer ids from SQL), and build the output's text "
        "columns as categoricals (codes into 18,000 names and 7 scopes); both remove string hashing and copying "
        "that dominate today, which would put ours well under half its time and the ratio past 100x."
    ),
    "P3": (
        "Both remedies of the first runs are in (COPY straight into lct.lct_calculations inside the year's "
        "transaction, no staging table and no INSERT ... SELECT; the CSV for COPY from `pyarrow.csv.write_csv`): "
        "ours went from 2.57 s to 1.2-1.4 s (8-9.8x). What is left (profile): COPY itself with the primary key and "
        "the state index maintained per row (~0.6 s, fsync on), the DELETE of the year's previous rows "
        "(~0.2 s) and Arrow's conversion and CSV writing (~0.2 s). What would close the last few percent: "
        "drop and rebuild the state index around a full-year replace, or COPY in binary format (no text "
        "parsing on the server); `to_sql` cannot follow either way: it binds every value in Python."
    ),
    "P5.cache": (
        "Hits of small answers take ~0.2-0.4 ms; the p95 is set by the large answers (class_trends 200 rows, "
        "student_engagement and teacher_workload 100) and by the machine's load spikes (the max is several ms). "
        "Per hit (the `queries` profile, cache_hits_*): one MGET round trip to Redis, then `_decode`: "
        "`json.loads` and one dict per row, the larger share. What would close it: hand the cached JSON payload "
        "as is to the caller that serializes it anyway (no decode and re-encode), or decode with a faster parser "
        "(orjson); smaller default pages for the list queries."
    ),
}


def _number(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "errors":
        return f"{value:,.0f}"
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
        f"- Load average (1/5/15 min) at the start {load['start']}, at the end {load['end']}. The machine is "
        "shared with other jobs: the load before and after each benchmark is listed below, and every figure "
        "alternates ours and theirs run by run so that drift hits both sides alike.",
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
    for key, warehouse in d.items():
        if not key.startswith("warehouse_") or key == "warehouse_growth":
            continue
        rows = ", ".join(f"{k} {v:,}" for k, v in warehouse.items() if k != "students_asked")
        lines.append(
            f"- Warehouse demo platform (P5, P8: `generate_platform_data(students={warehouse['students_asked']:,}, "
            f"seed=42)`, loaded once into `bench/.cache/`): {rows}"
        )
    return lines


def _cell(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    if unit == "MB":
        return f"{value / 1e6:,.0f}" if value >= 1e7 else f"{value / 1e6:,.1f}"
    if unit == "s":
        return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return f"{value:,.0f}"


def _factor(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}×"


def _growth(results: dict[str, Any]) -> list[str]:
    """P5's two scales side by side: each query's p95 and each rollup's rows, size and build time, with the factor."""
    growth = results.get("sections", {}).get("warehouse_growth")
    if not growth:
        return []
    small, large = f"{growth['small']:,}", f"{growth['large']:,}"
    subs = growth.get("submissions", {})
    lines = [
        f"## Warehouse growth: {small} -> {large} students",
        "",
        f"P5 at both scales (submissions {subs.get('small') or 0:,} -> {subs.get('large') or 0:,}): each query's p95 "
        "(ms, uncached, client side) on the primary and on the replica, and its raw joins' p95; then each rollup's "
        "rows, size and full-build seconds (the first build, into empty tables). factor = large / small.",
        "",
        f"| query | primary p95 {small} | primary p95 {large} | factor | replica p95 {small} | replica p95 {large} "
        f"| factor | raw p95 {small} | raw p95 {large} | factor |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in growth["queries"].items():
        cells = []
        for side in ("primary", "replica", "raw"):
            figures = row[side]
            cells += [_cell(figures["small"], "ms"), _cell(figures["large"], "ms"), _factor(figures["factor"])]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    build = growth["build_seconds"]
    lines += [
        "",
        f"| rollup | rows {small} | rows {large} | factor | MB {small} | MB {large} | factor | build s {small} "
        f"| build s {large} | factor |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in growth["rollups"].items():
        cells = []
        for key, unit in (("rows", ""), ("bytes", "MB"), ("build_seconds", "s")):
            cells += [_cell(row[key]["small"], unit), _cell(row[key]["large"], unit), _factor(row[key]["factor"])]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        f"| **all (one transaction, with the shared scan)** | | | | | | | {_cell(build['small'], 's')} | "
        f"{_cell(build['large'], 's')} | {_factor(build['factor'])} |",
        "",
    ]
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
    shown: dict[str, str] = {}  # profile part -> the figure under which it was shown
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
            parts = profile.get("parts") or [{**profile, "label": "", "repeats": 1}]  # results of before the parts
            for part in _parts_for(f["id"], parts):
                link = _relative(Path(part["text"]), docs_dir)
                what = f"Profile of our side{' (' + part['label'] + ')' if part['label'] else ''}"
                if part["text"] in shown:
                    lines.append(f"{what}: shown under {shown[part['text']]} above, [{link}]({link}).")
                    lines.append("")
                    continue
                shown[part["text"]] = f["id"]
                lines.append(
                    f"{what}, {part['repeats']} call(s) ({profile['tool']}, `{profile['command']}`): [{link}]({link})"
                )
                lines.append("")
                lines.append("<details><summary>where the time goes (top of the profile)</summary>")
                lines.append("")
                lines.append("```")
                lines.extend(part["summary"].splitlines())
                lines.append("```")
                lines.append("")
                lines.append("</details>")
                lines.append("")
        else:
            lines.append(f"Profile it with `.venv/bin/python -m bench --profile {benchmark}`.")
            lines.append("")
    return lines


def _parts_for(figure_id: str, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The profile parts that explain a figure: the part named in its id (P5.refresh -> refresh), else the others."""
    named = [p for p in parts if p["label"] and p["label"] in figure_id]
    return named or [p for p in parts if not p["label"] or p["label"] not in ("refresh",)]


def _relative(path: Path, docs_dir: Path) -> str:
    """A link from the docs folder: paths in the results are absolute or relative to the repository root."""
    if not path.is_absolute():
        return str(Path("..") / path)
    try:
        return str(Path("..") / path.resolve().relative_to(docs_dir.resolve().parent))
    except ValueError:
        return str(path)


def _carried(results: dict[str, Any], docs_dir: Path) -> list[str]:
    sources = results.get("carried_sources") or ([results["carried"]] if results.get("carried") else [])
    lines = []
    for merged in results.get("merged", []):
        link = _relative(Path(merged["path"]), docs_dir)
        lines += [
            f"Figures of [{Path(merged['path']).name}]({link}) (run {merged['started_utc']} UTC, commit "
            f"`{merged['commit']}`, load {merged['load']}) are merged in: the same benchmark at another scale, "
            "run apart.",
            "",
        ]
    for source in sources:
        link = _relative(Path(source["path"]), docs_dir)
        lines += [
            f"Benchmarks {', '.join(source['benchmarks'])} were not run this time: their figures (marked *carried*) "
            f"are those of [{Path(source['path']).name}]({link}) (run {source['started_utc']} UTC, commit "
            f"`{source['commit']}`).",
            "",
        ]
    return lines


def render(results: dict[str, Any], results_path: Path, docs_path: Path) -> str:
    figures = results["figures"] + results.get("manual", [])
    order = {b.id: i for i, b in enumerate(BENCHMARKS)}
    # By benchmark; within one, by id (P4a, P4b, P4c), except the P5.<query> figures, which keep run order.
    figures.sort(key=lambda f: (order.get(f["id"].split(".")[0].rstrip("abcd"), 99), "" if "." in f["id"] else f["id"]))
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
        *_carried(results, docs_path.parent),
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
        *_growth(results),
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
        "P4b (bell-schedule edit to refreshed views) and P9 (the UI's launch path against the job) run `lct ui` "
        "(webserver, daemon, code server) on the benchmark's own servers (`bench/p9_ui_paths.py`); "
        "`python -m bench.edit_to_views` times P4b on a stack of your own.",
        "",
    ]
    return "\n".join(lines)
