"""`make bench-quick` as a smoke test: every benchmark runs on small data and both sides agree.

It fails on an error or a wrong answer (each benchmark raises when the two sides differ), never on speed:
whether a goal is met is not asserted. The suite runs in a subprocess, as `make bench-quick` does, with its
results in this test's temporary folder (never bench/results or docs/benchmarks.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.suite import BENCHMARKS

REPO = Path(__file__).resolve().parents[1]


def _snapshot() -> dict[str, float]:
    """Modification times of what only a full run may write."""
    paths = [REPO / "docs" / "benchmarks.md", *(REPO / "bench" / "results").glob("*")]
    return {str(p): p.stat().st_mtime for p in paths if p.exists()}


def test_the_quick_benchmark_suite_runs_every_benchmark_without_error(tmp_path: Path) -> None:
    out = tmp_path / "results"
    before = _snapshot()
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out), "--no-docs"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,  # a hang guard: < 1 min on a quiet machine, over 5 min on 2 cores at load 30
    )
    assert done.returncode == 0, f"bench --quick failed:\n{done.stderr[-6000:]}"
    (results_file,) = out.glob("*.json")
    results = json.loads(results_file.read_text())
    assert results["mode"] == "quick"
    quick = [b.id for b in BENCHMARKS if b.quick]
    assert sorted(results["benchmarks"]) == sorted(quick)
    assert {k: v["error"] for k, v in results["benchmarks"].items() if v["error"]} == {}
    measured = {f["id"].split(".")[0].rstrip("abcd") for f in results["figures"] if f["ours"]}
    assert measured == set(quick), "every quick benchmark reports at least one figure with samples"
    assert _snapshot() == before, "a quick run never writes docs/benchmarks.md or bench/results"
