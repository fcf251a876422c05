"""`lct warehouse ...`: demo rows for the platform tables, the rollup refresh, and the eight queries.

Thin: parameters are checked by `warehouse.params` (the same checks the
service applies), queries answered by `WarehouseService`, the refresh run as
the `warehouse_refresh` Dagster job so it shows in the UI's run history.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from typing import Any

from lct_pipelines.db.sqlfiles import load_sql
from lct_pipelines.warehouse.params import MAX_LIMIT, QUERY_SPECS, Param, QuerySpec

DEFAULT_DEMO_STUDENTS = 20_000
_DEMO_DATA = "demo-data"
_REFRESH = "refresh"


def query_summary(name: str) -> str:
    """The opening sentence of the query's SQL header (up to its `Parameters:` line): what it answers."""
    words = []
    for line in load_sql(f"warehouse/queries/{name}.sql").splitlines():
        text = line.removeprefix("--").strip()
        if not line.startswith("--") or text.startswith("Parameters:"):
            break
        words.append(text)
    return " ".join(words).removeprefix(f"{name}:").strip()


def _param_help(param: Param) -> str:
    text = param.help or param.name
    return f"{text} (required)" if param.required else text


def _add_query_parser(sub: argparse._SubParsersAction, spec: QuerySpec) -> None:
    summary = query_summary(spec.name)
    parser = sub.add_parser(
        spec.name,
        help=summary,
        description=f"{spec.name}: {summary}",
        epilog=f"Pages: --limit (default {spec.default_limit}, at most {MAX_LIMIT:,}) and --offset.",
    )
    for param in spec.params:
        flags = [f"--{param.name.replace('_', '-')}"]
        if "_" in param.name:
            flags.append(f"--{param.name}")
        kwargs: dict[str, Any] = {"dest": param.name, "help": _param_help(param), "required": param.required}
        if param.kind == "integer":
            kwargs["type"] = int
        if param.choices and param.kind == "integer":
            # Checked by the service instead, whose refusal names the precomputed windows.
            kwargs["metavar"] = "{" + ",".join(map(str, param.choices)) + "}"
        elif param.choices:
            kwargs["choices"] = param.choices
        if param.kind == "date":
            kwargs["metavar"] = "YYYY-MM-DD"
        parser.add_argument(*flags, **kwargs)
    parser.add_argument("--limit", type=int, help=f"rows per page (default {spec.default_limit}, max {MAX_LIMIT:,})")
    parser.add_argument("--offset", type=int, help="rows to skip (default 0)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output (default table)")
    parser.add_argument(
        "--raw", action="store_true", help="answer from raw joins on the platform tables (uncached; for comparisons)"
    )
    parser.set_defaults(func=query, query_name=spec.name)


