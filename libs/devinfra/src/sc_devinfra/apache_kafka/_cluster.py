"""A real Apache Kafka KRaft cluster of combined broker+controller nodes on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sc_devinfra import kafka_wire
from sc_devinfra._proc import free_port, port_is_free, spawn, stop_group, tail
from sc_devinfra.apache_kafka._fetch import KAFKA_VERSION, classpath, fetch_jars
from sc_devinfra.apache_kafka._java import Java, find_java
from sc_devinfra.apache_kafka._security import BrokerSecurity

HOST = "127.0.0.1"
DEFAULT_HEAP = "384m"

_LOG4J2 = """status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = {level}
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = {level}
logger.kafka.additivity = false
logger.kafka.appenderRef.stdout.ref = STDOUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
"""


_ONE_NODE_JVM = (
    # C1 only for a one-node broker, which shares its machine's cores with the whole
    # platform (make run, the tests, the benchmarks; ADR 0078): C2's two compiler threads
    # took 22.7 s of the broker's first 51 s of CPU under the list walk, and once 1.5
    # cores for ~12 s in the middle of it, while every list of the walk waited for a
    # core. C1 compiles in a tenth of the time; produce rates are the same, the consume
    # ceiling ~20 % lower (bench/broker_ceiling.py); idle cheaper in its first minutes,
    # ~1 % of a core dearer once C2 has compiled (ADR 0067). Three nodes (the reliability
    # suite) keep C2. SC_KAFKA_JAVA_OPTS comes later on the command line and overrides it
    # (-XX:TieredStopAtLevel=4 is C2 again).
    "-XX:TieredStopAtLevel=1",
    # the JVM's own sampler of its hsperfdata counters (jstat's figures) woke 20 times a
    # second: 0.10-0.15 % of a core of an empty broker's 1.0-1.3 % (ADR 0083); once a
    # second is enough for a person reading them
    "-XX:PerfDataSamplingInterval=1000",
)

_ONE_NODE_IDLE = {
    # what a one-node broker (make run, the tests, the benchmarks) does when nobody
    # writes (issue 28, ADR 0062): its controller appended a no-op record to the metadata
    # log every 500 ms (it only shows the log is alive; with no other node nothing
    # waits on it) and the broker heartbeated its own controller every second, there
    # being no other broker to fail over to. Idle broker alone: 3.0% -> 1.4% of a core.
    # Three nodes keep the fast failure detection above.
    "metadata.max.idle.interval.ms": "5000",
    "broker.heartbeat.interval.ms": "3000",
    "broker.session.timeout.ms": "9000",
    # the group coordinator's event threads (4 by default) each woke ~3.6 times a second
    # with nothing to do (ADR 0083); one serves a one-node broker's ~13 group members
    "group.coordinator.threads": "1",
}


def new_kafka_uuid() -> str:
    """A Kafka `Uuid` string (URL-safe base64 of 16 random bytes, no padding)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


