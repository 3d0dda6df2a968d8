"""The device transport: ThingsBoard's MQTT device API served by the service itself.

Like ThingsBoard's own MQTT transport, this is not a general broker: devices do not talk to
each other. It accepts MQTT 3.1, 3.1.1 and 5 (ADR 0029), authenticates a device by its
access token (the CONNECT's username), and maps each device topic to what the service does:

- ``v1/devices/me/telemetry``, ``v1/devices/me/attributes``, ``v1/gateway/telemetry``: the
  same ingestion as HTTP; PUBACK only after Kafka (attributes: PostgreSQL) confirmed
  (ADR 0009), nothing acceptable or Kafka down: no PUBACK, the connection is closed;
- ``v1/devices/me/rpc/response/{id}``: the answer to a server-side RPC;
- ``v1/devices/me/rpc/request/{id}``: a client-side RPC call, answered on
  ``v1/devices/me/rpc/response/{id}`` (:mod:`device_ingestion.domain.client_rpc`);
- ``v1/devices/me/attributes/request/{id}``: answered on
  ``v1/devices/me/attributes/response/{id}`` with the client and shared attributes asked
  for (``{"clientKeys": "a,b", "sharedKeys": "c"}``);
- ``v1/devices/me/claim``: the device may be claimed with its secret for a while
  (:mod:`device_ingestion.usecases.claims`);
- ``v2/fw/request/{request_id}/chunk/{chunk}`` (payload: the chunk size in bytes, empty or
  0 for the whole package): the chunk of the firmware assigned to the device, answered on
  ``v2/fw/response/{request_id}/chunk/{chunk}`` (binary; empty past the end); no firmware
  assigned: ``NOT_FOUND`` on ``v2/fw/error`` and the session is closed, as ThingsBoard does;
- ``v1/gateway/...``: an edge gateway's devices, their attributes, attribute requests and
  RPC (:mod:`device_ingestion.mqtt.gateway`);
- username ``provision``: a fleet device registers itself on ``/provision/request`` and
  gets its token on ``/provision/response`` (ThingsBoard's MQTT provisioning);
- shared attributes changed by staff are pushed on ``v1/devices/me/attributes`` to the
  device's connections subscribed there (:mod:`device_ingestion.attribute_updates`);
- subscriptions are remembered and server-side RPC requests are delivered to the device's
  connections whose filters match ``v1/devices/me/rpc/request/{id}``.

A message on a topic the device API does not have is acknowledged (MQTT 5: reason "topic
name invalid") and has no effect, as in ThingsBoard.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import ssl
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Gauge
from sqlalchemy.exc import DBAPIError

from device_ingestion.domain.attributes import key_set, requested
from device_ingestion.domain.client_rpc import answer, parse_call
from device_ingestion.domain.firmware import chunk_of
from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef
from device_ingestion.mqtt.gateway import TOPICS as GATEWAY_TOPICS
from device_ingestion.mqtt.gateway import GatewayTopics
from device_ingestion.mqtt.handling import INGESTED, Verdict, handle_device_message
from device_ingestion.mqtt.session import Closed, DeviceSession
from device_ingestion.usecases.claims import Claims
from device_ingestion.usecases.firmware import Firmware
from device_ingestion.usecases.gateways import Gateways
from device_ingestion.usecases.ingest import Ingest
from device_ingestion.usecases.provisioning import Provisioning
from sc_core.errors import Problem

log = logging.getLogger(__name__)

RPC_REQUEST = "v1/devices/me/rpc/request/"
RPC_RESPONSE = "v1/devices/me/rpc/response/"
ATTRIBUTES = "v1/devices/me/attributes"
CLAIM = "v1/devices/me/claim"
PROVISION_REQUEST = "/provision/request"
PROVISION_RESPONSE = "/provision/response"
ATTRIBUTES_REQUEST = "v1/devices/me/attributes/request/"
ATTRIBUTES_RESPONSE = "v1/devices/me/attributes/response/"
FW_REQUEST = re.compile(r"^v2/fw/request/([^/]{1,64})/chunk/(\d{1,9})$")
FW_RESPONSE = "v2/fw/response/{request_id}/chunk/{chunk}"
FW_ERROR = "v2/fw/error"
MAX_TOKEN = 128
RpcResponder = Callable[[DeviceRef, int, Any], Awaitable[object]]
CONNECTIONS = Gauge(
    "mqtt_connections",
    "Device connections the MQTT transport of this process holds (the HPA's metric)",
)


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
        claims: Claims | None = None,
        provisioning: Provisioning | None = None,
        gateways: Gateways | None = None,
        firmware: Firmware | None = None,
        ack_invalid: bool = False,
        tls_port: int | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self._port = host, port
        self._tls_port, self._tls = tls_port, tls
        self.directory = directory
        self.ingest = ingest
        self.on_rpc_response = on_rpc_response
        self.claims = claims
        self.provisioning = provisioning
        self.gateway_topics = (
            GatewayTopics(gateways, directory, ingest, on_rpc_response)
            if gateways is not None
            else None
        )
        self.firmware = firmware
        self.ack_invalid = ack_invalid
        self._server: asyncio.Server | None = None
        self._tls_server: asyncio.Server | None = None
        self._sessions: dict[uuid.UUID, set[DeviceSession]] = {}
        self._by_client: dict[str, DeviceSession] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def tls_port(self) -> int | None:
        """The port of the TLS listener (MQTT over TLS, 8883), if there is one."""
        if self._tls_server is None:
            return None
        return int(self._tls_server.sockets[0].getsockname()[1])

    @property
    def connections(self) -> int:
        return sum(len(s) for s in self._sessions.values())

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self._port)
        if self._tls is not None and self._tls_port is not None:
            self._tls_server = await asyncio.start_server(
                self._accept, self.host, self._tls_port, ssl=self._tls
            )

    async def stop(self) -> None:
        for server in (self._server, self._tls_server):
            if server is not None:
                server.close()
        for sessions in list(self._sessions.values()):
            for session in list(sessions):
                await session.close("shutting_down")
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for server in (self._server, self._tls_server):
            if server is not None:
                await server.wait_closed()

    async def ready(self) -> None:
        if self._server is None or not self._server.is_serving():
            raise ConnectionError("the MQTT listener is not serving")
        if self._tls is not None and (
            self._tls_server is None or not self._tls_server.is_serving()
        ):
            raise ConnectionError("the MQTT listener over TLS is not serving")

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
        held = self._sessions.setdefault(session.device.id, set())
        if session not in held:
            held.add(session)
            CONNECTIONS.inc()

    def forget(self, session: DeviceSession) -> None:
        if self.gateway_topics is not None:
            self.gateway_topics.forget(session)
        if self._by_client.get(session.client_id) is session:
            del self._by_client[session.client_id]
        if session.device is not None:
            sessions = self._sessions.get(session.device.id)
            if sessions is not None and session in sessions:
                sessions.discard(session)
                CONNECTIONS.dec()
                if not sessions:
                    del self._sessions[session.device.id]

    async def handle(
        self, session: DeviceSession, topic: str, payload: bytes
    ) -> tuple[Verdict, bool]:
        """What a device's message does: (verdict, whether the topic is the device API's)."""
        if session.provisioning:
            return await self._provision(session, topic, payload)
        device = session.device
        assert device is not None
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
        if topic.startswith(RPC_REQUEST):
            return await self._client_rpc(session, device, topic, payload), True
        if topic in GATEWAY_TOPICS and self.gateway_topics is not None:
            return await self.gateway_topics.handle(session, device, topic, payload), True
        if topic == CLAIM and self.claims is not None:
            return await self._claim(device, payload), True
        if topic.startswith(ATTRIBUTES_REQUEST):
            return await self._attributes_request(session, device, topic, payload), True
        fw = FW_REQUEST.match(topic)
        if fw is not None and self.firmware is not None:
            return await self._firmware_chunk(session, device, fw, payload), True
        log.info("mqtt: %s published on %s, not a device API topic", device.id, topic)
        return Verdict.ACCEPTED, False

    async def _provision(
        self, session: DeviceSession, topic: str, payload: bytes
    ) -> tuple[Verdict, bool]:
        """A provisioning session (username ``provision``) may only ask to be registered."""
        if topic != PROVISION_REQUEST or self.provisioning is None:
            log.info("mqtt: a provisioning session published on %s; closing", topic)
            return Verdict.INVALID, False
        try:
            body = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            body = None
        try:
            answer = await self.provisioning.answer(body)
        except (OSError, ConnectionError, TimeoutError, DBAPIError) as exc:
            log.warning("mqtt: provisioning not done (%s)", exc)
            return Verdict.UNAVAILABLE, True
        await session.reply(PROVISION_RESPONSE, json.dumps(answer).encode())
        return Verdict.ACCEPTED, True

    async def _claim(self, device: DeviceRef, payload: bytes) -> Verdict:
        assert self.claims is not None
        try:
            body = json.loads(payload) if payload.strip() else {}
            await self.claims.announce(device, body)
        except (ValueError, UnicodeDecodeError) as exc:
            log.info("mqtt: %s: malformed claim (%s)", device.id, exc)
            return Verdict.INVALID
        except (OSError, ConnectionError, TimeoutError, DBAPIError) as exc:
            log.warning("mqtt: %s: claim not stored (%s)", device.id, exc)
            return Verdict.UNAVAILABLE
        return Verdict.ACCEPTED

    async def _client_rpc(
        self, session: DeviceSession, device: DeviceRef, topic: str, payload: bytes
    ) -> Verdict:
        try:
            request_id = int(topic.removeprefix(RPC_REQUEST))
            method, params = parse_call(json.loads(payload))
        except (ValueError, UnicodeDecodeError) as exc:
            log.info("mqtt: %s: malformed RPC call (%s)", device.id, exc)
            return Verdict.INVALID
        result = answer(method, params, datetime.now(UTC))
        await session.reply(f"{RPC_RESPONSE}{request_id}", json.dumps(result).encode())
        return Verdict.ACCEPTED

    async def _attributes_request(
        self, session: DeviceSession, device: DeviceRef, topic: str, payload: bytes
    ) -> Verdict:
        try:
            request_id = int(topic.removeprefix(ATTRIBUTES_REQUEST))
            body = json.loads(payload) if payload.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("not an object")
            client_keys = key_set(body.get("clientKeys"))
            shared_keys = key_set(body.get("sharedKeys"))
        except (ValueError, UnicodeDecodeError) as exc:
            log.info("mqtt: %s: malformed attribute request (%s)", device.id, exc)
            return Verdict.INVALID
        try:
            row = await self.ingest.stored_attributes(device)
        except (OSError, ConnectionError, TimeoutError, DBAPIError) as exc:
            log.warning("mqtt: %s: attributes not read (%s)", device.id, exc)
            return Verdict.UNAVAILABLE
        answer = requested(row.attributes, row.shared_attributes, client_keys, shared_keys)
        await session.reply(f"{ATTRIBUTES_RESPONSE}{request_id}", json.dumps(answer).encode())
        return Verdict.ACCEPTED

    async def _firmware_chunk(
        self, session: DeviceSession, device: DeviceRef, fw: re.Match[str], payload: bytes
    ) -> Verdict:
        """ThingsBoard's firmware download over MQTT: one chunk per request."""
        assert self.firmware is not None
        request_id, chunk = fw.group(1), int(fw.group(2))
        try:
            text = payload.decode().strip()
            size = int(text) if text else 0
            if size < 0:
                raise ValueError("a negative chunk size")
        except (ValueError, UnicodeDecodeError) as exc:
            log.info("mqtt: %s: malformed firmware request (%s)", device.id, exc)
            return Verdict.INVALID
        try:
            package = await self.firmware.for_device(device)
            data = await self.firmware.content(package) if package is not None else None
        except (OSError, ConnectionError, TimeoutError, DBAPIError, Problem) as exc:
            log.warning("mqtt: %s: firmware not read (%s)", device.id, exc)
            return Verdict.UNAVAILABLE
        if data is None:
            log.info("mqtt: %s asked for firmware; none is assigned", device.id)
            await session.reply(FW_ERROR, b"NOT_FOUND")
            await session.close("invalid")
            raise Closed
        topic = FW_RESPONSE.format(request_id=request_id, chunk=chunk)
        await session.reply(topic, chunk_of(data, size, chunk))
        return Verdict.ACCEPTED

    async def push_attributes(self, device_id: uuid.UUID, update: dict[str, Any]) -> bool:
        """Shared attributes changed: tell the device's connections subscribed to them
        (False: none here)."""
        payload = json.dumps(update).encode()
        delivered = False
        for session in list(self._sessions.get(device_id, ())):
            delivered = await session.deliver(ATTRIBUTES, payload) or delivered
        return delivered

    async def deliver_rpc(self, device_id: uuid.UUID, rpc_id: int, body: dict[str, Any]) -> bool:
        """Send a server-side RPC request to the device's subscribed connections here, or
        to the edge gateway here it is behind; False when none here took it."""
        topic = f"{RPC_REQUEST}{rpc_id}"
        payload = json.dumps(body).encode()
        delivered = False
        for session in list(self._sessions.get(device_id, ())):
            delivered = await session.deliver(topic, payload) or delivered
        if not delivered and self.gateway_topics is not None:  # behind an edge gateway
            delivered = await self.gateway_topics.publish_rpc(device_id, rpc_id, body)
        return delivered

    async def publish_rpc(self, device_id: uuid.UUID, rpc_id: int, body: dict[str, Any]) -> bool:
        """:meth:`deliver_rpc`, raising ConnectionError when no connection here took it."""
        if not await self.deliver_rpc(device_id, rpc_id, body):
            raise ConnectionError(f"device {device_id} is not subscribed to RPC here")
        return True