def _queries_epilog() -> str:
    lines = ["queries and their parameters (all also take --limit, --offset, --format table|json, --raw):"]
    for spec in QUERY_SPECS.values():
        params = " ".join(
            f"--{p.name.replace('_', '-')} {p.name.upper()}"
            if p.required
            else f"[--{p.name.replace('_', '-')} {'|'.join(map(str, p.choices)) if p.choices else p.name.upper()}]"
            for p in spec.params
        )
        lines.append(f"  {spec.name} {params}".rstrip())
    lines.append("`lct warehouse QUERY --help` describes each parameter.")
    return "\n".join(lines)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `lct warehouse` and its subcommands on the top-level subparsers."""
    warehouse = sub.add_parser(
        "warehouse",
        help="the analytics warehouse: demo-data, refresh, and the eight queries",
        description="The school-platform analytics warehouse: fill the platform tables with demo rows, refresh the "
        "rollups, answer the eight analytics queries (from the Redis cache, the replica or the primary).",
        epilog=_queries_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = warehouse.add_subparsers(dest="warehouse_command", required=True, metavar="COMMAND")
    demo = actions.add_parser(
        _DEMO_DATA,
        help="replace the platform tables' rows with demo rows (COPY; realistic scale and skew)",
        description="Replace every row of the platform's source tables with demo rows: ~100 submissions and "
        "~150 attendance rows per student, skewed class sizes, late and never-reviewed work.",
    )
    demo.add_argument(
        "--students",
        type=int,
        default=DEFAULT_DEMO_STUDENTS,
        help=f"students to draw (default {DEFAULT_DEMO_STUDENTS:,}: ~2,000,000 submissions)",
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed (same seed, same rows; default 42)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the platform already holds students")
    demo.set_defaults(func=demo_data)
    refresh = actions.add_parser(
        _REFRESH,
        help="apply the changes since the last refresh to every rollup, then invalidate the cache",
        description="Run the warehouse_refresh Dagster job in-process: create missing rollups, apply the platform's "
        "changes since the last refresh (a full rebuild when none was done yet or a table was truncated), fence "
        "and invalidate the query cache. With --full, the warehouse_full_rebuild job: every rollup recomputed "
        "from all rows. The run shows in the UI's run history.",
    )
    refresh.add_argument(
        "--full", action="store_true", help="rebuild every rollup from all rows (what the weekly schedule runs)"
    )
    refresh.add_argument(
        "--all",
        action="store_true",
        help="then also record the statistics and warm the query cache (the jobs of the 03:00 and 07:00 UTC "
        "schedules), so every warehouse asset is materialized",
    )
    refresh.set_defaults(func=refresh_rollups)
    for spec in QUERY_SPECS.values():
        _add_query_parser(actions, spec)


# --- commands --------------------------------------------------------------------------------------------------


def _environment() -> dict[str, str]:
    from lct_pipelines.cli.commands import UserError, _settings
    from lct_pipelines.services import stack

    try:
        return stack.environment(_settings())
    except RuntimeError as err:
        raise UserError(str(err)) from err


def _say(message: str) -> None:
    print(message, flush=True)


def demo_data(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.commands import UserError, _settings
    from lct_pipelines.demo.platform import generate_platform_data, platform_student_count
    from lct_pipelines.services.up import bring_up

    if args.students < 1:
        raise UserError("--students must be at least 1")
    env = bring_up(_settings(), progress=lambda m: _say(f"up: {m}"))
    database_url = env["LCT_DATABASE_URL"]
    if args.if_empty:
        present = platform_student_count(database_url)
        if present:
            _say(f"warehouse demo-data: the platform already holds {present:,} students; kept (--if-empty)")
            return 0
    started = time.perf_counter()
    counts = generate_platform_data(
        database_url, students=args.students, seed=args.seed, progress=lambda m: _say(f"warehouse {m}")
    )
    rows = ", ".join(f"{table} {count:,}" for table, count in counts.items())
    _say(f"warehouse demo-data: {rows} rows in {time.perf_counter() - started:.1f}s")
    _say("warehouse demo-data: the rollups are stale now: `lct warehouse refresh` (or the 02:00 UTC schedule)")
    return 0


def refresh_rollups(args: argparse.Namespace) -> int:
    import dagster as dg

    from lct_pipelines.assets.warehouse import CACHE_INVALIDATION_KEY
    from lct_pipelines.cli.commands import _settings
    from lct_pipelines.cli.launch import run_job, run_warnings, step_failures
    from lct_pipelines.definitions import defs
    from lct_pipelines.jobs import (
        WAREHOUSE_CACHE_WARMUP_JOB,
        WAREHOUSE_FULL_REBUILD_JOB,
        WAREHOUSE_REFRESH_JOB,
        WAREHOUSE_STATISTICS_JOB,
    )
    from lct_pipelines.services.up import bring_up

    bring_up(_settings(), progress=lambda m: _say(f"up: {m}"))
    started = time.perf_counter()
    job = WAREHOUSE_FULL_REBUILD_JOB if args.full else WAREHOUSE_REFRESH_JOB
    _say(f"warehouse refresh: running {job} ...")
    with dg.DagsterInstance.get() as instance:
        result = run_job(defs, instance, job, launched_by="lct warehouse refresh")
        warnings = run_warnings(instance, result.run_id)
    shown_refresh = False
    for event in result.get_asset_materialization_events():
        key = event.asset_key
        metadata = {k: v.value for k, v in event.materialization.metadata.items()}
        if key == CACHE_INVALIDATION_KEY:
            _say(
                f"  query cache: {metadata['cache']}, {metadata['invalidated_entries']} entries deleted "
                f"(replica: {metadata['replica']})"
            )
            continue
        if not shown_refresh:
            _say(
                f"  rollups: {metadata['refresh_kind']} refresh ({metadata['refresh_reason']}) to {metadata['as_of']} "
                f"in {metadata['refresh_seconds']:.2f}s, {metadata['changes_applied']:,} change(s) applied"
            )
            shown_refresh = True
        how = "created" if metadata.get("created") else metadata["refresh_kind"]
        _say(f"  {key.to_user_string():<38} {how:<12} {metadata['dagster/row_count']:>12,} rows  {metadata['size']}")
    for warning in warnings:
        _say(f"  warning: {warning}")
    for failure in step_failures(result):
        _say(f"  failed: {failure}")
    mark = "done" if result.success else "FAILED"
    _say(f"warehouse refresh: {mark} in {time.perf_counter() - started:.1f}s, run id {result.run_id}")
    ok = result.success
    for job_name in (WAREHOUSE_STATISTICS_JOB, WAREHOUSE_CACHE_WARMUP_JOB) if args.all and ok else ():
        with dg.DagsterInstance.get() as instance:
            followup = run_job(defs, instance, job_name, launched_by="lct warehouse refresh --all")
        ok = ok and followup.success
        failures = "; ".join(step_failures(followup))
        _say(f"warehouse refresh: {job_name} {'done' if followup.success else 'FAILED: ' + failures}")
    return 0 if ok else 1


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def render_table(rows: list[dict[str, Any]]) -> str:
    """Rows as aligned text columns, numbers right-aligned."""
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[_cell(row[c]) for c in columns] for row in rows]
    numeric = [all(isinstance(row[c], int | float) or row[c] is None for row in rows) for c in columns]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(values) for values in cells)])


def query(args: argparse.Namespace) -> int:
    from lct_pipelines.cli.commands import UserError
    from lct_pipelines.services.warehouse import build_warehouse_service
    from lct_pipelines.warehouse.errors import QueryTimeoutError
    from lct_pipelines.warehouse.params import QueryParameterError
    from lct_pipelines.warehouse.service_methods import shaped

    spec = QUERY_SPECS[args.query_name]
    given = {p.name: getattr(args, p.name) for p in spec.params if getattr(args, p.name) is not None}
    for name in ("limit", "offset"):
        if getattr(args, name) is not None:
            given[name] = getattr(args, name)
    logging.basicConfig(level=logging.WARNING, format="lct: %(levelname)s %(message)s", stream=sys.stderr)
    env = _environment()
    with build_warehouse_service(env["LCT_DATABASE_URL"], {**os.environ, **env}) as service:
        try:
            answer = service.query_raw(spec.name, **given) if args.raw else service.query(spec.name, **given)
        except (QueryParameterError, QueryTimeoutError) as err:
            raise UserError(str(err)) from err
    bound = answer.params
    more = len(answer.rows) == bound["limit"]
    next_offset = bound["offset"] + bound["limit"] if more else None
    where = "cache" if answer.cached else answer.source + (" (raw joins)" if args.raw else "")
    footer = f"({len(answer.rows):,} rows from the {where} in {answer.elapsed_ms:.1f} ms"
    if next_offset is not None:
        footer += f"; the page is full, the next one: --offset {next_offset}"
    footer += ")"
    if args.format == "json":
        # The replaced service's shape, exactly what WarehouseService.get_top_performers() etc. return; where
        # the answer came from goes to stderr so stdout stays that document.
        print(json.dumps(shaped(spec.name, answer), default=str, indent=2))
        print(footer, file=sys.stderr)
        return 0
    print(render_table(answer.rows))
    print(footer)
    return 0
