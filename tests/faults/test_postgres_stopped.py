"""PostgreSQL stopped under a run, on an embedded stack of its own (made by two `lct up` at once).

Before the fix two `lct up` on a fresh LCT_HOME raced on initdb, the run stopped with ~100 lines of stack,
and its Dagster run stayed STARTED for ever (the instance lives on the same server, so the run could not
even record its failure). Now the second `lct up` waits for the first, the run says in two lines what
happened and what to do, the next `lct up` fails the dead run with a reason, and a clean rerun gives the
same data as before the fault.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from lct_pipelines.db.write_locks import year_resource
from lct_pipelines.services import stack
from lct_pipelines.services.settings import Settings
from tests.faults.conftest import YEAR, land_year
from tests.faults.processes import environment, holding_lock, output_of, run_lct, start_lct, wait_for_waiter
from tests.faults.state import data_state, debris

EXTERNAL = ("LCT_DATABASE_URL", "DAGSTER_PG_URL", "LCT_REDIS_URL", "LCT_REPLICA_URL", "LCT_READER_URL", "DAGSTER_HOME")


def test_postgres_stopped_under_a_run_then_lct_up_and_a_clean_rerun(
    server_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = environment(
        {
            "LCT_HOME": str(server_dir / "home"),
            "LCT_DATA_DIR": str(server_dir / "data"),
            "LCT_DATA_DICTIONARY_DIR": str(tmp_path / "data-dictionaries"),  # a migrating `lct up` writes one
        },
        EXTERNAL,
    )
    settings = Settings.from_env(env)
    land_year(settings.data_dir)
    try:
        ups = [start_lct(["up"], env, tmp_path / f"up{n}.log") for n in range(2)]
        assert [p.wait(timeout=600) for p in ups] == [0, 0], [output_of(tmp_path / f"up{n}.log") for n in range(2)]
        said = output_of(tmp_path / "up0.log") + output_of(tmp_path / "up1.log")
        assert said.count("postgres: initialising") == 1 and "Traceback" not in said

        first = run_lct(["run"], env)
        assert first.returncode == 0, first.stdout + first.stderr
        url = stack.resolve_urls(settings).database_url
        before = data_state(url, settings.data_dir)

        log = tmp_path / "run.log"
        with holding_lock(url, year_resource(YEAR)) as conn:
            run = start_lct(["run"], env, log)
            wait_for_waiter(conn, year_resource(YEAR), run)
            stack.embedded_postgres(settings).stop()
        assert run.wait(timeout=600) == 1
        stopped = output_of(log)
        assert "Traceback" not in stopped
        assert "lct: run stopped: lost PostgreSQL (127.0.0.1:" in stopped and "`lct up`" in stopped

        up = run_lct(["up"], env)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "which is gone: marked FAILURE" in up.stdout
        monkeypatch.setenv("DAGSTER_PG_URL", stack.resolve_urls(settings).dagster_database_url)
        with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": YEAR}))
            assert [r.status for r in runs] == [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS]
        assert data_state(url, settings.data_dir) == before

        rerun = run_lct(["run"], env)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert data_state(url, settings.data_dir) == before
        assert debris(settings.data_dir) == []
    finally:
        stack.down(settings, progress=lambda m: None)
