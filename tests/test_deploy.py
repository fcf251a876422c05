"""The deployment files (docs/deployment.md) are what Dagster, systemd and the chart accept, and agree with each other.

Each dagster.yaml variant passes Dagster's instance schema and then the config schema of every class it names
(the K8sRunLauncher's from dagster-k8s, the storage's, the run coordinator's); the ones on PostgreSQL are loaded
for real against the test server. Each systemd unit's command is asked for its --help (through its installed
entry point) to prove every option it passes exists. A Kubernetes cluster and the Helm chart's rendering are not
exercised here (docs/deployment.md says so).
"""

from __future__ import annotations

import configparser
import contextlib
import io
import re
import shlex
import shutil
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml
from dagster._config import resolve_to_config_type, validate_config
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config
from dagster._core.instance.ref import InstanceRef
from dagster._core.workspace.config_schema import ensure_workspace_config
from dagster._serdes.config_class import ConfigurableClassData, class_from_code_pointer

from lct_pipelines.executors import BROKER_VARIABLE, EXECUTOR_VARIABLE, WORKER_TIMEOUT_VARIABLE
from lct_pipelines.project import dagster_yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VARIANTS = {
    "local": dagster_yaml(),  # wherever the project keeps its local instance (the repository root today)
    "celery": DEPLOY / "dagster.celery.yaml",
    "k8s": DEPLOY / "dagster.k8s.yaml",
}
ON_POSTGRES_URL = ("local", "celery")  # storage from DAGSTER_PG_URL: loadable against the test server
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
DOC = (ROOT / "docs" / "deployment.md").read_text()


def _yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def _validated(path: Path, tmp_path: Path) -> dict[str, Any]:
    """The variant as Dagster's instance loader validates it, then the config of every class it names (each raises
    DagsterInvalidConfigError). The instance's own reference resolves the classes, legacy module paths included."""
    shutil.copyfile(path, tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    for name, data in InstanceRef.from_dir(str(tmp_path))._asdict().items():
        if not isinstance(data, ConfigurableClassData):
            continue
        klass = class_from_code_pointer(data.module_name, data.class_name)
        value = yaml.safe_load(data.config_yaml) or {}
        result = validate_config(resolve_to_config_type(klass.config_type()), value)
        if not result.success:
            raise DagsterInvalidConfigError(f"{path.name}: {name} ({data.class_name})", result.errors, value)
    return config


@pytest.mark.parametrize("shape", sorted(VARIANTS))
def test_each_dagster_yaml_variant_passes_dagsters_own_validation(shape: str, tmp_path: Path) -> None:
    config = _validated(VARIANTS[shape], tmp_path)
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"


def test_the_validation_catches_a_bad_run_launcher_config(tmp_path: Path) -> None:
    """A misspelt K8sRunLauncher field fails: the launcher's own schema is applied, not only the instance's."""
    broken = _yaml(VARIANTS["k8s"])
    broken["run_launcher"]["config"]["job_namespce"] = broken["run_launcher"]["config"].pop("job_namespace")
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken))
    with pytest.raises(DagsterInvalidConfigError, match="run_launcher_data"):
        _validated(tmp_path / "broken.yaml", tmp_path)


@pytest.mark.parametrize("shape", ON_POSTGRES_URL)
def test_the_postgres_variants_load_as_an_instance(shape: str, dagster_env: dict[str, str], tmp_path: Path) -> None:
    shutil.copyfile(VARIANTS[shape], tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert list(instance.get_runs()) == []


def _tag_limits(config: dict[str, Any]) -> list[dict[str, Any]]:
    return config["run_coordinator"]["config"].get("tag_concurrency_limits") or []


@pytest.mark.parametrize("shape", sorted(VARIANTS))
def test_every_shape_keeps_the_local_one_run_per_school_year_limits(shape: str) -> None:
    local = _tag_limits(_yaml(VARIANTS["local"]))
    assert local
    assert all(limit in _tag_limits(_yaml(VARIANTS[shape])) for limit in local)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_snake(k): _snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_keys(v) for v in value]
    return value


