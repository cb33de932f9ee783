"""Where each consumer group stands, for `todo worker status` (a table) and `--json`.

The JSON shape is documented in README ("Events and workers"); the table is drawn from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.settings import Settings
from core import open_service
from core.eventlog import EventLog
from services.workers import _groups, _kafka_topics


@dataclass(frozen=True, slots=True)
class GroupStatus:
    """One line of the table: a group (or the relay, or a topic), its position and backlog
    (None for a topic)."""

    group: str
    position: str
    backlog: int | None


def report(settings: Settings) -> dict[str, Any]:
    """Each consumer group's position and backlog; with Kafka also the relay's and each
    topic's partitions against kafka.partitions."""
    service = open_service(settings)
    log = EventLog(service.store)
    try:
        if settings.kafka.bootstrap_servers:
            return _kafka_report(settings, log)
        groups: list[dict[str, Any]] = [
            {"group": group, "topic": topic, "position": log.position(group),
             "backlog": log.backlog(group, topic), "partitions": []}
            for group, topic in _groups().items()
        ]
        return {"log": "embedded", "outbox_head": log.head(), "relay": None,
                "groups": groups, "topics": []}
    finally:
        service.close()


def _kafka_report(settings: Settings, log: EventLog) -> dict[str, Any]:
    from services import kafka_status

    groups = []
    for group, topic in _groups().items():
        positions = kafka_status.group_positions(
            settings.kafka, f"{settings.kafka.topic_prefix}{group}", _kafka_topics(settings, topic)
        )
        parts = [{"topic": p.topic, "partition": p.partition, "committed": p.committed,
                  "end": p.end, "backlog": p.backlog} for p in positions]
        groups.append({"group": group, "topic": topic, "position": None,
                       "backlog": sum(p.backlog for p in positions), "partitions": parts})
    topics = [{"name": t.name, "partitions": t.partitions, "wanted": t.wanted, "ok": t.ok}
              for t in kafka_status.topic_report(settings.kafka)]
    head = log.head()
    return {"log": "kafka", "outbox_head": head,
            "relay": {"outbox_head": head, "unsent": log.unsent_count()},
            "groups": groups, "topics": topics}


def rows(found: dict[str, Any]) -> list[GroupStatus]:
    """The table of a report: groups, then (Kafka) the relay first and the topics last."""
    from services.topics import TopicState

    table = []
    if found["relay"] is not None:
        relay = found["relay"]
        table.append(GroupStatus("relay", f"outbox head {relay['outbox_head']}", relay["unsent"]))
    for group in found["groups"]:
        if group["position"] is not None:
            where = str(group["position"])
        else:
            where = ", ".join(f"{p['topic']}[{p['partition']}]@{p['committed']}"
                              for p in group["partitions"]) or "-"
        table.append(GroupStatus(group["group"], where, group["backlog"]))
    for topic in found["topics"]:
        state = TopicState(topic["name"], topic["partitions"], topic["wanted"])
        table.append(GroupStatus(f"topic {topic['name']}", state.describe(), None))
    return table
