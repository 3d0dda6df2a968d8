"""One device connection of the device transport: CONNECT (any of MQTT 3.1, 3.1.1, 5),
keep-alive, subscriptions, publishes in and out, and PUBACK by the verdict (ADR 0009,
0029). What a topic means is the transport's (:mod:`device_ingestion.mqtt.transport`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import TYPE_CHECKING, Any

from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.mqtt.codec import (
    PUBREL,
    Ack,
    Codec,
    Connect,
    Disconnect,
    MalformedPacket,
    Ping,
    Publish,
    Subscribe,
    Unsubscribe,
    V3Codec,
    codec_for,
    connect_level,
    read_packet,
    topic_matches,
)
from device_ingestion.mqtt.handling import GATEWAY_TELEMETRY, TELEMETRY, Verdict

if TYPE_CHECKING:
    from device_ingestion.mqtt.transport import DeviceTransport

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
PROVISION_USERNAME = "provision"
#: telemetry messages of one connection handled at once (each waits for Kafka); more and
#: the connection is not read until one is done (back-pressure, like MQTT 5's receive max)
IN_FLIGHT = 64
CONCURRENT = frozenset({TELEMETRY, GATEWAY_TELEMETRY})


class Closed(Exception):
    """The session ends (the reason was sent or logged already)."""


class DeviceSession:
    """One device connection."""

    def __init__(
        self,
        transport: DeviceTransport,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.transport = transport
        self.reader, self.writer = reader, writer
        self.codec: Codec = V3Codec(4)
        self.device: DeviceRef | None = None
        self.provisioning = False
        self.client_id = ""
        self.filters: dict[str, int] = {}
        self._next_id = 0
        self._drain = asyncio.Lock()
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._inflight: set[asyncio.Task[None]] = set()

    # -- sending -------------------------------------------------------------------------

    async def send(self, data: bytes | None) -> None:
        if data is None or self.writer.is_closing():
            return
        self.writer.write(data)
        async with self._drain:
            await self.writer.drain()

    async def deliver(self, topic: str, payload: bytes) -> bool:
        """Publish to the device if one of its subscriptions matches; False otherwise."""
        granted = [q for f, q in self.filters.items() if topic_matches(f, topic)]
        if not granted or self.writer.is_closing():
            return False
        qos = max(granted)
        packet_id = None
        if qos:
            self._next_id = self._next_id % 65535 + 1
            packet_id = self._next_id
        await self.send(self.codec.publish(topic, payload, qos, packet_id))
        return True

    async def reply(self, topic: str, payload: bytes) -> None:
        """Answer a request of the device (sent whether or not it subscribed, as ThingsBoard
        does; at the QoS of a matching subscription, else 0)."""
        granted = [q for f, q in self.filters.items() if topic_matches(f, topic)]
        qos = max(granted, default=0)
        packet_id = None
        if qos:
            self._next_id = self._next_id % 65535 + 1
            packet_id = self._next_id
        await self.send(self.codec.publish(topic, payload, qos, packet_id))

    async def close(self, reason: str | None = None) -> None:
        if reason is not None:
            with contextlib.suppress(Exception):
                await self.send(self.codec.disconnect(reason))
        self.writer.close()

    # -- receiving -----------------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self._connect()
            keep_alive = self._keep_alive
            while True:
                try:  # asyncio.timeout, not wait_for: no task and no extra turns per packet
                    async with asyncio.timeout(keep_alive):
                        packet = await read_packet(self.reader)
                except TimeoutError:
                    await self.close("keep_alive")
                    return
                if packet is None:
                    return
                await self._on(await self.codec.decode(packet))
        except Closed:
            pass
        except (MalformedPacket, asyncio.IncompleteReadError, IndexError) as exc:
            log.info("mqtt: %s: malformed packet (%s); closing", self.client_id or "?", exc)
            await self.close("protocol")
        except (ConnectionError, OSError):
            await self._read_what_was_received()
        finally:
            # what was read is handled, even when the device hung up at once (battery
            # devices publish at QoS 0 and disconnect)
            if self._inflight:
                await asyncio.gather(*self._inflight, return_exceptions=True)
            self.transport.forget(self)
            self.writer.close()

    async def _read_what_was_received(self) -> None:
        """A device that resets the connection (one that hangs up with our CONNACK unread
        makes its kernel send a reset) leaves packets the stream reader had received but
        not handed over: asyncio raises the reset before them. Its QoS 0 readings are
        handled as if read, since nothing would ever send them again; QoS 1 and 2 are left
        to the device, which resends what was never acknowledged."""
        if self.device is None:
            return
        left = bytes(getattr(self.reader, "_buffer", b""))
        if not left:
            return
        spare = asyncio.StreamReader()
        spare.feed_data(left)
        spare.feed_eof()
        with contextlib.suppress(MalformedPacket, asyncio.IncompleteReadError, IndexError, Closed):
            while (packet := await read_packet(spare)) is not None:
                message = await self.codec.decode(packet)
                if isinstance(message, Publish) and message.qos == 0:
                    await self._on_publish(message)

    async def _connect(self) -> None:
        try:
            packet = await asyncio.wait_for(read_packet(self.reader), CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise Closed from None
        if packet is None:
            raise Closed
        level = connect_level(packet)
        codec = codec_for(level)
        if codec is None:
            await self.send(self.codec.connack("unsupported_version"))
            raise Closed
        self.codec = codec
        connect = await codec.decode(packet)
        if not isinstance(connect, Connect):
            raise MalformedPacket("not a CONNECT")
        self._keep_alive = connect.keep_alive * 1.5 if connect.keep_alive else None
        assigned = None
        if not connect.client_id:
            if level != 5 and not connect.clean:
                await self.send(codec.connack("bad_client_id"))
                raise Closed
            assigned = f"auto-{uuid.uuid4().hex}"
        self.client_id = connect.client_id or assigned or ""
        token = connect.username or ""
        if token == PROVISION_USERNAME and self.transport.provisioning is not None:
            self.provisioning = True  # a fleet device registering itself, no device yet
            await self.send(codec.connack("accepted", client_id=assigned))
            return
        device = await self.transport.authenticate(token)
        if device is None:
            log.info("mqtt: refused a connection with an unknown token")
            await self.send(codec.connack("not_authorized"))
            raise Closed
        self.device = device
        await self.transport.register(self)
        await self.send(codec.connack("accepted", client_id=assigned))

    _keep_alive: float | None = None

    async def _on(self, packet: Any) -> None:
        codec = self.codec
        match packet:
            case Publish():
                await self._on_publish(packet)
            case Subscribe(packet_id=pid, filters=filters):
                granted = []
                for topic_filter, qos in filters:
                    self.filters[topic_filter] = min(qos, 1)
                    granted.append(min(qos, 1))
                await self.send(codec.suback(pid, granted))
            case Unsubscribe(packet_id=pid, filters=filters):
                for topic_filter in filters:
                    self.filters.pop(topic_filter, None)
                await self.send(codec.unsuback(pid, len(filters)))
            case Ack(kind=kind, packet_id=pid) if kind == PUBREL:
                await self.send(codec.pubcomp(pid))
            case Ack():
                pass  # the device acknowledged what we published at QoS 1
            case Ping():
                await self.send(codec.pingresp())
            case Disconnect():
                raise Closed
            case Connect():
                raise MalformedPacket("a second CONNECT")

    async def _on_publish(self, message: Publish) -> None:
        if message.topic not in CONCURRENT:  # attributes, RPC answers: in order
            await self._publish(message)
            return
        await self._slots.acquire()
        task = asyncio.create_task(self._publish_in_flight(message))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _publish_in_flight(self, message: Publish) -> None:
        try:
            await self._publish(message)
        except Closed:
            self.writer.close()  # the reading loop ends with the connection
        except (ConnectionError, OSError):
            pass
        finally:
            self._slots.release()

    async def _publish(self, message: Publish) -> None:
        # A QoS 0 reading read before the connection ended is handled even if the device has
        # hung up meanwhile (nothing else would ever send it again: a battery device
        # publishes and disconnects at once); one at QoS 1 or 2 is left to the device, which
        # sends it again since it was never acknowledged.
        if self.writer.is_closing() and message.qos > 0:
            return
        verdict, known = await self.transport.handle(self, message.topic, message.payload)
        if message.qos == 0 or message.packet_id is None or self.writer.is_closing():
            return
        if verdict is Verdict.ACCEPTED or (
            verdict is Verdict.INVALID and self.transport.ack_invalid
        ):
            if message.qos == 2:
                await self.send(self.codec.pubrec(message.packet_id))
            else:
                await self.send(self.codec.puback(message.packet_id, invalid_topic=not known))
            return
        log.info(
            "mqtt: %s message on %s %s: closing without PUBACK",
            self.client_id,
            message.topic,
            verdict.value,
        )
        await self.close(verdict.value)
        raise Closed
