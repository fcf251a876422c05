"""`lct`: set up the servers, import data, run the pipeline, open the UI.

Every command reads LCT_HOME (default ./.lct) and LCT_DATA_DIR (default
./data); LCT_DATABASE_URL, LCT_REPLICA_URLS and LCT_REDIS_URL point at
external servers instead of the embedded ones.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from lct_pipelines.cli import commands, docs, enrich, errors, query, warehouse, worker


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lct",
        description="Learning Connection Time pipelines and the analytics warehouse, on Dagster.",
        epilog="Environment: LCT_HOME (default ./.lct), LCT_DATA_DIR (default ./data), LCT_DATABASE_URL, "
        "LCT_REPLICA_URLS, LCT_REDIS_URL (external servers; unset = embedded ones started by `lct up`), LCT_EXECUTOR.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser(
        "up", help="start the embedded PostgreSQL and Redis (idempotent), apply migrations, create the rollups"
    )
    up.add_argument(
        "--replica",
        action="store_true",
        help="also start a streaming replica of the embedded PostgreSQL (made once; started by every later `lct up`)",
    )
    up.add_argument(
        "--replicas",
        type=int,
        default=0,
        metavar="N",
        help="make streaming replicas of the embedded PostgreSQL until there are N (warehouse reads spread over "
        "them); those made before are started by every later `lct up`",
    )
    up.set_defaults(func=commands.up)
    down = sub.add_parser("down", help="stop the embedded servers (data is kept)")
    down.set_defaults(func=commands.down)
    status = sub.add_parser("status", help="say which servers run where")
    status.set_defaults(func=commands.status)
    env = sub.add_parser("env", help='print `export` lines for the resolved settings (eval "$(lct env)")')
    env.set_defaults(func=commands.env)

    db = sub.add_parser("db", help="database migrations (Alembic)")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_up = db_sub.add_parser("upgrade", help="apply migrations (default: to the newest)")
    db_up.add_argument("revision", nargs="?", default="head")
    db_up.set_defaults(func=commands.db_upgrade)
    db_down = db_sub.add_parser("downgrade", help="revert migrations (default: the newest one)")
    db_down.add_argument("revision", nargs="?", default="-1")
    db_down.set_defaults(func=commands.db_downgrade)
    db_current = db_sub.add_parser("current", help="print the applied revision")
    db_current.set_defaults(func=commands.db_current)

    demo = sub.add_parser("demo-data", help="write synthetic NCES CCD files into the landing folder")
    demo.add_argument(
        "--scale",
        choices=("small", "full"),
        default="small",
        help="small: ~600 districts, seconds; full: ~18,000 districts, real-size files",
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed (same seed, same bytes)")
    demo.add_argument("--data-dir", help="landing root (default $LCT_DATA_DIR or ./data)")
    demo.add_argument("--year", default="2023-24", help="school year to write (default 2023-24)")
    demo.set_defaults(func=commands.demo_data)

    run = sub.add_parser("run", help="import every landed school year and materialize the assets")
    run.add_argument("--data-dir", help="landing root (default $LCT_DATA_DIR or ./data)")
    run.add_argument("--year", help="only this school year, e.g. 2023-24")
    run.add_argument("--csv", action="store_true", help="also write CSV copies of the exports")
    run.set_defaults(func=commands.run)

    qa = sub.add_parser("qa", help="print the QA dashboard of the newest calculation run")
    qa.add_argument("--year", help="only this school year (default: every year calculated)")
    qa.set_defaults(func=commands.qa)

    enrich_parser = sub.add_parser(
        "enrich",
        help="collect bell-schedule minutes into the database: --state XX campaign, --district LEAID, --status, "
        "import FILE.csv",
        description="Collect bell-schedule minutes into the database.",
    )
    enrich.configure_parser(enrich_parser).set_defaults(func=commands.enrich)

    warehouse.add_parser(sub)
    query.add_parser(sub)
    docs.add_parser(sub)

    worker_parser = sub.add_parser(
        "worker",
        help="a Celery worker executing the steps of LCT_EXECUTOR=celery runs (broker: the Redis of `lct up`)",
        description="Start a dagster-celery worker on the project's Redis (LCT_REDIS_URL or the embedded one). "
        "Runs use it when the code location runs with LCT_EXECUTOR=celery. SIGTERM finishes the steps in "
        "progress, then stops.",
    )
    worker.configure_parser(worker_parser).set_defaults(func=commands.worker)

    ui = sub.add_parser("ui", help="serve the Dagster UI and daemon on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.add_argument("--data-dir", help="landing root (default $LCT_DATA_DIR or ./data)")
    ui.set_defaults(func=commands.ui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    errors.quiet_library_logging()
    if getattr(args, "data_dir", None):
        os.environ["LCT_DATA_DIR"] = os.path.abspath(args.data_dir)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except BrokenPipeError:
        return errors.silence_broken_pipe()
    except KeyboardInterrupt:
        print("lct: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        return errors.report(err)


if __name__ == "__main__":
    sys.exit(main())
