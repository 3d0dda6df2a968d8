"""MQTT packets of the device transport, for MQTT 3.1, 3.1.1 and 5 (ADR 0029).

The transport frames packets itself (fixed header and remaining length are the same in
every version) and hands each whole packet to the codec of the version the client chose
in its CONNECT: MQTT 5 to ``mqtt5`` (a sans-I/O codec in Rust, by aiomqtt's maintainer),
MQTT 3.1 and 3.1.1 to amqtt's packet classes. What the session sees is version-neutral
(:class:`Connect`, :class:`Publish` ...); what it sends is built by :class:`Codec`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

import mqtt5
from amqtt.adapters import BufferReader
from amqtt.mqtt import packet_dict
from amqtt.mqtt.connack import ConnackPacket
from amqtt.mqtt.packet import MQTTFixedHeader
from amqtt.mqtt.pingresp import PingRespPacket
from amqtt.mqtt.puback import PubackPacket
from amqtt.mqtt.pubcomp import PubcompPacket
from amqtt.mqtt.publish import PublishPacket
from amqtt.mqtt.pubrec import PubrecPacket
from amqtt.mqtt.suback import SubackPacket
from amqtt.mqtt.unsuback import UnsubackPacket

CONNECT, PUBLISH, PUBACK, PUBREC, PUBREL, SUBSCRIBE, UNSUBSCRIBE = 1, 3, 4, 5, 6, 8, 10
PINGREQ, DISCONNECT = 12, 14
MQTT_31, MQTT_311, MQTT_5 = 3, 4, 5
MAX_PACKET = 1024 * 1024  # bytes; ThingsBoard's default max payload is 64 KiB


class MalformedPacket(ValueError):
    """The bytes are not an MQTT packet this transport accepts."""


# ---- what a client sends, whatever its version ---------------------------------------


@dataclass(frozen=True)
class Connect:
    level: int
    client_id: str
    username: str | None
    password: bytes | None
    keep_alive: int
    clean: bool


@dataclass(frozen=True)
class Publish:
    topic: str
    payload: bytes
    qos: int
    packet_id: int | None


@dataclass(frozen=True)
class Subscribe:
    packet_id: int
    filters: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Unsubscribe:
    packet_id: int
    filters: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ack:
    """PUBACK (or PUBREL of an incoming QoS 2 message: ``kind`` says which)."""

    kind: int
    packet_id: int


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Disconnect:
    pass


Incoming = Connect | Publish | Subscribe | Unsubscribe | Ack | Ping | Disconnect


# ---- framing ---------------------------------------------------------------------------


async def read_packet(reader: asyncio.StreamReader) -> bytes | None:
    """One whole packet (fixed header included), or None at the end of the stream."""
    first = await reader.read(1)
    if not first:
        return None
    header = bytearray(first)
    length, multiplier = 0, 1
    for _ in range(4):
        byte = await reader.readexactly(1)
        header += byte
        length += (byte[0] & 0x7F) * multiplier
        if not byte[0] & 0x80:
            break
        multiplier *= 128
    else:
        raise MalformedPacket("remaining length longer than four bytes")
    if length > MAX_PACKET:
        raise MalformedPacket(f"packet of {length} bytes")
    return bytes(header) + await reader.readexactly(length)


def connect_level(packet: bytes) -> int:
    """The protocol level a CONNECT packet names (3: 3.1, 4: 3.1.1, 5: 5)."""
    if packet[0] >> 4 != CONNECT:
        raise MalformedPacket("the first packet is not CONNECT")
    start = 1
    while packet[start] & 0x80:
        start += 1
    start += 1
    name_length = int.from_bytes(packet[start : start + 2], "big")
    name = packet[start + 2 : start + 2 + name_length]
    if name not in (b"MQTT", b"MQIsdp"):
        raise MalformedPacket(f"protocol name {name!r}")
    return packet[start + 2 + name_length]


# ---- codecs ----------------------------------------------------------------------------


class Codec(Protocol):
    level: int

    async def decode(self, packet: bytes) -> Incoming: ...

    def connack(self, code: str, *, client_id: str | None = None) -> bytes: ...

    def puback(self, packet_id: int, *, invalid_topic: bool = False) -> bytes: ...

    def pubrec(self, packet_id: int) -> bytes: ...

    def pubcomp(self, packet_id: int) -> bytes: ...

    def suback(self, packet_id: int, granted: list[int]) -> bytes: ...

    def unsuback(self, packet_id: int, count: int) -> bytes: ...

    def pingresp(self) -> bytes: ...

    def publish(self, topic: str, payload: bytes, qos: int, packet_id: int | None) -> bytes: ...

    def disconnect(self, reason: str) -> bytes | None: ...


#: CONNACK outcomes by name -> (MQTT 3.1.1 return code, MQTT 5 reason code)
CONNACK_CODES = {
    "accepted": (0, mqtt5.ConnAckReasonCode.SUCCESS),
    "unsupported_version": (1, mqtt5.ConnAckReasonCode.UNSUPPORTED_PROTOCOL_VERSION),
    "bad_client_id": (2, mqtt5.ConnAckReasonCode.CLIENT_ID_NOT_VALID),
    "unavailable": (3, mqtt5.ConnAckReasonCode.SERVER_UNAVAILABLE),
    "bad_credentials": (4, mqtt5.ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD),
    "not_authorized": (5, mqtt5.ConnAckReasonCode.NOT_AUTHORIZED),
}
DISCONNECT_CODES = {
    "invalid": mqtt5.DisconnectReasonCode.PAYLOAD_FORMAT_INVALID,
    "unavailable": mqtt5.DisconnectReasonCode.SERVER_BUSY,
    "taken_over": mqtt5.DisconnectReasonCode.SESSION_TAKEN_OVER,
    "keep_alive": mqtt5.DisconnectReasonCode.KEEP_ALIVE_TIMEOUT,
    "shutting_down": mqtt5.DisconnectReasonCode.SERVER_SHUTTING_DOWN,
    "protocol": mqtt5.DisconnectReasonCode.PROTOCOL_ERROR,
}


class V5Codec:
    level = MQTT_5

    async def decode(self, packet: bytes) -> Incoming:
        try:
            decoded, _ = mqtt5.read(memoryview(packet))
        except Exception as exc:  # the codec raises its own error types
            raise MalformedPacket(str(exc)) from exc
        match decoded:
            case mqtt5.PublishPacket():
                return Publish(
                    decoded.topic, bytes(decoded.payload), int(decoded.qos), decoded.packet_id
                )
            case mqtt5.PubAckPacket():
                return Ack(PUBACK, decoded.packet_id)
            case mqtt5.PubRelPacket():
                return Ack(PUBREL, decoded.packet_id)
            case mqtt5.SubscribePacket():
                filters = [(f.pattern, int(f.max_qos)) for f in decoded.topic_filters]
                return Subscribe(decoded.packet_id, filters)
            case mqtt5.UnsubscribePacket():
                return Unsubscribe(decoded.packet_id, list(decoded.patterns))
            case mqtt5.PingReqPacket():
                return Ping()
            case mqtt5.DisconnectPacket():
                return Disconnect()
            case mqtt5.ConnectPacket():
                return Connect(
                    MQTT_5,
                    decoded.client_id,
                    decoded.username,
                    decoded.password,
                    decoded.keep_alive,
                    decoded.clean_start,
                )
        raise MalformedPacket(f"unexpected {type(decoded).__name__}")

    def connack(self, code: str, *, client_id: str | None = None) -> bytes:
        return mqtt5.ConnAckPacket(
            reason_code=CONNACK_CODES[code][1],
            assigned_client_id=client_id,
            max_qos=mqtt5.QoS.AT_LEAST_ONCE,
            retain_available=False,
            subscription_id_available=False,
            shared_subscription_available=False,
        ).write()

    def puback(self, packet_id: int, *, invalid_topic: bool = False) -> bytes:
        reason = (
            mqtt5.PubAckReasonCode.TOPIC_NAME_INVALID
            if invalid_topic
            else mqtt5.PubAckReasonCode.SUCCESS
        )
        return mqtt5.PubAckPacket(packet_id, reason_code=reason).write()

    def pubrec(self, packet_id: int) -> bytes:
        return mqtt5.PubRecPacket(packet_id).write()

    def pubcomp(self, packet_id: int) -> bytes:
        return mqtt5.PubCompPacket(packet_id).write()

    def suback(self, packet_id: int, granted: list[int]) -> bytes:
        codes = [mqtt5.SubAckReasonCode(q) for q in granted]
        return mqtt5.SubAckPacket(packet_id, codes).write()

    def unsuback(self, packet_id: int, count: int) -> bytes:
        codes = [mqtt5.UnsubAckReasonCode.SUCCESS] * count
        return mqtt5.UnsubAckPacket(packet_id, codes).write()

    def pingresp(self) -> bytes:
        return mqtt5.PingRespPacket().write()

    def publish(self, topic: str, payload: bytes, qos: int, packet_id: int | None) -> bytes:
        return mqtt5.PublishPacket(topic, payload, qos=mqtt5.QoS(qos), packet_id=packet_id).write()

    def disconnect(self, reason: str) -> bytes | None:
        return mqtt5.DisconnectPacket(reason_code=DISCONNECT_CODES[reason]).write()


class V3Codec:
    """MQTT 3.1 and 3.1.1 (amqtt's packet classes)."""

    def __init__(self, level: int) -> None:
        self.level = level

    async def decode(self, packet: bytes) -> Incoming:
        kind, flags = packet[0] >> 4, packet[0] & 0x0F
        cls = packet_dict.get(kind)
        if cls is None:
            raise MalformedPacket(f"packet type {kind}")
        start = 1
        while packet[start] & 0x80:
            start += 1
        body = packet[start + 1 :]
        header = MQTTFixedHeader(kind, flags, len(body))
        try:
            decoded = await cls.from_stream(BufferReader(body), fixed_header=header)
        except Exception as exc:  # amqtt raises several error types
            raise MalformedPacket(str(exc)) from exc
        if kind == PUBLISH:
            return Publish(
                decoded.topic_name, bytes(decoded.data or b""), decoded.qos, decoded.packet_id
            )
        if kind in (PUBACK, PUBREL):
            return Ack(kind, decoded.variable_header.packet_id)
        if kind == SUBSCRIBE:
            filters = [(t, int(q or 0)) for t, q in decoded.payload.topics]
            return Subscribe(decoded.variable_header.packet_id, filters)
        if kind == UNSUBSCRIBE:
            return Unsubscribe(decoded.variable_header.packet_id, list(decoded.payload.topics))
        if kind == PINGREQ:
            return Ping()
        if kind == DISCONNECT:
            return Disconnect()
        if kind == CONNECT:
            password = decoded.password
            return Connect(
                self.level,
                decoded.client_id or "",
                decoded.username,
                password.encode() if isinstance(password, str) else password,
                decoded.keep_alive,
                bool(decoded.clean_session_flag),
            )
        raise MalformedPacket(f"unexpected packet type {kind}")

    def connack(self, code: str, *, client_id: str | None = None) -> bytes:
        return ConnackPacket.build(0, CONNACK_CODES[code][0]).to_bytes()

    def puback(self, packet_id: int, *, invalid_topic: bool = False) -> bytes:
        return PubackPacket.build(packet_id).to_bytes()

    def pubrec(self, packet_id: int) -> bytes:
        return PubrecPacket.build(packet_id).to_bytes()

    def pubcomp(self, packet_id: int) -> bytes:
        return PubcompPacket.build(packet_id).to_bytes()

    def suback(self, packet_id: int, granted: list[int]) -> bytes:
        return SubackPacket.build(packet_id, granted).to_bytes()

    def unsuback(self, packet_id: int, count: int) -> bytes:
        return UnsubackPacket.build(packet_id).to_bytes()

    def pingresp(self) -> bytes:
        return PingRespPacket.build().to_bytes()

    def publish(self, topic: str, payload: bytes, qos: int, packet_id: int | None) -> bytes:
        return PublishPacket.build(topic, payload, packet_id, False, qos, False).to_bytes()

    def disconnect(self, reason: str) -> bytes | None:
        return None  # MQTT 3.1.1 has no server DISCONNECT: the connection is closed


def codec_for(level: int) -> Codec | None:
    if level == MQTT_5:
        return V5Codec()
    if level in (MQTT_31, MQTT_311):
        return V3Codec(level)
    return None


def topic_matches(topic_filter: str, topic: str) -> bool:
    """MQTT topic filter matching (``+`` one level, ``#`` the rest)."""
    want, have = topic_filter.split("/"), topic.split("/")
    for i, part in enumerate(want):
        if part == "#":
            return True
        if i >= len(have) or (part != "+" and part != have[i]):
            return False
    return len(want) == len(have)
