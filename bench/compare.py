"""Compare todo with Taskwarrior on the same synthetic tasks at several sizes.

Run from the repository root:

    .venv/bin/python bench/compare.py [--sizes 1000,10000,50000] [--runs 5]

For each size both tools get fresh, isolated data directories and import the same file made by
`bench/data.py`; then each operation runs once untimed (warm-up) and `--runs` times timed, as a
whole process with stdout to /dev/null. The table shows the median wall time of each tool, the
ratio ours/Taskwarrior, the target and PASS/MISS. Progress goes to stderr, the tables to stdout,
and the raw figures to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data  # bench/ is a folder of scripts, not a package: import its sibling by path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VERSION_TARGET = 0.1  # seconds, `todo --version`
STARTUP_TARGET = 0.05  # seconds, `todo count` on an empty database: the fixed cost of a command
# Taskwarrior settings we change; everything else keeps Taskwarrior's defaults.
TASKRC_SETTINGS = {"confirmation": "off", "verbose": "nothing", "color": "off"}


@dataclass(frozen=True)
class Operation:
    """One thing both tools do, with each tool's arguments and how to check its output."""

    name: str
    todo: tuple[str, ...]
    task: tuple[str, ...]
    check: str  # "rows", "count", "json" or "none": what the output holds


READS = (
    Operation("list", ("list",), ("list",), "rows"),
    # The filter language, todo's primary syntax (issue 14: it runs without Typer).
    Operation("filter", ("list", "+work", "p:h"), ("+work", "priority:H", "list"), "rows"),
    # A bare word is a full-text search in the filter language, as `--search` is.
    Operation("search", ("list", "invoice"), ("/invoice/", "list"), "rows"),
    # Issue 15: a project (with its sub-projects) and an expression with `or` and `not`.
    Operation("project", ("list", "project:house"), ("project:house", "list"), "rows"),
    Operation(
        "or/not",
        ("list", "(+work or +home) not p:l"),
        ("(+work or +home)", "priority.not:L", "list"),
        "rows",
    ),
    # Taskwarrior has no subtasks: its plain list is the nearest equivalent of our tree.
    Operation("tree", ("list", "--tree"), ("list",), "rows"),
    Operation("count", ("count",), ("count",), "count"),
    Operation("export", ("export",), ("export",), "json"),
)
# Writes run last so every read sees exactly N tasks; the table still lists add first.
ADD = Operation("add", ("add", "bench task", "+work"), ("add", "bench", "task", "+work"), "none")
TABLE_ORDER = (
    "add", "list", "filter", "search", "project", "or/not", "tree", "count", "export"
)
MISMATCH = "MISMATCH"


@dataclass(frozen=True)
class Tool:
    """A command line plus the environment that points it at its own data directory."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str]
    cwd: Path  # a scratch directory, never the repository (it would shadow a snapshot)

    def command(self, args: Sequence[str]) -> list[str]:
        """The full argument vector for `args`."""
        return [*self.argv, *args]


@dataclass(frozen=True)
class Setup:
    """How to start each tool; shared by every size."""

    todo_bin: str
    task_bin: str
    task_rc: dict[str, str]
    pycache: str  # PYTHONPYCACHEPREFIX for todo: bytecode is cached outside the repository
    todo_path: str | None = None  # PYTHONPATH of a `--commit` snapshot, else the working tree


@dataclass
class Sample:
    """Timings of one operation for one tool: wall and CPU seconds per run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median wall time."""
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        """Median CPU time (user + system) of the child process."""
        return statistics.median(self.cpu)


@dataclass
class Row:
    """One line of a size's table."""

    operation: str
    todo: Sample
    task: Sample | None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def comparable(self) -> bool:
        """False when the two tools printed a different number of tasks."""
        return not self.note.startswith(MISMATCH)

    @property
    def ratio(self) -> float | None:
        """Median wall time of todo over Taskwarrior's, when both exist."""
        if self.task is None or self.task.median == 0:
            return None
        return self.todo.median / self.task.median


class CommandFailed(RuntimeError):
    """A benchmarked command exited non-zero."""


