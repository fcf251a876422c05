"""`python -m bench`: run the benchmark suite, write the results JSON and docs/benchmarks.md, or profile one side."""

from __future__ import annotations

import argparse
import json
import math
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.context import Bench, Options, stderr_progress
from bench.harness import dump, load_average, machine
from bench.manual import manual_figures
from bench.suite import BENCHMARKS, BY_ID, Benchmark

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RESULTS = REPO / "bench" / "results"
DEFAULT_DOCS = REPO / "docs" / "benchmarks.md"
FULL_RUNS = 5
QUICK_RUNS = 1
PROFILE_SUMMARY_LINES = 40
PROFILE_MIN_SECONDS = 2.0
PROFILE_MAX_REPEATS = 20

EPILOG = """
examples:
  python -m bench                       every benchmark at full scale, 5 alternating runs; writes
                                        bench/results/<UTC>.json and docs/benchmarks.md (what `make bench` does)
  python -m bench --quick               every benchmark but P6 on small data, 1 run, results in a temp folder
  python -m bench --only P1,P3 --runs 7 --out /tmp/b
  python -m bench --profile P1          pyinstrument profile of our side of P1 (text + HTML in <out>/profiles)
  python -m bench --only P5,P8 --scale 200000   the warehouse at 200,000 students only (cached in bench/.cache/)
  python -m bench --render bench/results/20250101T000000Z.json   rewrite docs/benchmarks.md from saved results

benchmarks: """ + ", ".join(f"{b.id} {b.title}" for b in BENCHMARKS)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks of lct_pipelines against the naive approaches (issue 6). Progress goes to stderr.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small data, 1 run each, no P6: the smoke test (< 2 min)")
    parser.add_argument("--only", help="comma-separated benchmark ids, e.g. P1,P3 (default: all)")
    parser.add_argument(
        "--runs", type=int, help=f"alternating runs per figure (default {FULL_RUNS}; {QUICK_RUNS} with --quick)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for <UTC>.json and profiles (default bench/results; a new temp folder with --quick)",
    )
    parser.add_argument(
        "--docs",
        type=Path,
        help="markdown report to write (default docs/benchmarks.md for a complete full run, none otherwise)",
    )
    parser.add_argument("--no-docs", action="store_true", help="never write the markdown report")
    parser.add_argument("--profile", metavar="IDS", help="only profile our side of these benchmarks (pyinstrument)")
    parser.add_argument(
        "--profile-unmet",
        action="store_true",
        help="after the run, profile our side of every benchmark that missed a goal",
    )
    parser.add_argument(
        "--manual",
        type=Path,
        default=DEFAULT_RESULTS / "manual.json",
        help="figures measured by hand (default bench/results/manual.json, used when present; none expected now)",
    )
    parser.add_argument(
        "--render", type=Path, metavar="JSON", help="only rewrite the markdown report from a results file"
    )
    parser.add_argument("--work-dir", type=Path, help="where the temporary work folder goes (default: the system temp)")
    parser.add_argument("--keep-work", action="store_true", help="keep the work folder (data, server files) afterwards")
    parser.add_argument(
        "--scale",
        help="warehouse platforms for P5 and P8, in students, comma-separated (default 20000,200000; 400 with "
        "--quick); full-mode platforms are loaded once into bench/.cache/ and kept",
    )
    parser.add_argument(
        "--replica-up-to",
        type=int,
        metavar="STUDENTS",
        help="P5 reads the cache cluster's replica only at scales up to this many students (default: every scale; "
        "a replica of the 200,000-student cache takes ~15 GB more disk)",
    )
    parser.add_argument(
        "--carry",
        type=Path,
        metavar="JSON",
        help="with --only (or --render): take the other benchmarks' figures from this earlier results file into "
        "the report (marked carried), so docs/benchmarks.md still shows every benchmark",
    )
    parser.add_argument(
        "--merge",
        type=Path,
        action="append",
        metavar="JSON",
        help="with --render: add the figures of another run (P5 at another scale run apart); repeatable",
    )
    parser.add_argument(
        "--rebuild-cache", action="store_true", help="forget the cached warehouse platforms (bench/.cache/) first"
    )
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.scale:
        try:
            args.scale = tuple(int(x.replace("_", "")) for x in args.scale.split(",") if x.strip())
        except ValueError:
            parser.error(f"--scale: comma-separated student counts, got {args.scale!r}")
        if not args.scale or min(args.scale) < 1:
            parser.error("--scale: at least one count, each >= 1")
    for flag in ("only", "profile"):
        value = getattr(args, flag)
        if value:
            ids = [x.strip().upper() for x in value.split(",") if x.strip()]
            unknown = [x for x in ids if x not in BY_ID]
            if unknown:
                parser.error(f"--{flag}: unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
            setattr(args, flag, ids)
    return args


def _git() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def _selected(args: argparse.Namespace) -> list[Benchmark]:
    chosen = [b for b in BENCHMARKS if args.only is None or b.id in args.only]
    if args.quick:
        skipped = [b.id for b in chosen if not b.quick]
        if skipped and args.only:
            stderr_progress(f"--quick skips {', '.join(skipped)} (full runs only)")
        chosen = [b for b in chosen if b.quick]
    return chosen


def profile(benchmark: Benchmark, bench: Bench, out_dir: Path, stamp: str, command: str) -> dict[str, Any] | None:
    """Profile our side of `benchmark` with pyinstrument; text and HTML per part under out_dir/profiles.

    A benchmark's `profile_target` gives one callable, or several by name (P5: the refresh, the queries).
    Each is run once to warm up, then under the profiler as many times as fill PROFILE_MIN_SECONDS (at most
    PROFILE_MAX_REPEATS), so a 0.1 s call is not judged on one sample of a loaded machine.
    """
    from pyinstrument import Profiler

    targets = benchmark.profile_target(bench)
    if targets is None:
        bench.say(f"{benchmark.id}: no profile target (our side is not Python code of ours)")
        return None
    if callable(targets):
        targets = {"": targets}
    folder = out_dir / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for label, target in targets.items():
        started = time.perf_counter()
        target()  # warm: imports, caches, the first run's one-off costs; and how long one call takes
        repeats = max(1, min(PROFILE_MAX_REPEATS, math.ceil(PROFILE_MIN_SECONDS / (time.perf_counter() - started))))
        profiler = Profiler(interval=0.001)
        profiler.start()
        for _ in range(repeats):
            target()
        profiler.stop()
        name = f"{stamp}-{benchmark.id}{'-' + label if label else ''}"
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        text_path, html_path = folder / f"{name}.txt", folder / f"{name}.html"
        text_path.write_text(text)
        html_path.write_text(profiler.output_html())
        bench.say(f"{benchmark.id}: profile{' of ' + label if label else ''} ({repeats} calls) written to {text_path}")
        parts.append(
            {
                "label": label,
                "repeats": repeats,
                "text": _shown(text_path),
                "html": _shown(html_path),
                "summary": _summary(text),
            }
        )
    return {"tool": f"pyinstrument {_version('pyinstrument')}", "command": command, "parts": parts}


def _shown(path: Path) -> str:
    """A path as the results JSON keeps it: relative to the repository when inside it (portable across clones)."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def _summary(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:PROFILE_SUMMARY_LINES])


def _run_benchmark(benchmark: Benchmark, bench: Bench, record: dict[str, Any]) -> None:
    load_before = load_average()
    started = time.perf_counter()
    bench.say(f"{benchmark.id} {benchmark.title}: start (load {load_before})")
    entry: dict[str, Any] = {"title": benchmark.title, "load_before": load_before, "error": None}
    try:
        figures = benchmark.run(bench)
        record["figures"].extend(f.to_json() for f in figures)
        for f in figures:
            state = "n/a" if f.met is None else "met" if f.met else "NOT MET"
            ratio = f" ratio {f.ratio:.2f}x" if f.ratio is not None else ""
            bench.say(f"{f.id}: ours median {f.ours_median:.4g} {f.unit}{ratio}; goal {f.goal}: {state}")
    except Exception as error:
        entry["error"] = f"{type(error).__name__}: {error}"
        entry["traceback"] = traceback.format_exc()
        bench.say(f"{benchmark.id} FAILED: {entry['error']}")
        print(entry["traceback"], file=sys.stderr)
    entry["seconds"] = time.perf_counter() - started
    entry["load_after"] = load_average()
    record["benchmarks"][benchmark.id] = entry


def _merge(record: dict[str, Any], path: Path) -> None:
    """Add another run's figures (e.g. P5 at another scale, run apart) and rebuild P5's growth table."""
    from bench.p5_warehouse import growth_from_figures

    other = json.loads(path.read_text())
    known = {f["id"] for f in record["figures"]}
    record["figures"] += [f for f in other["figures"] if f["id"] not in known]
    for key, value in other.get("datasets", {}).items():
        record["datasets"].setdefault(key, value)
    for benchmark, entry in other["benchmarks"].items():
        record["benchmarks"].setdefault(benchmark, entry)
    record["selected"] = sorted(set(record["selected"]) | set(other["selected"]))
    record.setdefault("merged", []).append(
        {
            "path": _shown(path),
            "started_utc": other["started_utc"],
            "commit": other["git"]["commit"],
            "load": other["load_average"],
        }
    )
    growth = growth_from_figures(record["figures"], record["datasets"])
    if growth:
        record.setdefault("sections", {})["warehouse_growth"] = growth


def _carry(record: dict[str, Any], path: Path, ran: set[str]) -> None:
    """Figures, runs and datasets of the benchmarks not run now, from an earlier results file (marked carried)."""
    earlier = json.loads(path.read_text())
    taken = sorted({b for b in earlier["benchmarks"] if b not in ran})
    for figure in earlier["figures"]:
        if figure["id"].split(".")[0].rstrip("abcd") in taken:
            if not (figure.get("notes") or "").startswith("*carried*"):  # carried there already: keep its source
                figure["notes"] = f"*carried* from {path.name}. " + (figure.get("notes") or "")
            record["figures"].append(figure)
    for benchmark in taken:
        record["benchmarks"][benchmark] = {**earlier["benchmarks"][benchmark], "carried": True}
    for key, value in earlier.get("datasets", {}).items():
        record["datasets"].setdefault(key, value)
    sources = [s for s in earlier.get("carried_sources", [earlier["carried"]] if earlier.get("carried") else [])]
    own = [b for b in taken if not earlier["benchmarks"][b].get("carried")]
    sources.append(
        {
            "path": _shown(path),
            "benchmarks": own,
            "started_utc": earlier["started_utc"],
            "commit": earlier["git"]["commit"],
        }
    )
    record["carried_sources"] = [s for s in sources if s["benchmarks"]]


def write_docs(results: dict[str, Any], results_path: Path, docs_path: Path) -> None:
    from bench.report import render

    docs_path.parent.mkdir(parents=True, exist_ok=True)
    docs_path.write_text(render(results, results_path, docs_path))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render is not None:
        results = json.loads(args.render.read_text())
        results["manual"] = [f.to_json() for f in manual_figures(args.manual)]
        for extra in args.merge or []:
            _merge(results, extra)
        if args.carry is not None:
            _carry(results, args.carry, set(results["selected"]))
        docs = args.docs or DEFAULT_DOCS
        write_docs(results, args.render, docs)
        print(docs)
        return 0

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = args.out or (Path(tempfile.mkdtemp(prefix="lct-bench-quick-")) if args.quick else DEFAULT_RESULTS)
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = args.runs or (QUICK_RUNS if args.quick else FULL_RUNS)
    options = Options(
        quick=args.quick,
        runs=runs,
        out_dir=out_dir,
        work_root=args.work_dir,
        keep_work=args.keep_work,
        scales=args.scale or None,
        replica_up_to=args.replica_up_to,
    )
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    bench = Bench(options)
    if args.rebuild_cache:
        bench.platforms().clear()
    try:
        if args.profile:
            for benchmark_id in args.profile:
                profile(BY_ID[benchmark_id], bench, out_dir, stamp, f"python -m bench --profile {benchmark_id}")
            return 0
        return _suite(args, bench, out_dir, stamp, command.strip())
    finally:
        bench.close()


def _suite(args: argparse.Namespace, bench: Bench, out_dir: Path, stamp: str, command: str) -> int:
    selected = _selected(args)
    started = time.perf_counter()
    record: dict[str, Any] = {
        "schema": 1,
        "mode": "quick" if args.quick else "full",
        "started_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "runs": bench.runs,
        "command": command,
        "git": _git(),
        "machine": machine(),
        "load_average": {"start": load_average()},
        "selected": [b.id for b in selected],
        "benchmarks": {},
        "figures": [],
        "profiles": {},
    }
    bench.say(
        f"{len(selected)} benchmarks ({', '.join(b.id for b in selected)}), {bench.runs} runs each; work {bench.work}"
    )
    for benchmark in selected:
        _run_benchmark(benchmark, bench, record)
    if args.profile_unmet:
        missed = {f["id"].split(".")[0].rstrip("abcd") for f in record["figures"] if f.get("met") is False}
        for benchmark in (b for b in selected if b.id in missed):
            try:
                found = profile(benchmark, bench, out_dir, stamp, f"python -m bench --profile {benchmark.id}")
            except Exception as error:  # a profile is a diagnosis: its failure is reported, not fatal
                bench.say(f"{benchmark.id}: profile failed: {type(error).__name__}: {error}")
                found = None
            if found:
                record["profiles"][benchmark.id] = found
    record["load_average"]["end"] = load_average()
    record["seconds"] = time.perf_counter() - started
    record["datasets"] = bench.datasets
    record["sections"] = bench.sections
    if args.carry is not None:
        _carry(record, args.carry, {b.id for b in selected})
    record["manual"] = [f.to_json() for f in manual_figures(args.manual)]
    results_path = out_dir / f"{stamp}.json"
    dump(str(results_path), record)
    bench.say(f"results: {results_path}")
    complete = args.only is None and not args.quick
    docs = None if args.no_docs else (args.docs or (DEFAULT_DOCS if complete else None))
    if docs is not None:
        write_docs(record, results_path, docs)
        bench.say(f"report: {docs}")
    errors = {k: v["error"] for k, v in record["benchmarks"].items() if v["error"]}
    missed = [f["id"] for f in record["figures"] if f.get("met") is False]
    bench.say(
        f"done in {record['seconds'] / 60:.1f} min: {len(record['figures'])} figures, "
        f"goals missed: {', '.join(missed) or 'none'}; errors: {', '.join(errors) or 'none'}"
    )
    print(results_path)
    return 1 if errors else 0
