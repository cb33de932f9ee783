"""`todo worker install-systemd` as a real process; the units it writes checked by
`systemd-analyze verify` (Debian's systemd package; scripts/services.sh installs it).

Measured before: a password in TODO_DATABASE__URL and a `user:password` webhook URL were
written into the unit in clear while the command said secrets were left out; a value with a
space broke its `Environment=` line; `After=network-online.target` did nothing in a user unit.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from services import systemd
from tests.services.processes import REPO, TODO

DB_URL = "postgresql://todo:hunter2@db.example:5432/todo"
HOOK_URL = "https://bob:s3cret@hooks.example/x?note=50%25%20off"
SECRETS = ("hunter2", "s3cret", "tok-'quoted'$HOME")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "my todo home"
    home.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    base.update(
        TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="Alice Smith", NO_COLOR="1",
        TODO_DATABASE__URL=DB_URL, TODO_NOTIFY__WEBHOOK_URL=HOOK_URL,
        TODO_NOTIFY__WEBHOOK_TOKEN="tok-'quoted'$HOME", TODO_NOTIFY__CHANNELS="terminal,webhook",
        TODO_AGENT__MODEL='say "100%" \\o/',
    )
    return base


def install(env: dict[str, str], folder: Path) -> tuple[str, Path]:
    target = folder / "units" / systemd.UNIT
    done = subprocess.run([*TODO, "worker", "install-systemd", "--path", str(target)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout, target


def test_secrets_never_reach_the_units_but_a_file_only_the_owner_reads(
    env: dict[str, str], tmp_path: Path
) -> None:
    out, target = install(env, tmp_path)
    template = target.parent / systemd.TEMPLATE
    env_file = Path(env["TODO_HOME"]) / systemd.ENV_FILE
    for unit in (target, template):
        text = unit.read_text(encoding="utf-8")
        assert [s for s in SECRETS if s in text] == [], unit
        assert f"EnvironmentFile={env_file}" in text
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    secrets = env_file.read_text(encoding="utf-8")
    assert f"TODO_DATABASE__URL='{DB_URL}'" in secrets
    assert f"TODO_NOTIFY__WEBHOOK_URL='{HOOK_URL}'" in secrets
    assert 'TODO_NOTIFY__WEBHOOK_TOKEN="tok-\'quoted\'\\$HOME"' in secrets
    assert "TODO_USER" not in secrets
    assert str(env_file) in out and "mode 0600" in out
    assert "TODO_DATABASE__URL (a password in its URL)" in out
    assert "TODO_NOTIFY__WEBHOOK_TOKEN (a secret setting)" in out


def test_an_existing_secrets_file_is_made_private_again(
    env: dict[str, str], tmp_path: Path
) -> None:
    env_file = Path(env["TODO_HOME"]) / systemd.ENV_FILE
    env_file.write_text("old\n")
    env_file.chmod(0o644)
    install(env, tmp_path)
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert "old" not in env_file.read_text()


def test_a_config_file_others_could_read_is_made_private(
    env: dict[str, str], tmp_path: Path
) -> None:
    config = Path(env["TODO_HOME"]) / "config.toml"
    config.write_text('[notify]\nsmtp_password = "pw-s3cret"\n')
    config.chmod(0o644)
    out, _target = install(env, tmp_path)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert f"Made {config} readable only by you" in out


def test_a_unit_that_cannot_be_written_is_a_clear_error(
    env: dict[str, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    done = subprocess.run(
        [*TODO, "worker", "install-systemd", "--path", str(blocker / systemd.UNIT)], cwd=REPO,
        env=env, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert f"cannot write {blocker}" in done.stderr
    assert "Traceback" not in done.stderr


def test_values_are_quoted_and_user_units_need_no_network_online_target(
    env: dict[str, str], tmp_path: Path
) -> None:
    _out, target = install(env, tmp_path)
    text = target.read_text(encoding="utf-8")
    assert 'Environment="TODO_USER=Alice Smith"' in text
    assert 'Environment="TODO_AGENT__MODEL=say \\"100%%\\" \\\\o/"' in text
    assert f'Environment="TODO_HOME={env["TODO_HOME"]}"' in text
    assert "network-online" not in text
    [exec_start] = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    assert exec_start.endswith(' "worker" all')


def test_the_template_runs_one_worker_per_instance(env: dict[str, str], tmp_path: Path) -> None:
    _out, target = install(env, tmp_path)
    text = (target.parent / systemd.TEMPLATE).read_text(encoding="utf-8")
    [exec_start] = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    assert exec_start.endswith(' "worker" %i')
    assert "Description=todo worker %i" in text


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        message = "systemd-analyze is missing: apt-get install systemd (scripts/services.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_both_units_pass_systemd_analyze_verify(env: dict[str, str], tmp_path: Path) -> None:
    analyze = systemd_analyze()
    _out, target = install(env, tmp_path)
    instance = target.parent / "todo-worker@notify.service"  # a template is verified as one
    shutil.copy(target.parent / systemd.TEMPLATE, instance)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    for unit in (target, instance):
        done = subprocess.run(
            [analyze, "--user", "verify", "--man=no", str(unit)], capture_output=True,
            text=True, timeout=60, check=False,
            env={**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip() == "", done.stderr  # warnings count too
