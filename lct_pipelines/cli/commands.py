"""The bodies of the `lct` subcommands."""

from __future__ import annotations

import argparse
import os
import shlex
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from lct_pipelines.cli.errors import EXIT_FAILED_RUN, UserError, database_lost, postgres_unreachable
from lct_pipelines.db.urls import redacted
from lct_pipelines.services import stack
from lct_pipelines.services.settings import Settings

__all__ = ["UserError"]


def _settings() -> Settings:
    return Settings.from_env()


def up(args: argparse.Namespace) -> int:
    import dagster as dg

    from lct_pipelines.services.up import bring_up

    env = bring_up(_settings(), replicas=max(args.replicas, 1 if args.replica else 0))
    with dg.DagsterInstance.get() as instance:
        reap_dead_runs(instance, env["LCT_DATABASE_URL"], by="lct up", say=lambda m: print(f"runs: {m}"))
    return 0


def down(args: argparse.Namespace) -> int:
    stack.down(_settings())
    return 0


def status(args: argparse.Namespace) -> int:
    settings = _settings()
    print(f"LCT_HOME      {settings.home}")
    print(f"LCT_DATA_DIR  {settings.data_dir}")
    for row in stack.status(settings):
        state = {True: "running", False: "stopped", None: "external" if row.kind == "external" else ""}[row.running]
        print(f"{row.name:<9} {row.kind:<9} {state:<8} {row.where}" + (f"  {row.detail}" if row.detail else ""))
    return 0


def env(args: argparse.Namespace) -> int:
    try:
        values = stack.environment(_settings())
    except RuntimeError as err:
        raise UserError(str(err)) from err
    for key, value in values.items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


def _database_url() -> str:
    try:
        return stack.resolve_urls(_settings()).database_url
    except RuntimeError as err:
        raise UserError(str(err)) from err


