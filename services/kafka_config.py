"""The librdkafka settings of each client we build, from our settings (no SDK needed).

No client lets the broker auto-create a topic (`allow.auto.create.topics=false`): a
producer's metadata request would otherwise create a missing topic with the broker's default
partition count (measured: 4 instead of kafka.partitions = 3 after a broker restart).
"""

from __future__ import annotations

from typing import Any

from config.settings import KafkaSettings
from services.topics import EventStreamError

_NO_AUTO_CREATE = {"allow.auto.create.topics": False}


def client_config(settings: KafkaSettings) -> dict[str, str]:
    """The librdkafka settings every client shares: bootstrap servers plus SASL/SSL when set."""
    if not settings.bootstrap_servers:
        raise EventStreamError("kafka.bootstrap_servers is not set (the embedded log is in use)")
    config = {"bootstrap.servers": settings.bootstrap_servers}
    passthrough = {
        "security.protocol": settings.security_protocol,
        "sasl.mechanism": settings.sasl_mechanism,
        "sasl.username": settings.sasl_username,
        "sasl.password": settings.sasl_password,
    }
    config.update({key: value for key, value in passthrough.items() if value})
    return config


def producer_config(
    settings: KafkaSettings, client_id: str, delivery_timeout_s: float
) -> dict[str, Any]:
    """An idempotent producer that waits for every in-sync replica (`acks=all`) and gives a
    record `delivery_timeout_s` seconds to be acknowledged."""
    return {
        **client_config(settings),
        **_NO_AUTO_CREATE,
        "client.id": client_id,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "partitioner": "murmur2_random",  # same partition per key as the Java client
        "message.timeout.ms": max(int(delivery_timeout_s * 1000), 1),
    }


def consumer_config(
    settings: KafkaSettings, group_id: str, client_id: str, session_ms: int
) -> dict[str, Any]:
    """A group member that auto-commits only the offsets stored after a message was handled."""
    return {
        **client_config(settings),
        **_NO_AUTO_CREATE,
        "group.id": group_id,
        "client.id": client_id,
        "enable.auto.commit": True,
        "enable.auto.offset.store": False,
        "auto.commit.interval.ms": 1000,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": session_ms,
        "heartbeat.interval.ms": max(min(3000, session_ms // 3), 100),
    }


def reader_config(settings: KafkaSettings, group_id: str) -> dict[str, Any]:
    """A consumer that only reads offsets and records (status): it commits nothing and, as
    it never subscribes, does not join `group_id`."""
    return {
        **client_config(settings),
        **_NO_AUTO_CREATE,
        "group.id": group_id,
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "auto.offset.reset": "latest",
    }
