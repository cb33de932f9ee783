"""Where the consumer groups and the topics stand on the broker, for `todo worker status`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from config.settings import KafkaSettings
from services import kafka
from services.topics import TopicState, topic_states, warn_mismatches


@dataclass(frozen=True, slots=True)
class PartitionPosition:
    """A consumer group's place in one partition.

    `committed` is the next offset the group will read (None: nothing committed yet, the
    group starts at the earliest record); `end` is the partition's high watermark.
    """

    topic: str
    partition: int
    committed: int | None
    end: int

    @property
    def backlog(self) -> int:
        """Records the group has not committed yet."""
        return max(self.end - (self.committed or 0), 0)


def group_positions(
    settings: KafkaSettings, group_id: str, topics: Iterable[str], timeout: float = 5.0
) -> list[PartitionPosition]:
    """`group_id`'s committed offset, the end and the backlog of every partition of `topics`,
    sorted by topic and partition."""
    found = kafka.offsets(settings, group_id, topics, timeout)
    return [
        PartitionPosition(topic, part, done, end) for (topic, part), (done, end) in found.items()
    ]


def high_watermarks(
    settings: KafkaSettings, topics: Iterable[str], timeout: float = 5.0
) -> dict[tuple[str, int], int]:
    """The end offset (the next to be written) of every partition of `topics`."""
    found = kafka.offsets(settings, "todo-status", topics, timeout)
    return {where: end for where, (_done, end) in found.items()}


def topic_report(settings: KafkaSettings, timeout: float = 5.0) -> list[TopicState]:
    """Our three topics as the broker has them, compared with kafka.partitions; a mismatch
    is logged as well."""
    states = topic_states(settings, kafka.topic_partitions(settings, timeout))
    warn_mismatches(states)
    return states
