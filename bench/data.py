"""Deterministic synthetic tasks in Taskwarrior's `task export` JSON format.

Both tools load the same file (`task import FILE`, `todo import FILE`), so every benchmark
compares them on identical data. The same seed and size always give byte-identical output:
times are laid out from a fixed base instant, never from "now".

Run as a script to write a file: `python bench/data.py 10000 /tmp/tasks-10k.json`.
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20240601
BASE = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
TW_FORMAT = "%Y%m%dT%H%M%SZ"

# fmt: off
VERBS = (
    "pay", "call", "email", "review", "send", "book", "fix", "buy", "write", "plan",
    "check", "file", "update", "prepare", "clean", "renew", "schedule", "cancel",
)
NOUNS = (
    "report", "invoice", "dentist", "rent", "taxes", "car", "insurance", "groceries",
    "slides", "budget", "passport", "garden", "meeting", "contract", "doctor", "bike",
    "laptop", "newsletter", "receipt", "plumber", "gift", "flight", "hotel", "backup",
)
QUALIFIERS = (
    "for mum", "before friday", "for the team", "again", "quarterly", "online", "at home",
    "for Q3", "urgent", "with Alex", "next week", "monthly",
)
# fmt: on
TAGS = ("work", "home", "errands", "finance", "health", "someday")
PROJECTS = ("acme", "house.renovation", "taxes2026", "garden", "website")
PRIORITIES = ("H", "M", "L")


def tw_time(moment: datetime) -> str:
    """A UTC instant in Taskwarrior's compact ISO form, e.g. 20260101T090000Z."""
    return moment.astimezone(UTC).strftime(TW_FORMAT)


def description(rng: random.Random) -> str:
    """Two to four words: a verb, one or two nouns, sometimes a qualifier."""
    words = [rng.choice(VERBS), rng.choice(NOUNS)]
    if rng.random() < 0.3:
        words.append(rng.choice(NOUNS))
    if rng.random() < 0.4:
        words.append(rng.choice(QUALIFIERS))
    return " ".join(words)


def due_time(rng: random.Random) -> datetime:
    """A due instant from 60 days before to 300 days after BASE.

    Half are "all-day-ish" (midnight UTC, as Taskwarrior stores a bare date in a UTC zone);
    the rest fall on a whole or half hour between 08:00 and 18:30.
    """
    day = (BASE + timedelta(days=rng.randint(-60, 300))).replace(hour=0, minute=0)
    if rng.random() < 0.5:
        return day
    return day + timedelta(hours=rng.randint(8, 18), minutes=rng.choice((0, 30)))


def task(rng: random.Random) -> dict[str, Any]:
    """One pending task as `task export` writes it (without the volatile id and urgency)."""
    entry = BASE - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
    obj: dict[str, Any] = {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "description": description(rng),
        "status": "pending",
        "entry": tw_time(entry),
        "modified": tw_time(entry),
    }
    if rng.random() < 0.6:
        obj["priority"] = rng.choice(PRIORITIES)
    tags = rng.sample(TAGS, rng.randint(0, 3))
    if tags:
        obj["tags"] = sorted(tags)
    if rng.random() < 1 / 3:
        obj["due"] = tw_time(due_time(rng))
    if rng.random() < 0.25:
        obj["project"] = rng.choice(PROJECTS)
    return obj


DEPENDS_SHARE = 0.1
"""Issue 15's mix: a tenth of the tasks depend on one or two earlier tasks..."""
PARENT_SHARE = 0.1
"""...and a tenth are subtasks of an earlier task (`todo_parent`: Taskwarrior keeps it as an
attribute it does not know; todo reads it as the parent)."""


def tasks(count: int, seed: int = SEED, organised: bool = False) -> list[dict[str, Any]]:
    """`count` tasks, the same list for the same seed; `organised` adds issue 15's
    dependencies (a quarter of the tasks are in projects either way)."""
    rng = random.Random(seed)
    made = [task(rng) for _ in range(count)]
    if organised:
        add_depends(made, random.Random(seed + 1))
        add_parents(made, random.Random(seed + 2))
    return made


def add_depends(made: list[dict[str, Any]], rng: random.Random) -> None:
    """Give a tenth of the tasks `depends` on one or two earlier ones (Taskwarrior 2.6 writes
    an array of uuids). Its own generator, so the tasks themselves stay as they were."""
    for index in range(1, len(made)):
        if rng.random() < DEPENDS_SHARE:
            blockers = rng.sample(range(index), min(index, rng.randint(1, 2)))
            made[index]["depends"] = [made[b]["uuid"] for b in sorted(blockers)]


def add_parents(made: list[dict[str, Any]], rng: random.Random) -> None:
    """Make a tenth of the tasks subtasks of an earlier one (so no parent cycle can form)."""
    for index in range(1, len(made)):
        if rng.random() < PARENT_SHARE:
            made[index]["todo_parent"] = made[rng.randrange(index)]["uuid"]


def write(count: int, path: Path, seed: int = SEED, organised: bool = False) -> Path:
    """Write `count` tasks as a JSON array (one task per line) to `path` and return it."""
    made = tasks(count, seed, organised)
    lines = ",\n".join(json.dumps(obj, separators=(",", ":")) for obj in made)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return path


def main() -> None:
    """CLI: write N tasks to a file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of tasks")
    parser.add_argument("path", type=Path, help="output file")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument(
        "--organised", action="store_true", help="add dependencies and subtasks (issue 15)"
    )
    args = parser.parse_args()
    write(args.count, args.path, args.seed, args.organised)


if __name__ == "__main__":
    main()
