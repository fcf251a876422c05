"""P4, second half: with the daemon running (`lct ui`), the time from one `lct enrich --district` save to the
sensor-launched incremental run having refreshed the views and exports.

Needs a calculated school year in the configured database (run `make demo` first). Starts `lct ui` on a free
port, saves a bell schedule for the largest unenriched district, and waits for the run the enrichment sensor
launches. Repeats `--runs` times on the next districts, then stops the UI. Writes the samples as JSON.

    .venv/bin/python -m bench.edit_to_views --runs 5 --out bench/results/edit_to_views.json \
        --manual bench/results/manual.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import requests
from sqlalchemy import create_engine, text

from lct_pipelines.sensors.enrichment_changes import SENSOR_NAME
from lct_pipelines.services.ports import free_port

LCT = str(Path(sys.executable).with_name("lct"))


def finished_sensor_runs(instance: dg.DagsterInstance, sensor_name: str, after: datetime) -> list[dg.RunRecord]:
    """Runs the sensor launched after `after` that have ended (succeeded or failed), newest first."""
    return list(
        instance.get_run_records(
            filters=dg.RunsFilter(
                tags={"dagster/sensor_name": sensor_name},
                statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE],
                created_after=after,
            )
        )
    )


def _env() -> dict[str, str]:
    printed = subprocess.run([LCT, "env"], capture_output=True, text=True, check=True).stdout
    pairs = (line.removeprefix("export ").split("=", 1) for line in printed.splitlines() if "=" in line)
    return {key: value.strip("'\"") for key, value in pairs}


def start_ui(env: dict[str, str], log: Path, timeout: float = 180) -> tuple[subprocess.Popen, str, float]:
    """`lct ui` on a free port in a process group of its own; the process, its URL and the seconds to answer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        [LCT, "ui", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"lct ui exited ({process.returncode}); see {log}")
        try:
            if requests.get(f"{url}/server_info", timeout=1).ok:
                return process, url, time.perf_counter() - started
        except requests.RequestException:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError(f"lct ui did not answer within {timeout:.0f} s; see {log}")


def _candidates(url: str, count: int) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT leaid FROM lct.mv_unenriched_districts ORDER BY enrollment DESC LIMIT :n"), {"n": count}
        ).all()
    engine.dispose()
    return [r[0] for r in rows]


def _wait(instance: dg.DagsterInstance, after: float, limit: float = 300) -> dict[str, float | str]:
    deadline = time.time() + limit
    while time.time() < deadline:
        records = finished_sensor_runs(instance, SENSOR_NAME, datetime.fromtimestamp(after, UTC))
        if records:
            record = records[0]
            run = record.dagster_run
            return {
                "run_id": run.run_id,
                "status": run.status.value,
                "districts_changed": run.tags.get("lct/districts_changed", ""),
                "edit_to_run_created_s": record.create_timestamp.timestamp() - after,
                "run_start_to_end_s": (record.end_time or 0) - (record.start_time or 0),
                "edit_to_views_refreshed_s": (record.end_time or 0) - after,
            }
        time.sleep(0.5)
    raise RuntimeError(f"no sensor run finished within {limit:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="edits to time (default 3)")
    parser.add_argument("--out", type=Path, help="write the samples here as JSON")
    parser.add_argument(
        "--manual",
        type=Path,
        help="also record the median figure as P4b in this manual-figures file (bench/manual.py reads it)",
    )
    args = parser.parse_args(argv)
    env = {**os.environ, **_env()}
    os.environ.update(env)
    log = Path(env["LCT_HOME"]) / "edit_to_views_ui.log"
    process, _url, ready = start_ui(env, log)
    print(f"lct ui ready in {ready:.1f} s (log {log})", flush=True)
    samples = []
    try:
        time.sleep(20)  # let the daemon's first sensor ticks pass, as on a machine where the UI has been up a while
        with dg.DagsterInstance.get() as instance:
            for leaid in _candidates(env["LCT_DATABASE_URL"], args.runs):
                edited = time.time()
                subprocess.run(
                    [LCT, "enrich", "--district", leaid],
                    input="400\n410\n420\nbenchmark\nlow\n",
                    text=True,
                    check=True,
                    capture_output=True,
                    env=env,
                )
                sample = {"leaid": leaid, **_wait(instance, edited)}
                print(json.dumps(sample), flush=True)
                samples.append(sample)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    times = [s["edit_to_views_refreshed_s"] for s in samples]
    print(
        f"edit -> refreshed views: median {statistics.median(times):.1f} s, min {min(times):.1f}, max {max(times):.1f}"
    )
    if args.manual:
        known = json.loads(args.manual.read_text()) if args.manual.exists() else {}
        known["P4b"] = {
            "samples": [round(t, 2) for t in times],
            "unit": "s",
            "source": f"bench/edit_to_views.py on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: `lct ui` running on the "
            "full-scale demo, one `lct enrich --district` save per sample, timed to the end of the "
            "sensor-launched lct_incremental run (views refreshed, exports rewritten)",
        }
        args.manual.write_text(json.dumps(known, indent=2) + "\n")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"measured_at": datetime.now(UTC).isoformat(), "samples": samples}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
