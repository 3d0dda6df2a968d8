"""A battery device publishes at QoS 0 and hangs up with our CONNACK unread: its kernel
resets the connection, and asyncio raises the reset from the stream reader before the
packets it had already received (a CI run lost two of three such readings). The session
still handles those QoS 0 readings; QoS 1 ones are left to the device's resend."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.mqtt.codec import V3Codec
from device_ingestion.mqtt.handling import TELEMETRY, Verdict
from device_ingestion.mqtt.session import DeviceSession

TOKEN = b"battery-token"


def _connect() -> bytes:
    """CONNECT, MQTT 3.1.1, clean session, username = the device's token."""
    body = b"\x00\x04MQTT\x04\x82\x00\x3c" + b"\x00\x02d7" + len(TOKEN).to_bytes(2, "big") + TOKEN
    return bytes([0x10, len(body)]) + body


class _Writer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    async def drain(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class _Transport:
    """The device transport as the session sees it; the reset arrives while the device is
    being authenticated, after its readings reached the reader."""

    provisioning = None
    ack_invalid = False

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.handled: list[tuple[str, bytes]] = []
        self.device = DeviceRef(
            id=uuid.uuid4(),
            name="wear-battery",
            device_type="wearable",
            community_id="c-1",
            building_id=None,
            unit_id=None,
            room_id=None,
            household_id=None,
        )

    async def authenticate(self, token: str) -> DeviceRef | None:
        self.reader.set_exception(ConnectionResetError(104, "Connection reset by peer"))
        return self.device if token == TOKEN.decode() else None

    async def register(self, session: Any) -> None:
        return None

    def forget(self, session: Any) -> None:
        return None

    async def handle(self, session: Any, topic: str, payload: bytes) -> tuple[Verdict, bool]:
        self.handled.append((topic, payload))
        return Verdict.ACCEPTED, True


async def test_qos0_readings_received_before_a_reset_are_handled() -> None:
    codec = V3Codec(4)
    reader = asyncio.StreamReader()
    readings = [b'{"heartRate":%d}' % (80 + i) for i in range(3)]
    reader.feed_data(
        _connect()
        + b"".join(codec.publish(TELEMETRY, r, 0, None) for r in readings)
        + codec.publish(TELEMETRY, b'{"heartRate":99}', 1, 7)  # QoS 1: the device resends it
    )
    transport = _Transport(reader)
    writer = _Writer()
    session = DeviceSession(transport, reader, writer)  # type: ignore[arg-type]
    await asyncio.wait_for(session.run(), 30)
    assert transport.handled == [(TELEMETRY, r) for r in readings]
    assert writer.closed
