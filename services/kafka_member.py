"""A consumer member's view of itself for /readyz and the lag gauge: joined, and lag.

Read in the polling thread (`services.kafka.KafkaSource` takes a snapshot at most once a
second) because the client serialises its calls: another thread asking would wait for the
poll loop to pause, which it never does. Only local state is read; the broker is not asked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

#: How often the polling thread refreshes the snapshot.
EVERY_S = 1.0


@dataclass(frozen=True, slots=True)
class MemberStatus:
    """Whether the member is in its group, and its lag per (topic, partition) it owns."""

    joined: bool = False
    lag: dict[tuple[str, int], int] = field(default_factory=dict)
    taken_at: float = 0.0

    def stale(self) -> bool:
        """Whether it is time for a new snapshot."""
        return time.monotonic() - self.taken_at >= EVERY_S


def snapshot(consumer: Any) -> MemberStatus:
    """`consumer`'s (a confluent_kafka.Consumer) status: member id set, and per assigned
    partition with a position, the last fetched high watermark minus that position."""
    lag = {}
    for tp in consumer.position(consumer.assignment()):
        high = consumer.get_watermark_offsets(tp, cached=True)
        if tp.offset >= 0 and high and high[1] >= 0:
            lag[(tp.topic, tp.partition)] = max(high[1] - tp.offset, 0)
    return MemberStatus(bool(consumer.memberid()), lag, time.monotonic())