def test_the_helm_values_say_what_the_k8s_variant_says() -> None:
    values = _yaml(DEPLOY / "helm" / "values.yaml")
    instance = _yaml(VARIANTS["k8s"])
    launcher = instance["run_launcher"]["config"]
    chart_launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    assert values["runLauncher"]["type"] == instance["run_launcher"]["class"] == "K8sRunLauncher"
    assert [s["name"] for s in chart_launcher["envSecrets"]] == launcher["env_secrets"]
    assert [c["name"] for c in chart_launcher["envConfigMaps"]] == launcher["env_config_maps"]
    assert chart_launcher["jobNamespace"] == launcher["job_namespace"]
    assert _snake_keys(chart_launcher["runK8sConfig"]) == launcher["run_k8s_config"]
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert queued["tagConcurrencyLimits"] == _tag_limits(instance)
    assert queued["maxConcurrentRuns"] == instance["run_coordinator"]["config"]["max_concurrent_runs"]
    assert _snake_keys(values["dagsterDaemon"]["runMonitoring"]) == instance["run_monitoring"]
    assert values["global"]["postgresqlSecretName"] == launcher["postgres_password_secret"]
    assert values["global"]["dagsterHome"] == launcher["dagster_home"]
    assert values["postgresql"]["postgresqlDatabase"] == instance["storage"]["postgres"]["postgres_db"]["db_name"]
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    module = re.search(r'^module_name = "(.+)"$', pyproject, re.MULTILINE).group(1)
    assert deployment["dagsterApiGrpcArgs"] == ["--module-name", module]


def test_the_grpc_workspace_is_a_valid_workspace_naming_the_code_servers_port() -> None:
    workspace = ensure_workspace_config(_yaml(DEPLOY / "workspace.grpc.yaml"), str(DEPLOY / "workspace.grpc.yaml"))
    (server,) = [entry["grpc_server"] for entry in workspace["load_from"]]
    code_server = configparser.ConfigParser(interpolation=None)
    code_server.read(DEPLOY / "systemd" / "lct-code-server.service")
    command = shlex.split(code_server["Service"]["ExecStart"])
    assert command[command.index("--port") + 1] == str(server["port"])
    assert command[command.index("--location-name") + 1] == server["location_name"]


def _exec_start(unit: Path) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(unit)
    return shlex.split(parser["Service"]["ExecStart"])


def _help(program: str, subcommands: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """`program SUBCOMMANDS --help` through the installed console script's entry point, in this process (fast)."""
    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == program]
    monkeypatch.setattr(sys, "argv", [program, *subcommands, "--help"])
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), pytest.raises(SystemExit) as exit_info:
        entry.load()()
    assert exit_info.value.code in (0, None), shown.getvalue()
    return shown.getvalue()


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_each_systemd_unit_runs_a_command_of_this_install_with_options_it_accepts(
    unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = _exec_start(unit)
    program = Path(command[0]).name
    assert Path(sys.executable).with_name(program).exists(), f"{unit.name}: {program} is not installed here"
    subcommands = []  # e.g. `code-server start`: the words before the first option
    for word in command[1:]:
        if word.startswith("-"):
            break
        subcommands.append(word)
    shown = _help(program, subcommands, monkeypatch)
    assert "Usage" in shown or "usage" in shown, shown
    for option in (word.split("=")[0] for word in command if word.startswith("--")):
        assert option in shown, f"{unit.name}: `{' '.join([program, *subcommands])}` has no {option}"


def test_every_variable_the_deployment_files_use_is_documented() -> None:
    used = set()
    for path in [*VARIANTS.values(), DEPLOY / "lct.env.example"]:
        used |= set(re.findall(r"env: ([A-Z_]+)", path.read_text(), re.MULTILINE))
        used |= set(re.findall(r"^([A-Z][A-Z_]+)=", path.read_text(), re.MULTILINE))
    used |= {EXECUTOR_VARIABLE, BROKER_VARIABLE, WORKER_TIMEOUT_VARIABLE}
    assert not {name for name in used if f"`{name}`" not in DOC}