def db_upgrade(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.docs import write_dictionary
    from lct_pipelines.db import migrate

    url = _database_url()
    migrate.upgrade(url, args.revision)
    if migrate.current(url) == migrate.head():  # the models describe the head: document it as it now is
        write_dictionary(url)
    return 0


def db_downgrade(args: argparse.Namespace) -> int:
    from lct_pipelines.db import migrate

    migrate.downgrade(_database_url(), args.revision)
    return 0


def db_current(args: argparse.Namespace) -> int:
    from lct_pipelines.db import migrate

    print(migrate.current(_database_url()) or "(no migration applied)")
    return 0


def demo_data(args: argparse.Namespace) -> int:
    from lct_pipelines.demo.nces_files import write_demo_data

    data_dir = _settings().data_dir
    started = time.perf_counter()
    summary = write_demo_data(
        data_dir,
        scale=args.scale,
        seed=args.seed,
        school_year=args.year,
        progress=lambda message: print(f"demo-data: {message}", flush=True),
    )
    print(
        f"demo-data: {summary.districts:,} districts written under {data_dir / 'raw' / 'nces_ccd'} "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    import dagster as dg

    from lct_pipelines.cli.launch import NoLandedFilesError, discover_years, run_years
    from lct_pipelines.definitions import defs
    from lct_pipelines.resources import LandingZoneResource
    from lct_pipelines.services.up import bring_up

    settings = _settings()
    started = time.perf_counter()
    env = bring_up(settings, progress=lambda m: print(f"up: {m}", flush=True))
    landing = LandingZoneResource(data_dir=str(settings.data_dir))
    try:
        years = discover_years(landing, args.year)
    except NoLandedFilesError as err:
        raise UserError(str(err)) from err
    print(f"run: school years {', '.join(years)} from {landing.nces_dir}", flush=True)
    database_url = env["LCT_DATABASE_URL"]
    with dg.DagsterInstance.get() as instance:
        reap_dead_runs(instance, database_url, by="lct run", say=lambda m: print(f"run: {m}", flush=True))
        try:
            outcomes = run_years(defs, instance, years, progress=lambda m: print(m, flush=True), csv=args.csv)
        except Exception as err:
            lost = database_lost(err)
            if lost is None:
                raise
            raise UserError(
                f"run stopped: lost PostgreSQL ({postgres_unreachable(lost)})\n"
                "  nothing half-written was kept; start it (`lct up`) and run `lct run` again",
                exit_code=EXIT_FAILED_RUN,
            ) from err
        # This run's own failures, if any, settle its calculation_runs row now, not at the next sensor tick.
        reap_dead_runs(instance, database_url, by="lct run", say=lambda m: print(f"run: {m}", flush=True))
    _print_row_counts(database_url)
    for outcome in outcomes:
        _print_run_dashboard(database_url, outcome.school_year, outcome.run_id)
    elapsed = time.perf_counter() - started
    failed = [o for o in outcomes if not o.success]
    print(
        f"\nrun: {'FAILED' if failed else 'done'} in {elapsed:.1f}s. "
        "Open the UI with `make ui` (or `lct ui`) at http://127.0.0.1:3000 to browse assets and runs."
    )
    return EXIT_FAILED_RUN if failed else 0


def reap_dead_runs(instance: Any, database_url: str, *, by: str, say: Callable[[str], None]) -> None:
    """Fail the runs left in progress by dead `lct` processes and settle their calculation rows (dead_runs.py)."""
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.sensors.dead_runs import reap

    engine = build_engine(database_url)
    try:
        reaped = reap(instance, engine, by=by)
    finally:
        engine.dispose()
    for line in reaped.lines():
        say(line)


def _print_row_counts(database_url: str) -> None:
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.sqlfiles import load_sql

    engine = build_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(load_sql("nces/row_counts.sql"))).all()
    engine.dispose()
    print("\ntables:")
    for table, year, count in rows:
        print(f"  {table:<26} {year or '':<8} {count:>10,} rows")


def _print_run_dashboard(database_url: str, year: str, dagster_run_id: str) -> None:
    """The QA dashboard this run recorded; never an older run's (a failed import leaves the last one in place)."""
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct import store
    from lct_pipelines.lct.qa import render_console_dashboard

    engine = build_engine(database_url)
    with transaction(engine) as cur:
        recorded = store.run_qa_summary(cur, dagster_run_id)
    engine.dispose()
    if recorded is None:
        print(
            f"\nqa: {year}: this run recorded no QA report (it failed before the calculation); `lct qa --year {year}`"
        )
        print("  shows the last one, whose data is still in place")
        return
    run_id, _year, report = recorded
    print(f"\n{render_console_dashboard(report)}(calculation run {run_id})")


def _print_dashboard(database_url: str, year: str | None) -> int:
    """Print the console QA dashboard(s); returns how many years have no PASS."""
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.staging import transaction
    from lct_pipelines.lct import store
    from lct_pipelines.lct.qa import STATUS_PASS, render_console_dashboard

    engine = build_engine(database_url)
    with transaction(engine) as cur:
        summaries = store.latest_qa_summaries(cur, year)
    engine.dispose()
    if not summaries:
        print(f"\nqa: no calculation recorded{' for ' + year if year else ''} yet: run `lct run` first")
        return 1
    for _year, run_id, report in summaries:
        print(f"\n{render_console_dashboard(report)}(calculation run {run_id})")
    return sum(report["status"] != STATUS_PASS for _, _, report in summaries)


def qa(args: argparse.Namespace) -> int:
    return 1 if _print_dashboard(_database_url(), args.year) else 0


def ui(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.ui import serve
    from lct_pipelines.services.up import bring_up

    env_vars = bring_up(_settings(), progress=lambda m: print(f"up: {m}", flush=True))
    url = f"http://127.0.0.1:{args.port}"
    print(f"ui: {url} (dg dev: webserver, daemon, code server; Ctrl-C or SIGTERM stops all of them)", flush=True)
    return serve(args.port, {**os.environ, **env_vars, "LCT_UI_URL": url})


def worker(args: argparse.Namespace) -> int:
    import redis

    from lct_pipelines.cli.worker import node_name, run_worker
    from lct_pipelines.services.up import prepare_dagster_home

    settings = _settings()
    try:
        env_vars = stack.environment(settings)
    except RuntimeError as err:
        raise UserError(str(err)) from err
    broker_url = env_vars["LCT_REDIS_URL"]
    if not broker_url:
        raise UserError(f"no Redis for the Celery broker: run `lct up` or set LCT_REDIS_URL (LCT_HOME={settings.home})")
    where = redacted(broker_url)
    try:
        redis.Redis.from_url(broker_url, socket_connect_timeout=2).ping()
    except redis.RedisError as err:
        raise UserError(f"Redis at {where} does not answer ({err}): run `lct up` or check LCT_REDIS_URL") from err
    if os.environ.get("DAGSTER_HOME"):
        # An instance set up for this host (e.g. deploy/dagster.celery.yaml) is used as it is, never replaced.
        env_vars["DAGSTER_HOME"] = os.environ["DAGSTER_HOME"]
    else:
        prepare_dagster_home(settings)
    os.environ.update(env_vars)
    print(f"worker: {node_name(args.name)} serving queue dagster on {where}, {args.concurrency} at a time", flush=True)
    return run_worker(args, broker_url)


def enrich(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.enrich import run_command
    from lct_pipelines.enrichment.errors import EnrichmentError

    try:
        return run_command(args, _database_url())
    except EnrichmentError as err:
        raise UserError(str(err)) from err
