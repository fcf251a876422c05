"""End to end on the embedded servers: the raw-import assets materialize, report, and keep old data on bad input."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from lct_pipelines.assets.enrichment import ENRICHMENT_ASSETS
from lct_pipelines.assets.nces import NCES_ASSETS, RAW_FILE_SPECS
from lct_pipelines.demo.nces_files import write_demo_data
from lct_pipelines.resources import LandingZoneResource, PostgresResource

YEAR = "2023-24"


def _resources(env: dict[str, str]) -> dict[str, object]:
    return {
        "postgres": PostgresResource(url=env["LCT_DATABASE_URL"]),
        "landing": LandingZoneResource(data_dir=env["LCT_DATA_DIR"]),
    }


def _materialize(env: dict[str, str], instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    instance.add_dynamic_partitions("school_year", [YEAR])
    return dg.materialize(
        [*RAW_FILE_SPECS.values(), *NCES_ASSETS, *ENRICHMENT_ASSETS],
        resources=_resources(env),
        instance=instance,
        partition_key=YEAR,
        raise_on_error=False,
    )


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("nces.lea_directory", "nces.lea_enrollment", "nces.lea_staff", "lct.state_requirements")
        }
        counts["sum_fte"] = conn.execute(text("SELECT round(sum(fte)::numeric, 2) FROM nces.lea_staff")).scalar_one()
        counts["bad_ids"] = conn.execute(
            text("SELECT count(*) FROM nces.lea_enrollment WHERE leaid !~ '^[0-9]{7}$'")
        ).scalar_one()
    engine.dispose()
    return counts


def _metadata(result: dg.ExecuteInProcessResult, key: str) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.fixture
def demo(lct_env: dict[str, str]):
    return write_demo_data(Path(lct_env["LCT_DATA_DIR"]), scale="small", seed=7)


def test_raw_imports_load_every_table_with_7_char_ids(lct_env: dict[str, str], demo) -> None:
    with dg.instance_for_test() as instance:
        result = _materialize(lct_env, instance)
    assert result.success
    counts = _counts(lct_env["LCT_DATABASE_URL"])
    assert counts["nces.lea_directory"] > 500 and counts["nces.lea_enrollment"] > 500
    assert counts["lct.state_requirements"] == 50
    assert counts["bad_ids"] == 0
    enrollment = _metadata(result, "nces/lea_enrollment")
    assert enrollment["dagster/row_count"] == counts["nces.lea_enrollment"]
    for key in ("import/blank_counts", "import/duplicates", "import/conflicts", "import/ids_repadded"):
        assert enrollment[key] > 0, key
    summary = _metadata(result, "nces/import_summary")
    assert summary["districts/only_in_directory"] > 0


@pytest.mark.parametrize(
    ("problem", "content", "expected"),
    [
        ("missing column", b"SCHOOL_YEAR,LEAID,GRADE\n2023-2024,0100005,Grade 1\n", "missing"),
        ("binary garbage", bytes(range(256)) * 64, "line"),
        ("undecodable bytes", None, "line"),
    ],
)
def test_a_bad_file_fails_its_asset_and_keeps_the_previous_rows(
    lct_env: dict[str, str], demo, problem: str, content: bytes | None, expected: str
) -> None:
    with dg.instance_for_test() as instance:
        assert _materialize(lct_env, instance).success
        before = _counts(lct_env["LCT_DATABASE_URL"])
        staff = next(Path(lct_env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR).glob("*_059_*"))
        if content is None:  # a valid file with one byte sequence no encoding we accept can decode
            lines = staff.read_bytes().splitlines(keepends=True)
            lines[5] = lines[5].replace(b",", b",\x81\x8d\x9d", 1)
            content = b"".join(lines)
        staff.write_bytes(content)
        result = _materialize(lct_env, instance)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert staff.name in message and expected in message, message
    assert _counts(lct_env["LCT_DATABASE_URL"]) == before


def test_a_zip_membership_file_is_read(lct_env: dict[str, str], demo) -> None:
    folder = Path(lct_env["LCT_DATA_DIR"], "raw", "nces_ccd", YEAR)
    membership = next(folder.glob("*_052_*"))
    if membership.suffix == ".csv":  # make sure the zip path is exercised
        with zipfile.ZipFile(membership.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(membership, membership.name)
        membership.unlink()
    assert any(p.suffix == ".zip" for p in folder.glob("*_052_*"))
    with dg.instance_for_test() as instance:
        assert _materialize(lct_env, instance).success
    assert _counts(lct_env["LCT_DATABASE_URL"])["nces.lea_enrollment"] > 500
    shutil.rmtree(folder)
