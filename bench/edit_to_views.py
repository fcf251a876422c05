"""P4b on a stack of your own: with the daemon running (`lct ui`), the time from one `lct enrich --district` save
to the sensor-launched incremental run having refreshed the views and exports.

`make bench` measures P4b on its own servers (bench/p9_ui_paths.py, with these helpers). This script times the
same thing on the configured stack (run `make demo` first): it starts `lct ui` on a free port, saves a bell
schedule for the largest unenriched district, and waits for the run the enrichment sensor launches. Repeats
`--runs` times on the next districts, then stops the UI. Writes the samples as JSON.

    .venv/bin/python -m bench.edit_to_views --runs 5 --out /tmp/edit_to_views.json
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
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import requests
from sqlalchemy import create_engine, text

from lct_pipelines.sensors.enrichment_changes import SENSOR_NAME
from lct_pipelines.services.ports import free_port

LCT = str(Path(sys.executable).with_name("lct"))
UI_START_LIMIT = 480.0  # a hang guard: the start took 80-140 s on 2 cores at load 10-30
SETTLE_SECONDS = 20.0


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


def start_ui(env: dict[str, str], log: Path, timeout: float = UI_START_LIMIT) -> tuple[subprocess.Popen, str, float]:
    """`lct ui` on a free port in a process group of its own; the process, its URL and the seconds to answer."""
    port = free_port()
    process = subprocess.Popen(
        [LCT, "ui", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}", wait_for_ui(process, port, log, timeout)


def server_info_within(process: subprocess.Popen, url: str, timeout: float, interval: float = 0.5) -> float | None:
    """Seconds until the Dagster webserver at `url` answers /server_info; None when `process` exits or `timeout`
    passes first (the caller tells which by `process.poll()`, and stops it)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            return None
        try:
            if requests.get(f"{url}/server_info", timeout=1).ok:
                return time.perf_counter() - started
        except requests.RequestException:
            pass
        time.sleep(interval)
    return None


def wait_for_ui(process: subprocess.Popen, port: int, log: Path, timeout: float = UI_START_LIMIT) -> float:
    """Seconds until `lct ui` answers on `port`; stops it and raises if it does not within `timeout`."""
    seconds = server_info_within(process, f"http://127.0.0.1:{port}", timeout)
    if seconds is not None:
        return seconds
    if process.poll() is not None:
        raise RuntimeError(f"lct ui exited ({process.returncode}); see {log}")
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError(f"lct ui did not answer within {timeout:.0f} s; see {log}")


def candidates(url: str, count: int) -> list[str]:
    """The largest districts without a bell schedule: each edit is a new one."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT leaid FROM lct.mv_unenriched_districts ORDER BY enrollment DESC LIMIT :n"), {"n": count}
        ).all()
    engine.dispose()
    return [r[0] for r in rows]


def _wait(instance: dg.DagsterInstance, typed: float, after: float, limit: float = 300) -> dict[str, float | str]:
    """The sensor run launched since the command was `typed`, timed from the save (`after`)."""
    deadline = time.time() + limit
    while time.time() < deadline:
        records = finished_sensor_runs(instance, SENSOR_NAME, datetime.fromtimestamp(typed, UTC))
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


def edit_and_wait(instance: dg.DagsterInstance, leaid: str, env: Mapping[str, str]) -> dict[str, float | str]:
    """Save a bell schedule for `leaid` with `lct enrich --district`; the sensor run's timings from the save."""
    typed = time.time()
    subprocess.run(
        [LCT, "enrich", "--district", leaid],
        input="400\n410\n420\nbenchmark\nlow\n",
        text=True,
        check=True,
        capture_output=True,
        env=dict(env),
    )
    edited = time.time()  # `lct enrich` has saved the edit (its own start-up is not the daemon's)
    return {"leaid": leaid, "enrich_command_s": round(edited - typed, 2), **_wait(instance, typed, edited)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="edits to time (default 3)")
    parser.add_argument("--out", type=Path, help="write the samples here as JSON")
    args = parser.parse_args(argv)
    env = {**os.environ, **_env()}
    os.environ.update(env)
    log = Path(env["LCT_HOME"]) / "edit_to_views_ui.log"
    process, _url, ready = start_ui(env, log)
    print(f"lct ui ready in {ready:.1f} s (log {log})", flush=True)
    samples = []
    try:
        time.sleep(SETTLE_SECONDS)  # the daemon's first ticks pass, as on a machine where the UI has been up a while
        with dg.DagsterInstance.get() as instance:
            for leaid in candidates(env["LCT_DATABASE_URL"], args.runs):
                sample = edit_and_wait(instance, leaid, env)
                print(json.dumps(sample), flush=True)
                samples.append(sample)
    finally:
        process.send_signal(signal.SIGTERM)  # lct ui stops everything it started
        process.wait(timeout=60)
    times = [s["edit_to_views_refreshed_s"] for s in samples]
    print(
        f"edit -> refreshed views: median {statistics.median(times):.1f} s, min {min(times):.1f}, max {max(times):.1f}"
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"measured_at": datetime.now(UTC).isoformat(), "samples": samples}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
