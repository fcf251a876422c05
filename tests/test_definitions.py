"""The code location loads, every asset is there, and lineage is what docs/lineage.md says."""

from __future__ import annotations

import dagster as dg

from lct_pipelines.definitions import defs

EXPECTED_EDGES = {
    ("nces_ccd/directory_file", "nces/lea_directory"),
    ("nces_ccd/membership_file", "nces/lea_enrollment"),
    ("nces_ccd/staff_file", "nces/lea_staff"),
    ("nces/lea_directory", "nces/import_summary"),
    ("nces/lea_enrollment", "nces/import_summary"),
    ("nces/lea_staff", "nces/import_summary"),
}


def _edges(repository) -> set[tuple[str, str]]:
    graph = repository.asset_graph
    return {
        (parent.to_user_string(), key.to_user_string())
        for key in graph.get_all_asset_keys()
        for parent in graph.get(key).parent_keys
    }


def test_code_location_loads_with_every_asset() -> None:
    dg.Definitions.validate_loadable(defs)
    repository = defs.get_repository_def()
    keys = {k.to_user_string() for k in repository.asset_graph.get_all_asset_keys()}
    assert {
        "nces/lea_directory",
        "nces/lea_enrollment",
        "nces/lea_staff",
        "nces/import_summary",
        "lct/state_requirements",
        "lct/bell_schedules",
    } <= keys


def test_documented_lineage_edges_exist() -> None:
    assert _edges(defs.get_repository_def()) >= EXPECTED_EDGES


def test_raw_imports_are_partitioned_by_school_year() -> None:
    graph = defs.get_repository_def().asset_graph
    for key in ("nces/lea_directory", "nces/lea_enrollment", "nces/lea_staff"):
        partitions = graph.get(dg.AssetKey.from_user_string(key)).partitions_def
        assert isinstance(partitions, dg.DynamicPartitionsDefinition) and partitions.name == "school_year"
