"""An amqtt broker with ThingsBoard's device identity and EMQX-like mountpoints.

Devices no longer connect to it in the service (the device transport took its place, ADR
0029); it stands in for EMQX where the external-broker path (``MQTT_URL``) is tested.

Devices connect with their access token as username and use ThingsBoard's topics
(``v1/devices/me/telemetry`` ...). The broker mounts every device session under
``<prefix>/<device id>/``: what the device publishes on ``T`` is routed as
``<prefix>/<device id>/T``, its subscription to ``F`` becomes ``<prefix>/<device id>/F``,
and messages delivered to it have the prefix stripped again. The service's own client
(username ``mqtt_service_username`` and its password) is not mounted and sees
``<prefix>/+/v1/devices/me/telemetry``. That is what EMQX does with
``mountpoint = "devices/${client_attrs.device_id}/"`` and HTTP authentication against
``POST /internal/mqtt/auth`` (see the service README), so production and development share
one code path.

amqtt has no mountpoints; this subclass adds them on its internal hooks
(``_authenticate``, ``_broadcast_message``, ``add_subscription``, ``_del_subscription``,
``_get_handler``), pinned to amqtt 0.12.

Honest QoS 1 (ADR 0009): a device's telemetry, attributes and gateway messages are not
routed to the service's client; the device's protocol handler (:class:`IngestingHandler`)
hands them to ``accept`` (validate, send to Kafka and wait for its acknowledgement) and
sends PUBACK only when that says ``ACCEPTED``. Otherwise the connection is closed without
PUBACK, so the device keeps the message and sends it again. QoS 0 messages are ingested the
same way (nothing to acknowledge); QoS 2 and RPC answers take amqtt's normal path.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from amqtt.broker import Broker
from amqtt.mqtt.constants import QOS_0, QOS_1
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.mqtt.puback import PubackPacket
from amqtt.session import INCOMING, Session

from device_ingestion.mqtt.handling import INGESTED, Verdict

log = logging.getLogger(__name__)

Authenticator = Callable[[str | None, str | None], Awaitable[str | None]]
#: (device id, topic without mountpoint, payload) -> what the service made of it
Acceptor = Callable[[str, str, bytes], Awaitable[Verdict]]
MOUNT = "_sc_mount"
ACCEPT = "_sc_accept"


class IngestingHandler(BrokerProtocolHandler):
    """A device session's handler: device messages are ingested before they are acked."""

    ack_invalid = False

    async def _handle_message_flow(self, app_message: Any) -> None:
        accept = getattr(self.session, ACCEPT, None)
        if (
            accept is None
            or app_message.direction != INCOMING
            or app_message.qos not in (QOS_0, QOS_1)
            or app_message.topic not in INGESTED
        ):
            await super()._handle_message_flow(app_message)
            return
        verdict: Verdict = await accept(app_message.topic, bytes(app_message.data or b""))
        if app_message.qos == QOS_0:
            return
        if verdict is Verdict.ACCEPTED or (verdict is Verdict.INVALID and self.ack_invalid):
            puback = PubackPacket.build(app_message.packet_id)
            await self._send_packet(puback)
            app_message.puback_packet = puback
            return
        client = self.session.client_id if self.session is not None else "?"
        log.info(
            "mqtt: %s message on %s %s: closing without PUBACK",
            client,
            app_message.topic,
            verdict.value,
        )
        if self.writer is not None:
            await self.writer.close()


class _Unmounting:
    """A session's protocol handler that strips the session's mountpoint on delivery."""

    def __init__(self, handler: Any, mount: str) -> None:
        self._handler = handler
        self._mount = mount

    async def mqtt_publish(self, topic: str, data: bytes, qos: int | None, retain: bool) -> Any:
        return await self._handler.mqtt_publish(topic.removeprefix(self._mount), data, qos, retain)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handler, name)


class MountingBroker(Broker):
    def __init__(
        self,
        host: str,
        port: int,
        *,
        prefix: str,
        device_for_token: Callable[[str], Awaitable[str | None]],
        service_username: str,
        service_password: str,
        accept: Acceptor | None = None,
        ack_invalid: bool = False,
    ) -> None:
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
            "plugins": {},
        }
        super().__init__(config)
        self.prefix = prefix.strip("/")
        self.device_for_token = device_for_token
        self.service_username = service_username
        self.service_password = service_password
        self.accept = accept
        self.ack_invalid = ack_invalid

    @property
    def port(self) -> int:
        server = self._servers["default"].instance
        return int(server.sockets[0].getsockname()[1])

    def _mount(self, session: Session | None) -> str | None:
        return getattr(session, MOUNT, None) if session is not None else None

    async def _authenticate(self, session: Session, _: Any) -> bool:
        username, password = session.username, session.password
        if username == self.service_username:
            ok = hmac.compare_digest(str(password or ""), self.service_password)
            return ok
        if not username:
            return False
        device_id = await self.device_for_token(username)
        if device_id is None:
            log.info("mqtt: refused a connection with an unknown token")
            return False
        setattr(session, MOUNT, f"{self.prefix}/{device_id}/")
        if self.accept is not None:
            accept = self.accept

            async def accept_for_device(topic: str, payload: bytes) -> Verdict:
                return await accept(device_id, topic, payload)

            setattr(session, ACCEPT, accept_for_device)
        return True

    async def _handle_client_session(
        self,
        reader: Any,
        writer: Any,
        client_session: Session,
        handler: BrokerProtocolHandler,
        server: Any,
        listener_name: str,
    ) -> None:
        # amqtt builds the handler in a classmethod of its own class; ours only adds the
        # message flow above (same state, no new slots), so the instance is re-classed.
        if type(handler) is BrokerProtocolHandler:
            handler.__class__ = IngestingHandler
            handler.ack_invalid = self.ack_invalid
        await super()._handle_client_session(
            reader, writer, client_session, handler, server, listener_name
        )

    async def _broadcast_message(
        self,
        session: Session | None,
        topic: str | None,
        data: bytes | bytearray | None,
        force_qos: int | None = None,
    ) -> None:
        mount = self._mount(session)
        if mount is not None and topic is not None:
            topic = mount + topic
        await super()._broadcast_message(session, topic, data, force_qos)

    async def add_subscription(self, subscription: tuple[str, int], session: Session) -> int:
        mount = self._mount(session)
        if mount is not None:
            subscription = (mount + subscription[0], subscription[1])
        return await super().add_subscription(subscription, session)

    def _del_subscription(self, a_filter: str, session: Session) -> int:
        mount = self._mount(session)
        if mount is not None and not a_filter.startswith(mount):
            a_filter = mount + a_filter
        return super()._del_subscription(a_filter, session)

    def _get_handler(self, session: Session) -> Any:
        handler = super()._get_handler(session)
        mount = self._mount(session)
        if handler is None or mount is None:
            return handler
        return _Unmounting(handler, mount)
