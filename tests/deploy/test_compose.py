"""deploy/compose.yaml: valid against the Compose specification, and wired as the issue asks
(migration as a one-shot step the workers wait for, scalable notify, /healthz checks, secrets
from an uncommitted env file, named volumes)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.tools import REPO, known_env_names, require_tool, todo_env_names

COMPOSE = REPO / "deploy" / "compose.yaml"
WORKERS = ("relay", "recurrence", "audit", "notify")


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    exe = require_tool("check-jsonschema", "pip install -e .[dev]")
    return subprocess.run([exe, "--builtin-schema", "vendor.compose-spec", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_compose_file_follows_the_compose_specification() -> None:
    result = _check(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    text = COMPOSE.read_text(encoding="utf-8").replace(
        "condition: service_completed_successfully", "condition: when_it_feels_like_it", 1)
    broken.write_text(text, encoding="utf-8")
    assert _check(broken).returncode != 0


def test_migration_runs_once_and_every_worker_waits_for_it() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in WORKERS:
        service = services[name]
        assert service["command"] == ["worker", name]
        assert service["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"}
        assert service["depends_on"]["redpanda"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", WORKERS)
def test_workers_health_check_is_their_healthz(name: str) -> None:
    service = _compose()["services"][name]
    probe = " ".join(service["healthcheck"]["test"])
    port = service["environment"]["TODO_WORKER__METRICS_PORT"]
    assert f"http://127.0.0.1:{port}/healthz" in probe


def test_notify_can_be_scaled() -> None:
    notify = _compose()["services"]["notify"]
    assert "container_name" not in notify
    assert "ports" not in notify


def test_the_data_lives_in_named_volumes() -> None:
    compose = _compose()
    services = compose["services"]
    for service, target in (("postgres", "/var/lib/postgresql/data"),
                            ("redpanda", "/var/lib/redpanda/data")):
        (mount,) = services[service]["volumes"]
        volume, path = mount.split(":")
        assert path == target
        assert volume in compose["volumes"]


def test_redpanda_runs_in_dev_container_mode() -> None:
    redpanda = _compose()["services"]["redpanda"]
    assert redpanda["image"].startswith("redpandadata/redpanda:v")
    assert "--mode=dev-container" in redpanda["command"]


def test_secrets_come_from_an_uncommitted_env_file() -> None:
    services = _compose()["services"]
    for name in (*WORKERS, "migrate", "cli"):
        assert services[name]["env_file"] == [{"path": ".env", "required": True}]
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=REPO, check=False)
    assert ignored.returncode == 0, "deploy/.env must be gitignored"
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "deploy/.env.example"],
                             cwd=REPO, capture_output=True, check=False)
    assert tracked.returncode == 0, "deploy/.env.example must be committed"
    assert "change-me" not in COMPOSE.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["deploy/compose.yaml", "deploy/.env.example"])
def test_every_todo_variable_is_a_real_setting(path: str) -> None:
    used = todo_env_names((REPO / path).read_text(encoding="utf-8"))
    assert used, path
    assert used <= known_env_names(), used - known_env_names()


def test_one_shot_services_have_no_health_check() -> None:
    """The image's HEALTHCHECK asks a worker's /healthz; the migration and the CLI serve none."""
    services = _compose()["services"]
    for name in ("migrate", "cli"):
        assert services[name]["healthcheck"] == {"disable": True}
