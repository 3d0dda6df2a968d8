"""A tiny synchronous Kafka wire-protocol client: ApiVersions, Metadata, InitProducerId.

Used to tell when a broker answers, which brokers are registered, who leads a
partition, and whether a broker grants idempotent producers, without
an event loop. Only non-flexible request versions are spoken (Metadata v1-v8,
negotiated from ApiVersions; InitProducerId v0, the one aiokafka uses).
"""

from __future__ import annotations

import itertools
import socket
import struct
import time
from dataclasses import dataclass, field

API_METADATA = 3
API_INIT_PRODUCER_ID = 22
API_VERSIONS = 18
_CLIENT_ID = b"sc-devinfra"
_correlation = itertools.count(1)


class KafkaWireError(RuntimeError):
    pass


@dataclass(frozen=True)
class PartitionMeta:
    error_code: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


@dataclass
class TopicMeta:
    error_code: int
    partitions: dict[int, PartitionMeta] = field(default_factory=dict)


@dataclass
class ClusterMeta:
    brokers: dict[int, tuple[str, int]]
    controller_id: int
    cluster_id: str | None
    topics: dict[str, TopicMeta]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return int(value)

    def i8(self) -> int:
        return self._take(">b")

    def i16(self) -> int:
        return self._take(">h")

    def i32(self) -> int:
        return self._take(">i")

    def string(self) -> str | None:
        n = self.i16()
        if n < 0:
            return None
        value = self.data[self.pos : self.pos + n].decode()
        self.pos += n
        return value

    def int_array(self) -> tuple[int, ...]:
        n = self.i32()
        return tuple(self.i32() for _ in range(max(n, 0)))


def _header(api_key: int, version: int, correlation_id: int) -> bytes:
    return struct.pack(">hhih", api_key, version, correlation_id, len(_CLIENT_ID)) + _CLIENT_ID


def _roundtrip(
    host: str, port: int, api_key: int, version: int, body: bytes, *, timeout: float
) -> _Reader:
    correlation_id = next(_correlation) & 0x7FFFFFFF
    payload = _header(api_key, version, correlation_id) + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(payload)) + payload)
        size = struct.unpack(">i", _recv_exact(sock, 4))[0]
        reader = _Reader(_recv_exact(sock, size))
    if reader.i32() != correlation_id:
        raise KafkaWireError("correlation id mismatch")
    return reader


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            raise KafkaWireError("connection closed by broker")
        chunks += chunk
    return bytes(chunks)


def split_bootstrap(bootstrap: str) -> list[tuple[str, int]]:
    out = []
    for item in bootstrap.split(","):
        host, _, port = item.strip().rpartition(":")
        out.append((host or "127.0.0.1", int(port)))
    return out


def api_versions(host: str, port: int, timeout: float = 2.0) -> dict[int, tuple[int, int]]:
    """Map api key -> (min, max) version the broker supports (ApiVersions v0)."""
    reader = _roundtrip(host, port, API_VERSIONS, 0, b"", timeout=timeout)
    error = reader.i16()
    if error:
        raise KafkaWireError(f"ApiVersions error {error}")
    out = {}
    for _ in range(reader.i32()):
        key, low, high = reader.i16(), reader.i16(), reader.i16()
        out[key] = (low, high)
    return out


def _pick(versions: dict[int, tuple[int, int]], api_key: int, low: int, high: int) -> int:
    if api_key not in versions:
        raise KafkaWireError(f"broker does not support api {api_key}")
    broker_low, broker_high = versions[api_key]
    version = min(high, broker_high)
    if version < max(low, broker_low):
        raise KafkaWireError(
            f"no common version for api {api_key}: broker {broker_low}-{broker_high}"
        )
    return version


def metadata(
    host: str, port: int, topics: list[str] | None = None, timeout: float = 3.0
) -> ClusterMeta:
    """Metadata (v1-v8) for `topics` (None: all topics)."""
    version = _pick(api_versions(host, port, timeout), API_METADATA, 1, 8)
    if topics is None:
        body = struct.pack(">i", -1)
    else:
        body = struct.pack(">i", len(topics))
        for name in topics:
            raw = name.encode()
            body += struct.pack(">h", len(raw)) + raw
    if version >= 4:
        body += b"\x00"  # allow_auto_topic_creation = false
    if version >= 8:
        body += b"\x00\x00"  # no authorized operations
    r = _roundtrip(host, port, API_METADATA, version, body, timeout=timeout)
    if version >= 3:
        r.i32()  # throttle_time_ms
    brokers = {}
    for _ in range(r.i32()):
        node_id, bhost, bport = r.i32(), r.string() or "", r.i32()
        r.string()  # rack
        brokers[node_id] = (bhost, bport)
    cluster_id = r.string() if version >= 2 else None
    controller_id = r.i32()
    result: dict[str, TopicMeta] = {}
    for _ in range(r.i32()):
        error, name = r.i16(), r.string() or ""
        r.i8()  # is_internal
        topic = TopicMeta(error_code=error)
        for _ in range(r.i32()):
            p_error, index, leader = r.i16(), r.i32(), r.i32()
            if version >= 7:
                r.i32()  # leader_epoch
            replicas, isr = r.int_array(), r.int_array()
            if version >= 5:
                r.int_array()  # offline replicas
            topic.partitions[index] = PartitionMeta(p_error, leader, replicas, isr)
        if version >= 8:
            r.i32()
        result[name] = topic
    return ClusterMeta(brokers, controller_id, cluster_id, result)


def metadata_any(
    bootstrap: str, topics: list[str] | None = None, timeout: float = 3.0
) -> ClusterMeta:
    """Metadata from the first broker of `bootstrap` that answers."""
    last: Exception | None = None
    for host, port in split_bootstrap(bootstrap):
        try:
            return metadata(host, port, topics, timeout)
        except (OSError, KafkaWireError, struct.error) as exc:
            last = exc
    raise KafkaWireError(f"no broker of {bootstrap} answered: {last}")


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when the broker answers a Metadata request."""
    try:
        metadata(host, port, [], timeout)
    except (OSError, KafkaWireError, struct.error):
        return False
    return True


def grants_idempotence(bootstrap: str, timeout: float = 15.0) -> bool:
    """Would an idempotent aiokafka producer work against this broker?

    Sends what aiokafka sends at producer start: InitProducerId v0 without a
    transactional id. Apache Kafka grants a producer id (right after start it may
    answer with a retriable error first, retried until `timeout`); a broker that does
    not (some Kafka-protocol brokers answer UNKNOWN_SERVER_ERROR) gets False.
    """
    host, port = split_bootstrap(bootstrap)[0]
    deadline = time.monotonic() + timeout
    while True:
        try:
            error = _init_producer_id_v0(host, port, min(5.0, timeout))
        except (OSError, KafkaWireError, struct.error, IndexError):
            return False
        if error == 0:
            return True
        if error not in _RETRIABLE or time.monotonic() > deadline:
            return False
        time.sleep(0.2)


# REQUEST_TIMED_OUT, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
# NOT_COORDINATOR, CONCURRENT_TRANSACTIONS
_RETRIABLE = {7, 14, 15, 16, 51}


def _init_producer_id_v0(host: str, port: int, timeout: float) -> int:
    _pick(api_versions(host, port, timeout), API_INIT_PRODUCER_ID, 0, 0)
    body = struct.pack(">hi", -1, 60000)  # null transactional id, timeout
    r = _roundtrip(host, port, API_INIT_PRODUCER_ID, 0, body, timeout=timeout)
    r.i32()  # throttle
    return r.i16()
