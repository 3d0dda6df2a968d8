"""The gateway API's topics on an edge gateway's connection (ThingsBoard's gateway MQTT
API), for the device transport:

- ``v1/gateway/connect`` / ``disconnect`` ``{"device", "type"}``: the device is behind this
  connection (created when unknown and its type is named: :mod:`usecases.gateways`);
  server-side RPC to it goes to the gateway on ``v1/gateway/rpc`` as
  ``{"device": name, "data": {"id", "method", "params"}}`` until it is disconnected;
- ``v1/gateway/rpc`` from the gateway ``{"device", "id", "data"}``: the device's answer;
- ``v1/gateway/attributes`` ``{"<name>": {...}}``: client attributes;
- ``v1/gateway/attributes/request`` ``{"id", "device", "client": bool, "key" | "keys"}``:
  answered on ``v1/gateway/attributes/response`` with ``{"id", "device", "value"}`` (one
  key) or ``{"id", "device", "values"}``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError

from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef
from device_ingestion.mqtt.handling import Verdict
from device_ingestion.usecases.gateways import Gateways
from device_ingestion.usecases.ingest import Ingest

if TYPE_CHECKING:
    from device_ingestion.mqtt.session import DeviceSession

log = logging.getLogger(__name__)

CONNECT, DISCONNECT = "v1/gateway/connect", "v1/gateway/disconnect"
ATTRIBUTES = "v1/gateway/attributes"
ATTRIBUTES_REQUEST, ATTRIBUTES_RESPONSE = f"{ATTRIBUTES}/request", f"{ATTRIBUTES}/response"
RPC = "v1/gateway/rpc"
TOPICS = frozenset({CONNECT, DISCONNECT, ATTRIBUTES, ATTRIBUTES_REQUEST, RPC})
RpcResponder = Callable[[DeviceRef, int, Any], Awaitable[object]]


class GatewayTopics:
    def __init__(
        self,
        gateways: Gateways,
        directory: DeviceDirectory,
        ingest: Ingest,
        on_rpc_response: RpcResponder | None,
    ) -> None:
        self.gateways = gateways
        self.directory = directory
        self.ingest = ingest
        self.on_rpc_response = on_rpc_response
        #: device id -> (the gateway's connection, the device's name)
        self._behind: dict[uuid.UUID, tuple[DeviceSession, str]] = {}

    def forget(self, session: DeviceSession) -> None:
        for device_id, (held, _) in list(self._behind.items()):
            if held is session:
                del self._behind[device_id]

    async def handle(
        self, session: DeviceSession, gateway: DeviceRef, topic: str, payload: bytes
    ) -> Verdict:
        if gateway.device_type != "edge_gateway":
            log.info("mqtt: %s is not an edge gateway; %s refused", gateway.id, topic)
            return Verdict.INVALID
        try:
            body = json.loads(payload)
            if topic == ATTRIBUTES:
                await self.gateways.attributes(gateway, body)
            elif topic == ATTRIBUTES_REQUEST:
                await self._attributes_request(session, gateway, body)
            elif topic == RPC:
                return await self._rpc_answer(gateway, body)
            else:
                device = await self.gateways.connect(gateway, body)
                if device is not None and topic == CONNECT:
                    self._behind[device.id] = (session, device.name)
                elif device is not None:
                    self._behind.pop(device.id, None)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            log.info("mqtt: %s: malformed %s (%s)", gateway.id, topic, exc)
            return Verdict.INVALID
        except (OSError, ConnectionError, TimeoutError, DBAPIError) as exc:
            log.warning("mqtt: %s: %s not stored (%s)", gateway.id, topic, exc)
            return Verdict.UNAVAILABLE
        return Verdict.ACCEPTED

    async def _device(self, gateway: DeviceRef, name: Any) -> DeviceRef | None:
        if not isinstance(name, str):
            raise ValueError("the device is named by a string")
        return (await self.directory.by_names(gateway.community_id, [name])).get(name)

    async def _attributes_request(
        self, session: DeviceSession, gateway: DeviceRef, body: Any
    ) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            raise ValueError('a request is {"id": n, "device": "<name>", "key": "..."}')
        device = await self._device(gateway, body.get("device"))
        scope = "attributes" if body.get("client") is True else "shared_attributes"
        values: dict[str, Any] = {}
        if device is not None:
            row = await self.ingest.stored_attributes(device)
            values = dict(getattr(row, scope))
        answer: dict[str, Any] = {"id": body["id"], "device": body["device"]}
        if isinstance(body.get("key"), str):
            answer["value"] = values.get(body["key"])
        else:
            keys = body.get("keys")
            wanted = set(keys) if isinstance(keys, list) else set(values)
            answer["values"] = {k: v for k, v in values.items() if k in wanted}
        await session.reply(ATTRIBUTES_RESPONSE, json.dumps(answer).encode())

    async def _rpc_answer(self, gateway: DeviceRef, body: Any) -> Verdict:
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            raise ValueError('an answer is {"device": "<name>", "id": n, "data": {...}}')
        device = await self._device(gateway, body.get("device"))
        if device is None or self.on_rpc_response is None:
            return Verdict.INVALID
        await self.on_rpc_response(device, body["id"], body.get("data"))
        return Verdict.ACCEPTED

    async def publish_rpc(self, device_id: uuid.UUID, rpc_id: int, body: dict[str, Any]) -> bool:
        """Send an RPC request to the gateway the device is behind; False if none here."""
        held = self._behind.get(device_id)
        if held is None:
            return False
        session, name = held
        message = {"device": name, "data": {"id": rpc_id, **body}}
        return await session.deliver(RPC, json.dumps(message).encode())
