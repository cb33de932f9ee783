"""README's shell examples work as pasted into an interactive bash.

Each `todo ...` line of README.md's console/sh blocks goes through a real bash with history
expansion on (as in an interactive shell), first with a `todo` that only records its
arguments, then for real in an isolated TODO_HOME. Pasting must not lose words to a `#`
comment (`#finance` after a space starts one) or fail on `!` (`!high` is a history event).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.helpers import TODO_BIN, cli_env

README = Path(__file__).parents[2] / "README.md"
_FENCE = re.compile(r"^```(\w*)\s*$")
_SHELL_BLOCKS = frozenset({"console", "sh", "bash", "shell"})
# A comment the README means: a `#` after whitespace and followed by a space (`# outbox`).
_VISIBLE_COMMENT = re.compile(r"\s+#\s.*$")
_CONTROL = frozenset({"&&", "||", ";", "&", "|"})
# Commands that need the outside world (a model, a keyring, a broker, a terminal).
_NOT_RUN = frozenset({"chat", "config", "worker", "mcp", "tui"})
# History expansion as an interactive bash does it; set at the top of the script bash reads.
_INTERACTIVE = "set -o history -o histexpand\n"


@dataclass(frozen=True)
class Example:
    """One shell line of the README and the output lines printed under it (console blocks)."""

    line: str
    output: tuple[str, ...]


def examples() -> list[Example]:
    """Every line of README.md's shell blocks that runs `todo`."""
    found: list[Example] = []
    block: str | None = None
    for raw in README.read_text(encoding="utf-8").splitlines():
        fence = _FENCE.match(raw)
        if fence:
            block = None if block is not None else fence[1]
            continue
        if block not in _SHELL_BLOCKS:
            continue
        if block == "console" and not raw.startswith("$ "):
            if found and found[-1].line.startswith("$ "):
                found[-1] = Example(found[-1].line, (*found[-1].output, raw))
            continue
        if re.search(r"(^|[\s;&|])todo\s", raw.removeprefix("$ ")):
            found.append(Example(raw, ()))
    return [Example(e.line.removeprefix("$ "), e.output) for e in found]


def intended_calls(line: str) -> list[list[str]]:
    """The argument lists the README means each `todo` on `line` to get: shell quoting and
    operators apply, a `# comment` is dropped, and nothing else is a comment."""
    lexer = shlex.shlex(_VISIBLE_COMMENT.sub("", line), posix=True, punctuation_chars=True)
    lexer.commenters = ""
    lexer.whitespace_split = True
    calls: list[list[str]] = [[]]
    for token in lexer:
        if token in _CONTROL:
            calls.append([])
        else:
            calls[-1].append(token)
    return [call[1:] for call in calls if call[:1] == ["todo"]]


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # bash reads the script on stdin line by line, as it reads what is pasted into a terminal.
    return subprocess.run(
        ["bash", "--norc", "--noprofile"], input=_INTERACTIVE + script, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )


EXAMPLES = examples()


def test_the_readme_has_todo_examples() -> None:
    assert len(EXAMPLES) >= 10
    assert any(e.line.startswith("todo add") for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.line for e in EXAMPLES])
def test_bash_passes_each_example_the_arguments_the_readme_intends(
    example: Example, tmp_path: Path
) -> None:
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    shim = shim_dir / "todo"
    shim.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    shim.chmod(0o755)
    env = cli_env(tmp_path / "home", PATH=f"{shim_dir}:/usr/bin:/bin")
    done = _bash(example.line + "\nwait\n", env)
    assert done.stderr == "", f"bash said {done.stderr!r} for: {example.line}"
    got = [json.loads(row) for row in log.read_text(encoding="utf-8").splitlines()] \
        if log.exists() else []
    assert got == intended_calls(example.line), example.line


@pytest.mark.parametrize(
    ("line", "swallowed"),
    [("todo add x #finance", "#finance"), ("todo add x !high", "!high"),
     ('todo add x "!high"', "!high")],
)
def test_the_harness_sees_what_an_interactive_bash_does(
    line: str, swallowed: str, tmp_path: Path
) -> None:
    # The checks above are only as good as this bash: it must drop `#word` and expand `!`.
    env = cli_env(tmp_path, PATH="/usr/bin:/bin")
    done = _bash(line.replace("todo add", "printf '%s\\n'") + "\n", env)
    assert swallowed not in done.stdout.split()
    assert swallowed in intended_calls(line)[0]


def _runnable(example: Example) -> bool:
    return all(call and call[0] not in _NOT_RUN for call in intended_calls(example.line))


def test_the_examples_run_for_real_in_order(tmp_path: Path) -> None:
    """The runnable examples, one after another in one home as a reader would paste them:
    each exits 0 with nothing on stderr, and what the README shows is what it prints."""
    env = cli_env(tmp_path / "home", PATH=f"{TODO_BIN.parent}:/usr/bin:/bin")
    runnable = [e for e in EXAMPLES if _runnable(e)]
    assert len(runnable) >= 8
    for example in runnable:
        done = _bash(example.line + "\n", env)
        assert (done.returncode, done.stderr) == (0, ""), example.line
        _check_output(example, done.stdout.splitlines())


def _check_output(example: Example, printed: list[str]) -> None:
    # The lines that do not depend on today's date are compared as they stand; a JSON list
    # is compared field by field where the README shows a value ("…" and dues vary).
    for shown in example.output:
        if shown.startswith(("Added ", "Completed ", "Undid ")):
            assert shown in printed, (example.line, printed)
        elif shown.startswith("[{"):
            got = json.loads("\n".join(printed))
            for want, have in zip(json.loads(shown), got, strict=True):
                fixed = {k: v for k, v in want.items() if v != "…" and k != "due"}
                assert {k: have[k] for k in fixed} == fixed, example.line
