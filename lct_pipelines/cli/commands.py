"""The bodies of the `lct` subcommands."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path

from sqlalchemy import text

from lct_pipelines.project import workspace_yaml
from lct_pipelines.services import stack
from lct_pipelines.services.settings import Settings


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _settings() -> Settings:
    return Settings.from_env()


def up(args: argparse.Namespace) -> int:
    from lct_pipelines.services.up import bring_up

    bring_up(_settings(), replica=args.replica)
    return 0


def down(args: argparse.Namespace) -> int:
    stack.down(_settings())
    return 0


def status(args: argparse.Namespace) -> int:
    settings = _settings()
    print(f"LCT_HOME      {settings.home}")
    print(f"LCT_DATA_DIR  {settings.data_dir}")
    for row in stack.status(settings):
        state = {True: "running", False: "stopped", None: "external"}[row.running]
        print(f"{row.name:<9} {row.kind:<9} {state:<8} {row.where}")
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
    bring_up(settings, progress=lambda m: print(f"up: {m}", flush=True))
    landing = LandingZoneResource(data_dir=str(settings.data_dir))
    try:
        years = discover_years(landing, args.year)
    except NoLandedFilesError as err:
        raise UserError(str(err)) from err
    print(f"run: school years {', '.join(years)} from {landing.nces_dir}", flush=True)
    with dg.DagsterInstance.get() as instance:
        outcomes = run_years(defs, instance, years, progress=lambda m: print(m, flush=True), csv=args.csv)
    _print_row_counts()
    for year in years:
        _print_dashboard(os.environ["LCT_DATABASE_URL"], year)
    elapsed = time.perf_counter() - started
    failed = [o for o in outcomes if not o.success]
    print(
        f"\nrun: {'FAILED' if failed else 'done'} in {elapsed:.1f}s. "
        "Open the UI with `make ui` (or `lct ui`) at http://127.0.0.1:3000 to browse assets and runs."
    )
    return 1 if failed else 0


def _print_row_counts() -> None:
    from lct_pipelines.db.engine import build_engine
    from lct_pipelines.db.sqlfiles import load_sql

    engine = build_engine(os.environ["LCT_DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(text(load_sql("nces/row_counts.sql"))).all()
    engine.dispose()
    print("\ntables:")
    for table, year, count in rows:
        print(f"  {table:<26} {year or '':<8} {count:>10,} rows")


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
    from lct_pipelines.services.up import bring_up

    settings = _settings()
    env_vars = bring_up(settings, progress=lambda m: print(f"up: {m}", flush=True))
    workspace = workspace_yaml()
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", "-w", str(workspace), "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"ui: http://127.0.0.1:{args.port} (webserver + daemon; Ctrl-C stops both)", flush=True)
    # exec: dagster dev gets our signals directly and takes its code server down with it.
    os.execve(command[0], command, {**os.environ, **env_vars})


def enrich(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.enrich import run_command
    from lct_pipelines.enrichment.interactive import EnrichmentError

    try:
        return run_command(args, _database_url())
    except EnrichmentError as err:
        raise UserError(str(err)) from err
