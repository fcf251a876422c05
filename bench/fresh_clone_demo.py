"""P6: `make demo` from a fresh clone: `git clone <repo> <tmp> && cd <tmp> && make install && make demo`.

The clone gets its own LCT_HOME and LCT_DATA_DIR (inside it) and an environment without any LCT_* or
DAGSTER_* variable or active virtualenv of ours, so it starts its own embedded servers and builds its own
.venv, exactly as a newcomer's machine would; afterwards `make down` stops its servers and the clone is
deleted. Reported: install (`make install`: venv + uv + the project), the rest of `make demo` (servers,
demo data, `lct run`), their total, and the main job alone (the `run: <year> ok in N s` lines of `lct run`:
the Dagster job executing in process). It clones the committed HEAD of the repository: uncommitted changes are
not measured. Package downloads come from uv's cache when the machine has one (a warm cache: said in the docs).

Run alone: `python -m bench.fresh_clone_demo [--repo PATH] [--keep]` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import Figure

if TYPE_CHECKING:
    from bench.context import Bench

GOAL_TOTAL_SECONDS = 300.0
GOAL_JOB_SECONDS = 90.0
# Each run is a clone, a venv, an install and the whole demo (~2 min): at most this many, whatever --runs says.
MAX_RUNS = 3
_JOB_LINE = re.compile(r"^run: (\S+) ok in ([0-9.]+)s", re.MULTILINE)
_LCT_RUN_LINE = re.compile(r"^run: done in ([0-9.]+)s", re.MULTILINE)
_DEMO_DATA_LINE = re.compile(r"^demo-data: .* in ([0-9.]+)s$", re.MULTILINE)


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def _clean_environment(clone: Path) -> dict[str, str]:
    ours = os.environ.get("VIRTUAL_ENV")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LCT_", "DAGSTER_")) and k not in ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MFLAGS")
    }
    venv_bins = {str(Path(sys.prefix) / "bin"), *([str(Path(ours) / "bin")] if ours else [])}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p not in venv_bins)
    env["LCT_HOME"] = str(clone / ".lct")
    env["LCT_DATA_DIR"] = str(clone / "data")
    return env


def _make(target: str, clone: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", target], cwd=clone, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise RuntimeError(f"`make {target}` in the fresh clone failed ({done.returncode}):\n{tail}")
    return seconds, output


def fresh_clone_demo(repo: Path, work: Path, say: Callable[[str], None], keep: bool = False) -> dict[str, Any]:
    """One fresh clone, install and demo; the seconds of each part."""
    clone = Path(tempfile.mkdtemp(prefix="clone-", dir=work))
    shutil.rmtree(clone)
    subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True)
    env = _clean_environment(clone)
    try:
        install, _ = _make("install", clone, env)
        say(f"P6: make install {install:.1f}s")
        demo, output = _make("demo", clone, env)
        jobs = {year: float(seconds) for year, seconds in _JOB_LINE.findall(output)}
        if not jobs:
            raise RuntimeError(f"`make demo` printed no `run: <year> ok in N s` line:\n{output[-2000:]}")
        lct_run = _LCT_RUN_LINE.search(output)
        demo_data = _DEMO_DATA_LINE.search(output)
        say(f"P6: make demo {demo:.1f}s (main job {sum(jobs.values()):.1f}s)")
        return {
            "commit": commit.stdout.strip(),
            "install_seconds": install,
            "demo_seconds": demo,
            "total_seconds": install + demo,
            "job_seconds": sum(jobs.values()),
            "jobs": jobs,
            "lct_run_seconds": float(lct_run.group(1)) if lct_run else None,
            "demo_data_seconds": float(demo_data.group(1)) if demo_data else None,
        }
    finally:
        subprocess.run(["make", "--no-print-directory", "down"], cwd=clone, env=env, capture_output=True)
        if keep:
            say(f"P6: clone kept at {clone}")
        else:
            shutil.rmtree(clone, ignore_errors=True)


def run(bench: Bench) -> list[Figure]:
    outcomes = []
    runs = min(bench.runs, MAX_RUNS)
    for run_number in range(runs):
        outcome = fresh_clone_demo(_repo_root(), bench.work, bench.say)
        outcomes.append(outcome)
        bench.say(
            f"P6 run {run_number + 1}/{runs}: total {outcome['total_seconds']:.1f}s "
            f"(install {outcome['install_seconds']:.1f}s), main job {outcome['job_seconds']:.1f}s"
        )
    totals = [o["total_seconds"] for o in outcomes]
    jobs = [o["job_seconds"] for o in outcomes]
    installs = [o["install_seconds"] for o in outcomes]
    return [
        Figure(
            id="P6a",
            title="make demo from a fresh clone, install included",
            ours=totals,
            goal=f"< {GOAL_TOTAL_SECONDS / 60:g} min",
            met=statistics.median(totals) < GOAL_TOTAL_SECONDS,
            notes=f"{runs} runs (each a whole clone, install and demo: capped at {MAX_RUNS}); install (make install) "
            f"median {statistics.median(installs):.1f}s with uv's package cache warm",
            extra={"runs": outcomes},
        ),
        Figure(
            id="P6b",
            title="the main job alone (lct run: import, LCT, QA, views, exports; Dagster in process)",
            ours=jobs,
            goal=f"< {GOAL_JOB_SECONDS:g} s",
            met=statistics.median(jobs) < GOAL_JOB_SECONDS,
            notes="the `run: <year> ok in N s` line of `lct run`; the whole `lct run` command (imports, "
            "definitions, QA dashboard): " + ", ".join(f"{o['lct_run_seconds']}s" for o in outcomes),
            extra={"lct_run_seconds": [o["lct_run_seconds"] for o in outcomes]},
        ),
        Figure(
            id="P6c",
            title="make install in the fresh clone (venv, uv, the project and its dev extras)",
            ours=installs,
            goal="(reported)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fresh_clone_demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=_repo_root(), help="repository to clone (default: this one)")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its servers are stopped)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="lct-fresh-clone-"))
    try:
        outcome = fresh_clone_demo(args.repo, work, lambda m: print(m, file=sys.stderr), keep=args.keep)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(outcome, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