@dataclass
class _Node:
    index: int
    broker_port: int
    controller_port: int
    directory_id: str
    dir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def data_dir(self) -> Path:
        return self.dir / "data"

    @property
    def config(self) -> Path:
        return self.dir / "server.properties"

    @property
    def log(self) -> Path:
        return self.dir / "server.log"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class KafkaCluster:
    """Apache Kafka `brokers` combined broker+controller nodes (KRaft, dynamic quorum).

    Node `i` has `node.id = i`, so broker indexes and Kafka node ids are the same.
    Three brokers: replication factor 3 and `min.insync.replicas=2` as defaults (the
    offsets, transaction and share-state topics too); one broker: factor 1.

    `stop()` / `start()` keep data and ports (for outage tests); `close()` stops
    everything and removes the data.

    `persistent=True` (one broker, `base_dir` given, as `make run` uses it): the cluster
    id, node directory ids and ports are kept in `base_dir/cluster.json` and the storage
    is formatted once, so topics, events and consumer offsets survive a restart of the
    process; `close()` then only stops. `port`: the client port wanted for node 0 (taken
    when free, else the port of the last run when free, else any free one).

    `security` (`BrokerSecurity`): the client listener is SASL_SSL with an authorizer
    (see `sc_devinfra.apache_kafka._security`); `client_options()` are the admin's.
    """

    def __init__(
        self,
        brokers: int = 1,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        version: str = KAFKA_VERSION,
        heap: str = DEFAULT_HEAP,
        startup_timeout: float = 120.0,
        log_level: str = "WARN",
        extra_config: dict[str, str] | None = None,
        persistent: bool = False,
        port: int | None = None,
        security: BrokerSecurity | None = None,
        java: Java | None = None,
    ) -> None:
        if brokers < 1:
            raise ValueError("brokers must be >= 1")
        if persistent and (base_dir is None or brokers != 1):
            raise ValueError("a persistent cluster has one broker and a base_dir")
        self.brokers = brokers
        self.version = version
        self.heap = heap
        self.startup_timeout = startup_timeout
        self.log_level = log_level
        self.extra_config = dict(extra_config or {})
        self.persistent = persistent
        self.port = port
        self.security = security
        self._java_choice = java
        self._owns_base_dir = base_dir is None
        self.base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="sc-kafka-"))
        self.cluster_id = new_kafka_uuid()
        self._nodes: list[_Node] = []
        self._classpath: str | None = None
        self.formatted_now = False  # whether the last start() formatted the storage

    # -- public API ---------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        self._require_nodes()
        return ",".join(f"{HOST}:{n.broker_port}" for n in self._nodes)

    def broker_bootstrap(self, index: int) -> str:
        self._require_nodes()
        return f"{HOST}:{self._nodes[index].broker_port}"

    @property
    def java(self) -> Java:
        return self._java_choice or find_java()

    def client_options(self) -> dict[str, Any]:
        """aiokafka options for an admin client of this cluster ({} when not secured)."""
        return self.security.admin_options() if self.security else {}

    @property
    def replication_factor(self) -> int:
        return 3 if self.brokers >= 3 else self.brokers

    @property
    def min_insync_replicas(self) -> int:
        return 2 if self.brokers >= 3 else 1

    def start(self) -> KafkaCluster:
        """Start every node that is not running and wait until all brokers registered."""
        fetch_jars(self.version)
        self._classpath = classpath(self.version)
        if not self._nodes:
            self._create_nodes()
        for node in self._nodes:
            if not node.running():
                self._spawn(node)
        self._wait_registered(set(range(self.brokers)))
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop every node, keeping data and ports (`start()` brings the cluster back).

        SIGTERM to all nodes at once, SIGKILL to what is left after `timeout`: the last
        nodes of a multi-node cluster lose the KRaft quorum and would otherwise wait
        for it in their controlled shutdown. Kafka recovers its logs on the next start.
        """
        running = [n for n in self._nodes if n.proc is not None]
        for pid in [n.proc.pid for n in running if n.proc is not None]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for node in running:
            self._stop_node(node, signal.SIGTERM, timeout=max(0.1, deadline - time.monotonic()))

    def stop_broker(self, index: int, timeout: float = 60.0) -> None:
        """Controlled shutdown of node `index` (SIGTERM), SIGKILL after `timeout`."""
        self._stop_node(self._nodes[index], signal.SIGTERM, timeout=timeout)

    def kill_broker(self, index: int) -> None:
        """SIGKILL node `index`: no controlled shutdown, like a crashed machine."""
        self._stop_node(self._nodes[index], signal.SIGKILL, timeout=10)

    def start_broker(self, index: int) -> None:
        """Start node `index` again and wait until it answers and is registered."""
        node = self._nodes[index]
        if not node.running():
            self._spawn(node)
        self._wait_registered({index}, via={index})

    def is_running(self, index: int) -> bool:
        return self._nodes[index].running()

    def leader_for(self, topic: str, partition: int = 0) -> int | None:
        """Index of the broker leading `topic`/`partition` (None while leaderless)."""
        meta = kafka_wire.metadata_any(self._live_bootstrap(), [topic])
        info = meta.topics.get(topic)
        if info is None or partition not in info.partitions:
            raise KeyError(f"{topic}/{partition} not in metadata")
        leader = info.partitions[partition].leader
        return leader if leader >= 0 else None

    def wait_for_leader(
        self, topic: str, partition: int = 0, *, exclude: int | None = None, timeout: float = 60.0
    ) -> int:
        """Wait until `topic`/`partition` has a leader (other than `exclude`)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                leader = self.leader_for(topic, partition)
            except (KeyError, kafka_wire.KafkaWireError):
                leader = None
            if leader is not None and leader != exclude:
                return leader
            if time.monotonic() > deadline:
                raise TimeoutError(f"no leader for {topic}/{partition} within {timeout} s")
            time.sleep(0.2)

    def close(self) -> None:
        """Stop every node and remove the data (a persistent cluster: only stop it)."""
        if self.persistent:
            self.stop()
            self._nodes = []
            return
        for node in self._nodes:
            self._stop_node(node, signal.SIGKILL, timeout=10)
        if self._owns_base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        else:
            for node in self._nodes:
                shutil.rmtree(node.dir, ignore_errors=True)
            (self.base_dir / "log4j2.properties").unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.base_dir.rmdir()  # only if nothing else lives there
        self._nodes = []

    def pids(self) -> list[int]:
        return [n.proc.pid for n in self._nodes if n.proc is not None and n.running()]

    def __enter__(self) -> KafkaCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------

    def _require_nodes(self) -> None:
        if not self._nodes:
            raise RuntimeError("cluster not started")

    def _live_bootstrap(self) -> str:
        live = [f"{HOST}:{n.broker_port}" for n in self._nodes if n.running()]
        if not live:
            raise kafka_wire.KafkaWireError("no broker is running")
        return ",".join(live)

    def _create_nodes(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        (self.base_dir / "log4j2.properties").write_text(_LOG4J2.format(level=self.log_level))
        state = self._load_state() if self.persistent else None
        if state is not None:
            self.cluster_id = str(state["cluster_id"])
            self._nodes = [
                _Node(
                    int(n["index"]),
                    self._pick_port(n["broker_port"], self.port if n["index"] == 0 else None),
                    self._pick_port(n["controller_port"]),
                    str(n["directory_id"]),
                    self.base_dir / f"node-{n['index']}",
                )
                for n in state["nodes"]
            ]
        else:
            ports = [
                (self._pick_port(None, self.port if i == 0 else None), free_port())
                for i in range(self.brokers)
            ]
            self._nodes = [
                _Node(i, bp, cp, new_kafka_uuid(), self.base_dir / f"node-{i}")
                for i, (bp, cp) in enumerate(ports)
            ]
        for node in self._nodes:
            node.dir.mkdir(parents=True, exist_ok=True)
            if self.security is not None:
                keystore = node.dir / "keystore.pem"
                keystore.write_text(self.security.keystore_pem())
                keystore.chmod(0o600)
            node.config.write_text(self._properties(node))
        self.formatted_now = False
        if all((n.data_dir / "meta.properties").exists() for n in self._nodes):
            pass  # formatted before (persistent): keep the log, the topics and the offsets
        elif self.brokers == 1:
            self._format(self._nodes[0], ["--standalone"])
            self.formatted_now = True
        else:
            controllers = ",".join(
                f"{n.index}@{HOST}:{n.controller_port}:{n.directory_id}" for n in self._nodes
            )
            for node in self._nodes:
                self._format(node, ["--initial-controllers", controllers])
            self.formatted_now = True
        if self.persistent:
            self._save_state()

    @staticmethod
    def _pick_port(last: int | None, wanted: int | None = None) -> int:
        for port in (wanted, last):
            if port and port_is_free(int(port), HOST):
                return int(port)
        return free_port()

    def _state_file(self) -> Path:
        return self.base_dir / "cluster.json"

    def _load_state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self._state_file().read_text())
        except (OSError, ValueError):
            return None
        return state

    def _save_state(self) -> None:
        state = {
            "cluster_id": self.cluster_id,
            "version": self.version,
            "nodes": [
                {
                    "index": n.index,
                    "broker_port": n.broker_port,
                    "controller_port": n.controller_port,
                    "directory_id": n.directory_id,
                }
                for n in self._nodes
            ],
        }
        tmp = self._state_file().with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        tmp.replace(self._state_file())

    def _properties(self, node: _Node) -> str:
        rf, isr = self.replication_factor, self.min_insync_replicas
        quorum = ",".join(f"{HOST}:{n.controller_port}" for n in self._nodes)
        props = {
            "process.roles": "broker,controller",
            "node.id": str(node.index),
            "controller.quorum.bootstrap.servers": quorum,
            "listeners": f"PLAINTEXT://{HOST}:{node.broker_port},CONTROLLER://{HOST}:{node.controller_port}",
            "advertised.listeners": (
                f"PLAINTEXT://{HOST}:{node.broker_port},CONTROLLER://{HOST}:{node.controller_port}"
            ),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(node.data_dir),
            "num.partitions": "1",
            "default.replication.factor": str(rf),
            "min.insync.replicas": str(isr),
            "offsets.topic.replication.factor": str(rf),
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": str(rf),
            "transaction.state.log.min.isr": str(isr),
            "transaction.state.log.num.partitions": "10",
            "share.coordinator.state.topic.replication.factor": str(rf),
            "share.coordinator.state.topic.min.isr": str(isr),
            "group.initial.rebalance.delay.ms": "0",
            "unclean.leader.election.enable": "false",
            "auto.create.topics.enable": "true",
            # Small footprint for a 2-core machine.
            "num.network.threads": "2",
            "num.io.threads": "2",
            "background.threads": "2",
            "num.recovery.threads.per.data.dir": "1",
            "num.replica.fetchers": "1",
            "log.cleaner.threads": "1",
            "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
            "log.segment.bytes": str(64 * 1024 * 1024),
            "broker.session.timeout.ms": "6000",
            "broker.heartbeat.interval.ms": "1000",
        }
        if self.brokers == 1:
            props.update(_ONE_NODE_IDLE)
        if self.security is not None:
            secure = (
                f"SECURE://{HOST}:{node.broker_port},CONTROLLER://{HOST}:{node.controller_port}"
            )
            props["listeners"] = props["advertised.listeners"] = secure
            props.pop("inter.broker.listener.name")
            props.update(self.security.properties(node.dir / "keystore.pem"))
        props.update(self.extra_config)
        return "".join(f"{k}={_escape(v)}\n" for k, v in props.items())

    def _java(self, main: str, *args: str, heap: str) -> list[str]:
        assert self._classpath is not None
        return [
            self.java.executable,
            f"-Xmx{heap}",
            "-Xms64m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:CICompilerCount=2",
            "-XX:MaxDirectMemorySize=256m",
            "-XX:+ExitOnOutOfMemoryError",
            *(_ONE_NODE_JVM if self.brokers == 1 else ()),
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.base_dir / 'log4j2.properties'}",
            # extra JVM options, e.g. -Xlog:gc:file=gc.log:uptime to see the broker's
            # collections beside a benchmark's latencies
            *os.environ.get("SC_KAFKA_JAVA_OPTS", "").split(),
            "-cp",
            self._classpath,
            main,
            *args,
        ]

    def _format(self, node: _Node, quorum_args: list[str]) -> None:
        cmd = self._java(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            self.cluster_id,
            "-c",
            str(node.config),
            *quorum_args,
            *(self.security.format_args() if self.security else []),
            heap="256m",
        )
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"StorageTool format failed:\n{result.stdout}\n{result.stderr}")

    def _spawn(self, node: _Node) -> None:
        node.proc = spawn(
            self._java("kafka.Kafka", str(node.config), heap=self.heap),
            log_path=node.log,
            env={**os.environ, "KAFKA_HEAP_OPTS": ""},
            death_signal=signal.SIGKILL,
        )

    def _stop_node(self, node: _Node, sig: int, timeout: float) -> None:
        if node.proc is not None:
            stop_group(node.proc, sig=sig, timeout=timeout)
            node.proc = None

    def _wait_registered(self, wanted: set[int], via: set[int] | None = None) -> None:
        """Wait until each node in `via` (default: all running) answers and lists `wanted`."""
        deadline = time.monotonic() + self.startup_timeout
        while True:
            for node in self._nodes:
                if node.proc is not None and node.proc.poll() is not None:
                    raise RuntimeError(
                        f"Kafka node {node.index} exited with {node.proc.returncode}:\n"
                        f"{tail(node.log)}"
                    )
            ask = [n for n in self._nodes if n.running() and (via is None or n.index in via)]
            if ask and all(self._lists(n, wanted) for n in ask):
                return
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- node {n.index}\n{tail(n.log, 15)}" for n in self._nodes)
                raise TimeoutError(
                    f"Kafka brokers {sorted(wanted)} not registered within "
                    f"{self.startup_timeout} s\n{logs}"
                )
            time.sleep(0.25)

    def _lists(self, node: _Node, wanted: set[int]) -> bool:
        if self.security is not None:
            return self._lists_secured(node, wanted)
        try:
            meta = kafka_wire.metadata(HOST, node.broker_port, [], timeout=2.0)
        except (OSError, kafka_wire.KafkaWireError, ValueError):
            return False
        return wanted <= set(meta.brokers)

    def _lists_secured(self, node: _Node, wanted: set[int]) -> bool:
        """The same check through SASL_SSL as the admin (aiokafka, sc_core's options)."""
        from aiokafka.admin import AIOKafkaAdminClient

        try:  # not listening yet: ask nothing (aiokafka would log every refused connect)
            socket.create_connection((HOST, node.broker_port), timeout=1).close()
        except OSError:
            return False

        async def ask() -> set[int]:
            admin = AIOKafkaAdminClient(
                **self.client_options(),
                bootstrap_servers=f"{HOST}:{node.broker_port}",
                request_timeout_ms=3000,
            )
            try:
                await asyncio.wait_for(admin.start(), 5)
                described = await asyncio.wait_for(admin.describe_cluster(), 5)
                return {int(b["node_id"]) for b in described.get("brokers", [])}
            finally:
                with contextlib.suppress(Exception):
                    await admin.close()

        try:
            return wanted <= asyncio.run(ask())
        except Exception:
            return False


def _escape(value: str) -> str:
    """A value as a Java properties file reads it back (backslashes doubled)."""
    return value.replace("\\", "\\\\")
