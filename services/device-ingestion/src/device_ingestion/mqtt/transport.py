"""The device transport: ThingsBoard's MQTT device API served by the service itself.

Like ThingsBoard's own MQTT transport, this is not a general broker: devices do not talk to
each other. It accepts MQTT 3.1, 3.1.1 and 5 (ADR 0029), authenticates a device by its
access token (the CONNECT's username), and maps each device topic to what the service does:

- ``v1/devices/me/telemetry``, ``v1/devices/me/attributes``, ``v1/gateway/telemetry``: the
  same ingestion as HTTP; PUBACK only after Kafka (attributes: PostgreSQL) confirmed
  (ADR 0009), nothing acceptable or Kafka down: no PUBACK, the connection is closed;
- ``v1/devices/me/rpc/response/{id}``: the answer to a server-side RPC;
- subscriptions are remembered and server-side RPC requests are delivered to the device's
  connections whose filters match ``v1/devices/me/rpc/request/{id}``.

A message on a topic the device API does not have is acknowledged (MQTT 5: reason "topic
name invalid") and has no effect, as in ThingsBoard.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef
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
from device_ingestion.mqtt.handling import (
    GATEWAY_TELEMETRY,
    INGESTED,
    TELEMETRY,
    Verdict,
    handle_device_message,
)
from device_ingestion.usecases.ingest import Ingest

log = logging.getLogger(__name__)

RPC_REQUEST = "v1/devices/me/rpc/request/"
RPC_RESPONSE = "v1/devices/me/rpc/response/"
CONNECT_TIMEOUT_S = 10.0
MAX_TOKEN = 128
#: telemetry messages of one connection handled at once (each waits for Kafka); more and
#: the connection is not read until one is done (back-pressure, like MQTT 5's receive max)
IN_FLIGHT = 64
CONCURRENT = frozenset({TELEMETRY, GATEWAY_TELEMETRY})
RpcResponder = Callable[[DeviceRef, int, Any], Awaitable[object]]


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
                try:
                    packet = await asyncio.wait_for(read_packet(self.reader), keep_alive)
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
            pass
        finally:
            # what was read is handled, even when the device hung up at once (battery
            # devices publish at QoS 0 and disconnect)
            if self._inflight:
                await asyncio.gather(*self._inflight, return_exceptions=True)
            self.transport.forget(self)
            self.writer.close()

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
        assert self.device is not None  # set by _connect
        if self.writer.is_closing():
            return
        verdict, known = await self.transport.handle(self.device, message.topic, message.payload)
        if message.qos == 0 or message.packet_id is None:
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


class DeviceTransport:
    """The MQTT listener and the registry of connected devices (of this process)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        directory: DeviceDirectory,
        ingest: Ingest,
        on_rpc_response: RpcResponder | None = None,
        ack_invalid: bool = False,
    ) -> None:
        self.host, self._port = host, port
        self.directory = directory
        self.ingest = ingest
        self.on_rpc_response = on_rpc_response
        self.ack_invalid = ack_invalid
        self._server: asyncio.Server | None = None
        self._sessions: dict[uuid.UUID, set[DeviceSession]] = {}
        self._by_client: dict[str, DeviceSession] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def connections(self) -> int:
        return sum(len(s) for s in self._sessions.values())

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self._port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for sessions in list(self._sessions.values()):
            for session in list(sessions):
                await session.close("shutting_down")
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def ready(self) -> None:
        if self._server is None or not self._server.is_serving():
            raise ConnectionError("the MQTT listener is not serving")

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await DeviceSession(self, reader, writer).run()
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def authenticate(self, token: str) -> DeviceRef | None:
        if not token or len(token) > MAX_TOKEN:
            return None
        return await self.directory.by_token(token)

    async def register(self, session: DeviceSession) -> None:
        previous = self._by_client.get(session.client_id)
        if previous is not None and previous is not session:
            await previous.close("taken_over")  # MQTT: one connection per client id
            self.forget(previous)
        self._by_client[session.client_id] = session
        assert session.device is not None
        self._sessions.setdefault(session.device.id, set()).add(session)

    def forget(self, session: DeviceSession) -> None:
        if self._by_client.get(session.client_id) is session:
            del self._by_client[session.client_id]
        if session.device is not None:
            sessions = self._sessions.get(session.device.id)
            if sessions is not None:
                sessions.discard(session)
                if not sessions:
                    del self._sessions[session.device.id]

    async def handle(self, device: DeviceRef, topic: str, payload: bytes) -> tuple[Verdict, bool]:
        """What a device's message does: (verdict, whether the topic is the device API's)."""
        if topic in INGESTED:
            current = await self.directory.by_id(device.id)
            if current is None:  # deleted since it connected
                return Verdict.INVALID, True
            return await handle_device_message(self.ingest, current, topic, payload), True
        if topic.startswith(RPC_RESPONSE) and self.on_rpc_response is not None:
            try:
                rpc_id = int(topic.removeprefix(RPC_RESPONSE))
                body = json.loads(payload)
            except (ValueError, UnicodeDecodeError):
                return Verdict.INVALID, True
            try:
                await self.on_rpc_response(device, rpc_id, body)
            except (OSError, ConnectionError, TimeoutError) as exc:
                log.warning("mqtt: %s: RPC answer not stored (%s)", device.id, exc)
                return Verdict.UNAVAILABLE, True
            return Verdict.ACCEPTED, True
        log.info("mqtt: %s published on %s, not a device API topic", device.id, topic)
        return Verdict.ACCEPTED, False

    async def publish_rpc(self, device_id: uuid.UUID, rpc_id: int, body: dict[str, Any]) -> None:
        """Send a server-side RPC request to the device's subscribed connections here."""
        topic = f"{RPC_REQUEST}{rpc_id}"
        payload = json.dumps(body).encode()
        delivered = False
        for session in list(self._sessions.get(device_id, ())):
            delivered = await session.deliver(topic, payload) or delivered
        if not delivered:
            raise ConnectionError(f"device {device_id} is not subscribed to RPC here")
