"""The package's shape, read from the source: a root of wiring only, a core without Dagster, no import cycles.

Every `import` statement counts, lazy ones inside functions too, except for the cycle check: a cycle needs
imports that run when a module loads, so only module-level ones form edges there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lct_pipelines"
ROOT_MODULES = {"__init__", "definitions", "jobs", "schedules", "project"}
# Only these import Dagster; everything else is plain Python, tested and benchmarked without it.
DAGSTER_ROOMS = {"assets", "resources", "sensors", "executors", "cli", "definitions", "jobs", "schedules"}
CORE = {"nces", "lct", "warehouse", "demo"}
WIRING = {"assets", "resources", "sensors", "executors", "cli", "definitions", "jobs", "schedules"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, *, module_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _room(module: str) -> str:
    """'lct_pipelines.assets.lct.checks' -> 'assets'; a root module is its own room."""
    return module.split(".")[1] if "." in module else module


def test_the_package_root_holds_only_the_wiring() -> None:
    root = {path.stem for path in PACKAGE.glob("*.py")}
    assert root == ROOT_MODULES
    assert len(root) <= 5


def test_only_the_cli_imports_the_definitions() -> None:
    importers = {
        module
        for module, path in _modules().items()
        if "lct_pipelines.definitions" in _imports(path) and module != "lct_pipelines.definitions"
    }
    assert importers and all(_room(module) == "cli" for module in importers), importers


@pytest.mark.parametrize("module", sorted(_modules()))
def test_dagster_is_imported_only_by_the_wiring(module: str) -> None:
    uses_dagster = any(name == "dagster" or name.startswith("dagster.") for name in _imports(_modules()[module]))
    if _room(module) not in DAGSTER_ROOMS:
        assert not uses_dagster, f"{module} imports Dagster; only {sorted(DAGSTER_ROOMS)} may"


@pytest.mark.parametrize("module", sorted(m for m in _modules() if _room(m) in CORE))
def test_the_core_imports_nothing_of_the_wiring(module: str) -> None:
    wiring = {name for name in _imports(_modules()[module]) if name.startswith("lct_pipelines.")}
    assert not {name for name in wiring if _room(name) in WIRING}, f"{module} imports the Dagster wiring"


def test_db_depends_on_nothing_above_it() -> None:
    for module, path in _modules().items():
        if _room(module) == "db":
            above = {name for name in _imports(path) if name.startswith("lct_pipelines.")}
            assert {_room(name) for name in above} <= {"db", "project"}, (module, above)


def test_no_module_level_import_cycle() -> None:
    modules = _modules()
    graph = {
        module: {name for name in _imports(path, module_level_only=True) if name in modules and name != module}
        for module, path in modules.items()
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target] if target in trail else [module, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # A package's __init__ importing its own submodules is not a cycle of behaviour: skip self-package edges.
    real = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert not real, real


def test_no_module_is_over_500_lines() -> None:
    lengths = {module: len(path.read_text().splitlines()) for module, path in _modules().items()}
    assert not {module: n for module, n in lengths.items() if n > 500}
