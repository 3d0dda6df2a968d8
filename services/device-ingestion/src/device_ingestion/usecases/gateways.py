"""ThingsBoard's gateway API beyond telemetry: an edge gateway announces the devices behind
it (``v1/gateway/connect`` / ``disconnect``) and reports their client attributes
(``v1/gateway/attributes``: ``{"<device name>": {...}, ...}``).

A device the gateway connects that the register does not know is created in the gateway's
community (and building) when the gateway names its type (``{"device": "Meter 7", "type":
"water_meter"}``, a type of the catalogue), as ThingsBoard creates it under the gateway;
without a known type it is not created (the log says so) and its readings stay refused
``device.unknown``. Connecting, disconnecting and attributes count as activity of the
device.
"""

from __future__ import annotations

import logging
from typing import Any

from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef, new_token
from device_ingestion.usecases.devices import insert_device
from device_ingestion.usecases.ingest import Ingest
from sc_core.db.engine import Database
from sc_core.errors import Conflict

log = logging.getLogger(__name__)


class Gateways:
    def __init__(
        self, db: Database, catalogue: Catalogue, directory: DeviceDirectory, ingest: Ingest
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.directory = directory
        self.ingest = ingest

    async def connect(self, gateway: DeviceRef, body: Any) -> DeviceRef | None:
        """The device the gateway connects (created when unknown and its type is named)."""
        name, device_type = self._named(body)
        known = await self.directory.by_names(gateway.community_id, [name])
        device = known.get(name)
        if device is None:
            if device_type is None or self.catalogue.get(device_type) is None:
                log.info("gateway %s connected %r of no known type: not created", gateway.id, name)
                return None
            device = await self._create(gateway, name, device_type)
        await self.ingest.touch(device)
        return device

    async def attributes(self, gateway: DeviceRef, body: Any) -> int:
        """Client attributes of the gateway's devices; how many devices took them."""
        if not isinstance(body, dict) or not all(isinstance(v, dict) for v in body.values()):
            raise ValueError('gateway attributes are {"<device name>": {"key": value}, ...}')
        known = await self.directory.by_names(gateway.community_id, [str(n) for n in body])
        taken = 0
        for name, values in body.items():
            device = known.get(str(name))
            if device is None or not values:
                continue
            await self.ingest.attributes(device, values)
            taken += 1
        return taken

    def _named(self, body: Any) -> tuple[str, str | None]:
        if not isinstance(body, dict) or not isinstance(body.get("device"), str):
            raise ValueError('a gateway names its device: {"device": "<name>", "type": ...}')
        name = body["device"].strip()
        if not name or len(name) > 128:
            raise ValueError("a device name is 1 to 128 characters")
        device_type = body.get("type")
        return name, device_type if isinstance(device_type, str) else None

    async def _create(self, gateway: DeviceRef, name: str, device_type: str) -> DeviceRef:
        values = {
            "name": name,
            "device_type": device_type,
            "community_id": gateway.community_id,
            "building_id": gateway.building_id,
            "provisioned_by": f"gateway:{gateway.id}",
        }
        async with self.db.uow() as uow:
            try:
                row = await insert_device(uow, values, new_token())
            except Conflict:  # created meanwhile (another message of the gateway)
                row = None
            if row is not None:
                await uow.audit(
                    None,
                    "device.create_by_gateway",
                    "device",
                    str(row.id),
                    community_id=gateway.community_id,
                    detail={"gateway": str(gateway.id)},
                )
                await uow.commit()
        self.directory.forget()
        known = await self.directory.by_names(gateway.community_id, [name])
        return known[name]