def progress(message: str) -> None:
    """A timestamped progress line on stderr."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def clean_env() -> dict[str, str]:
    """This process's environment without any TODO_*, TASKRC or TASKDATA that could leak in.

    PYTHONDONTWRITEBYTECODE goes too: with it, every run would recompile changed modules,
    which a user's installed copy never does.
    """
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TODO_")
        and key not in {"TASKRC", "TASKDATA", "PYTHONDONTWRITEBYTECODE"}
    }


def make_todo(setup: Setup, workdir: Path) -> Tool:
    """todo with TODO_HOME in a fresh directory under `workdir`."""
    home = workdir / "todo-home"
    home.mkdir()
    env = {**clean_env(), "TODO_HOME": str(home), "PYTHONPYCACHEPREFIX": setup.pycache}
    # An installed todo runs from cached bytecode; recompiling every module on each run
    # (as PYTHONDONTWRITEBYTECODE=1 would make it) is not what users see.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if setup.todo_path:
        # PYTHONPATH comes before the editable install's .pth entry, so the snapshot wins.
        env["PYTHONPATH"] = setup.todo_path
    return Tool("todo", (setup.todo_bin,), env, workdir)


def make_task(setup: Setup, workdir: Path) -> Tool:
    """Taskwarrior with its own rc file and data directory under `workdir`."""
    data_dir = workdir / "task-data"
    data_dir.mkdir()
    rc = workdir / "taskrc"
    settings = {"data.location": str(data_dir), **TASKRC_SETTINGS, **setup.task_rc}
    rc.write_text("".join(f"{k}={v}\n" for k, v in settings.items()), encoding="utf-8")
    env = {**clean_env(), "TASKRC": str(rc), "TASKDATA": str(data_dir)}
    return Tool("task", (setup.task_bin,), env, workdir)


def run(tool: Tool, args: Sequence[str], capture: bool = False) -> tuple[float, float, str]:
    """Run once; return wall seconds, child CPU seconds and stdout ("" unless `capture`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        tool.command(args),
        env=tool.env,
        cwd=tool.cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        command = " ".join(tool.command(args))
        raise CommandFailed(f"`{command}` exited {proc.returncode}: {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout or ""


def measure(tool: Tool, args: Sequence[str], runs: int) -> Sample:
    """One untimed warm-up run, then `runs` timed runs."""
    run(tool, args)
    sample = Sample()
    for _ in range(runs):
        wall, cpu, _ = run(tool, args)
        sample.wall.append(wall)
        sample.cpu.append(cpu)
    return sample


def count_rows(text: str) -> int:
    """Task rows in a report, wrapped or not: lines whose id column holds a number.

    Both tools right-align the id in the first column; Taskwarrior wraps long cells onto
    continuation lines whose id column is blank, so counting lines would overcount.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0
    match = re.match(r"\s*\d+", lines[0])
    width = match.end() if match else 0
    return sum(1 for line in lines if line[:width].strip().isdigit())


def output_size(kind: str, text: str) -> int | None:
    """How many tasks an output holds, read the way `kind` says."""
    if kind == "rows":
        return count_rows(text)
    if kind == "count":
        return int(text.strip())
    if kind == "json":
        return len(json.loads(text))
    return None


def check_outputs(todo: Tool, task: Tool, op: Operation) -> str:
    """Run `op` once per tool and compare how many tasks each printed; "" when they agree."""
    if op.check == "none":
        return ""
    ours = output_size(op.check, run(todo, op.todo, capture=True)[2])
    theirs = output_size(op.check, run(task, op.task, capture=True)[2])
    if ours == theirs:
        return f"{ours} tasks"
    return f"{MISMATCH} todo={ours} task={theirs}"


def target_for(size: int, operation: str) -> float | None:
    """The highest acceptable ratio ours/Taskwarrior, or None when there is no target.

    From 50k tasks every command must take at most half of Taskwarrior's time; from 10k,
    at most 0.8 of it (issue 14: every command, `add` included).
    """
    if size >= 50_000:
        return 0.5
    if size >= 10_000:
        return 0.8
    return None


def judge(row: Row, size: int) -> Row:
    """Fill in the row's target and PASS/MISS from its ratio."""
    limit = target_for(size, row.operation)
    if limit is not None and row.ratio is not None:
        row.target = f"<= {limit:.1f}"
        row.passed = row.ratio <= limit
    return row


def prime_bytecode(setup: Setup) -> None:
    """Run every todo command once on a few tasks so all timed runs find cached bytecode."""
    with tempfile.TemporaryDirectory(prefix="bench-prime-") as tmp:
        todo = make_todo(setup, Path(tmp))
        run(todo, ["import", str(data.write(20, Path(tmp) / "tasks.json"))])
        for op in (*READS, ADD):
            run(todo, op.todo)
        run(todo, ["--version"])


def load(tool: Tool, path: Path) -> Sample:
    """Import the data file once and time it (a single run: a second import would differ)."""
    wall, cpu, _ = run(tool, ["import", str(path)])
    return Sample([wall], [cpu])


def bench_size(
    size: int, runs: int, todo: Tool, task: Tool, workdir: Path, organised: bool = False
) -> list[Row]:
    """Load `size` tasks into both tools and measure every operation."""
    path = data.write(size, workdir / f"tasks-{size}.json", organised=organised)
    progress(f"{size}: loading into todo")
    rows = [Row("load (1 run)", load(todo, path), None)]
    progress(f"{size}: loading into Taskwarrior")
    rows[0].task = load(task, path)
    measured: dict[str, Row] = {}
    for op in (*READS, ADD):
        note = check_outputs(todo, task, op)
        progress(f"{size}: {op.name} ({note or 'write'})")
        row = Row(op.name, measure(todo, op.todo, runs), measure(task, op.task, runs), note=note)
        measured[op.name] = judge(row, size)
    rows += [measured[name] for name in TABLE_ORDER]
    version = Row(
        "--version", measure(todo, ["--version"], runs), measure(task, ["--version"], runs)
    )
    version.target = f"todo < {VERSION_TARGET:.1f} s"
    version.passed = version.todo.median < VERSION_TARGET
    return [*rows, version]


def startup_row(setup: Setup, runs: int, workdir: Path) -> Row:
    """`count` on an empty database in both tools: what every command pays before its work
    (todo: Python, imports, settings, opening the database)."""
    empty = workdir / "empty"
    empty.mkdir()
    todo, task = make_todo(setup, empty), make_task(setup, empty)
    run(todo, ["count"])  # creates and migrates the database: not part of the fixed cost
    row = Row("count, empty", measure(todo, ["count"], runs), measure(task, ["count"], runs))
    row.target = f"todo < {STARTUP_TARGET * 1000:.0f} ms"
    row.passed = row.todo.median < STARTUP_TARGET
    return row


def fmt_seconds(value: float | None) -> str:
    """Seconds with millisecond precision, or a dash."""
    return "-" if value is None else f"{value:.3f}"


def fmt_ratio(value: float | None) -> str:
    """A ratio with three decimals (so 0.501 does not read as 0.50), or a dash."""
    return "-" if value is None else f"{value:.3f}"


def fmt_result(row: Row) -> str:
    """PASS, MISS, INVALID when the tools did different work, or a dash without a target."""
    if row.passed is None:
        return "-"
    if not row.comparable:
        return "INVALID"
    return "PASS" if row.passed else "MISS"


def cpu_ratio(row: Row) -> float | None:
    """Median CPU time of todo over Taskwarrior's (less sensitive to a busy machine)."""
    if row.task is None or row.task.cpu_median == 0:
        return None
    return row.todo.cpu_median / row.task.cpu_median


def table(size: int, runs: int, rows: list[Row]) -> str:
    """The text table for one size."""
    header = ("operation", "todo s", "task s", "ratio", "target", "result", "cpu ratio", "check")
    body = [
        (
            row.operation,
            fmt_seconds(row.todo.median),
            fmt_seconds(row.task.median if row.task else None),
            fmt_ratio(row.ratio),
            row.target or "-",
            fmt_result(row),
            fmt_ratio(cpu_ratio(row)),
            row.note,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    lines = [f"== {size:,} tasks (median of {runs} runs, wall seconds) =="]
    for line in (header, *body):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def tool_version(tool: Tool) -> str:
    """The tool's own version line."""
    return run(tool, ["--version"], capture=True)[2].strip()


@dataclass(frozen=True)
class Environment:
    """What the figures were measured on, printed and saved with them."""

    todo_version: str
    task_version: str
    python: str
    platform: str
    cpus: int | None
    load_average: tuple[float, float, float]
    taskrc: dict[str, str]
    source: str


def git(*args: str) -> str:
    """The stdout of a read-only git command run in the repository."""
    command = ["git", "-C", str(ROOT), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def working_tree_state() -> str:
    """The commit of the working tree and how many paths differ from it.

    todo is installed in editable mode, so without `--commit` the figures are those of the
    working tree, uncommitted edits included.
    """
    try:
        commit = git("rev-parse", "--short", "HEAD")
        changes = git("status", "--porcelain").splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "working tree (no git)"
    suffix = f" + {len(changes)} uncommitted paths" if changes else ""
    return f"working tree at {commit}{suffix}"


def snapshot(rev: str, dest: Path) -> str:
    """Extract commit `rev` into `dest` with `git archive` and return its short hash."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return git("rev-parse", "--short", f"{rev}^{{commit}}")


def environment(setup: Setup, source: str) -> Environment:
    """Versions, machine and Taskwarrior settings of this run."""
    with tempfile.TemporaryDirectory(prefix="bench-env-") as tmp:
        todo_version = tool_version(make_todo(setup, Path(tmp)))
        task_version = tool_version(make_task(setup, Path(tmp)))
    return Environment(
        todo_version=todo_version,
        task_version=task_version,
        python=platform.python_version(),
        platform=platform.platform(),
        cpus=os.cpu_count(),
        load_average=os.getloadavg(),
        taskrc={**TASKRC_SETTINGS, **setup.task_rc},
        source=source,
    )


def preamble(env: Environment) -> str:
    """The header printed above the tables."""
    rc = " ".join(f"{k}={v}" for k, v in env.taskrc.items())
    load = " ".join(f"{x:.2f}" for x in env.load_average)
    return "\n".join(
        [
            f"{env.todo_version} vs Taskwarrior {env.task_version} | Python {env.python}"
            f" | {env.platform} | {env.cpus} CPUs | load average {load}",
            f"todo source: {env.source}",
            f"Taskwarrior rc: data.location=<tmp> {rc}; every other setting is Taskwarrior's"
            " default (report.list has no row limit, so all rows print; defaultwidth=80 wraps).",
            "ratio = todo median / Taskwarrior median (lower is better for todo);"
            " cpu ratio = the same for user+system CPU time; check = tasks each tool printed.",
            "",
        ]
    )


def save(results: dict[str, object]) -> Path:
    """Write the raw results as JSON under bench/results/ and return the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"compare-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path


def row_json(row: Row) -> dict[str, object]:
    """One row with its raw samples, for the JSON file."""
    return {
        "operation": row.operation,
        "todo": asdict(row.todo),
        "task": asdict(row.task) if row.task else None,
        "todo_median": row.todo.median,
        "task_median": row.task.median if row.task else None,
        "ratio": row.ratio,
        "cpu_ratio": cpu_ratio(row),
        "target": row.target or None,
        "passed": row.passed if row.comparable else None,
        "check": row.note or None,
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Compare todo with Taskwarrior.")
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated task counts")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    parser.add_argument("--todo", default=str(ROOT / ".venv" / "bin" / "todo"), help="todo binary")
    parser.add_argument("--task", default=shutil.which("task") or "task", help="task binary")
    parser.add_argument(
        "--task-rc",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra Taskwarrior setting for the rc file (repeatable), e.g. defaultwidth=0",
    )
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="benchmark todo as of this commit (git archive) instead of the working tree",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/*.json")
    parser.add_argument(
        "--organised", action="store_true",
        help="issue 15's data: a tenth of the tasks depend on others and a tenth are subtasks "
        "(Taskwarrior then computes blocking on every command: expect it to be much slower)",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.task_rc = dict(item.split("=", 1) for item in args.task_rc)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def prepare(args: argparse.Namespace, src: Path) -> tuple[Setup, str]:
    """The tools' setup and a description of the todo source (snapshotting `--commit`)."""
    (src / "pycache").mkdir()
    setup = Setup(args.todo, args.task, args.task_rc, pycache=str(src / "pycache"))
    if not args.commit:
        return setup, working_tree_state()
    code = src / "code"
    short = snapshot(args.commit, code)
    progress(f"todo from commit {short} (git archive into {code})")
    return replace(setup, todo_path=str(code)), f"commit {short} ({args.commit}, git archive)"


def benchmark(args: argparse.Namespace, setup: Setup, source: str) -> None:
    """Benchmark every size, print the tables and save the JSON (also after a failure)."""
    progress("priming todo's bytecode cache")
    prime_bytecode(setup)
    env = environment(setup, source)
    print(preamble(env), flush=True)
    sizes: dict[str, list[dict[str, object]]] = {}
    results: dict[str, object] = {"environment": asdict(env), "runs": args.runs, "sizes": sizes}
    started = time.perf_counter()
    try:
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
                workdir = Path(tmp)
                todo, task = make_todo(setup, workdir), make_task(setup, workdir)
                rows = bench_size(size, args.runs, todo, task, workdir, args.organised)
                progress(f"{size}: count on an empty database (the fixed cost)")
                rows.append(startup_row(setup, args.runs, workdir))
            print(table(size, args.runs, rows) + "\n", flush=True)
            sizes[str(size)] = [row_json(row) for row in rows]
    finally:
        results["total_seconds"] = time.perf_counter() - started
        if not args.no_save and sizes:
            progress(f"results saved to {save(results).relative_to(ROOT)}")
    progress(f"done in {results['total_seconds']:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, prepare the todo source and run the benchmark; 1 if a command failed."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-src-") as src:
        setup, source = prepare(args, Path(src))
        try:
            benchmark(args, setup, source)
        except CommandFailed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
