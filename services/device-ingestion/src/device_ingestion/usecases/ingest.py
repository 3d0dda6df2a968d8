"""Ingestion, shared by HTTP and MQTT: validate a device's payload, publish its good
readings (acknowledged by the broker), count; store a device's attributes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB

from device_ingestion.config import Settings
from device_ingestion.db.models import devices
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.domain.readings import (
    MALFORMED,
    UNKNOWN_DEVICE,
    Outcome,
    Rejection,
    Report,
    TimeWindow,
    parse_telemetry,
)
from device_ingestion.ingest.directory import DeviceDirectory, DeviceRef
from device_ingestion.ingest.publisher import TelemetryPublisher, count
from device_ingestion.ingest.storage import touch_devices
from device_ingestion.status import publish_changes
from device_ingestion.usecases.firmware import Firmware
from sc_core.db.engine import Database

log = logging.getLogger(__name__)


class Ingest:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        catalogue: Catalogue,
        directory: DeviceDirectory,
        publisher: TelemetryPublisher,
        firmware: Firmware | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.catalogue = catalogue
        self.directory = directory
        self.publisher = publisher
        self.firmware = firmware

    def window(self, now: datetime) -> TimeWindow:
        s = self.settings
        return TimeWindow(
            now=now,
            max_future=timedelta(seconds=s.telemetry_max_future_s),
            max_age=timedelta(days=s.telemetry_max_age_days),
        )

    def _parse(self, device: DeviceRef, payload: Any, now: datetime, label: str | None) -> Outcome:
        device_type = self.catalogue.get(device.device_type)
        if device_type is None:  # a type removed from the catalogue: nothing can be checked
            return Outcome(
                rejections=[
                    Rejection(UNKNOWN_DEVICE, f"unknown type {device.device_type}", device=label)
                ]
            )
        return parse_telemetry(
            payload,
            device_type,
            self.window(now),
            device=label,
            max_readings=self.settings.ingest_max_readings,
        )

    async def telemetry(self, device: DeviceRef, payload: Any, transport: str) -> Outcome:
        """Validate one device's payload and publish its good readings (acknowledged)."""
        now = datetime.now(UTC)
        outcome = self._parse(device, payload, now, None)
        await self.publisher.publish([(device, outcome.reports)], now)
        count(transport, outcome.accepted, outcome.rejections)
        await self._firmware_states([(device, outcome.reports)])
        return outcome

    async def _firmware_states(self, batches: Sequence[tuple[DeviceRef, Sequence[Report]]]) -> None:
        """An OTA update's progress (``fw_state``) is kept on the device as well."""
        if self.firmware is None:
            return
        for device, reports in batches:
            if any("fw_state" in r.values for r in reports):
                try:
                    await self.firmware.record_states(device, reports)
                except Exception:  # the readings are on Kafka (and stored from there)
                    log.exception("firmware state of %s not kept on the device", device.id)

    async def gateway(self, gateway: DeviceRef, payload: Any, transport: str) -> Outcome:
        """An edge gateway's batch: ``{"<device name>": <telemetry payload>, ...}``
        (ThingsBoard's gateway API), for devices of the gateway's community."""
        now = datetime.now(UTC)
        outcome = Outcome()
        if not isinstance(payload, dict):
            outcome.rejections.append(
                Rejection(MALFORMED, 'a gateway batch is {"<device name>": <telemetry>, ...}')
            )
            count(transport, 0, outcome.rejections)
            return outcome
        names = [str(n) for n in payload]
        known = await self.directory.by_names(gateway.community_id, names)
        batches: list[tuple[DeviceRef, Sequence[Report]]] = []
        for name, body in payload.items():
            device = known.get(name)
            if device is None:
                detail = f"no device named {name!r} in the gateway's community"
                outcome.rejections.append(Rejection(UNKNOWN_DEVICE, detail, device=name))
                continue
            one = self._parse(device, body, now, name)
            outcome.extend(one)
            batches.append((device, one.reports))
        await self.publisher.publish(batches, now)
        count(transport, outcome.accepted, outcome.rejections)
        await self._firmware_states(batches)
        return outcome

    async def stored_attributes(self, device: DeviceRef) -> Any:
        """The device's client and shared attributes (``.attributes``, ``.shared_attributes``)."""
        async with self.db.engine.connect() as conn:
            query = select(devices.c.attributes, devices.c.shared_attributes).where(
                devices.c.id == device.id
            )
            return (await conn.execute(query)).one()

    async def attributes(self, device: DeviceRef, attributes: dict[str, Any]) -> None:
        """Merge client attributes into the device; an attribute update is activity too."""
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            await uow.session.execute(
                update(devices)
                .where(devices.c.id == device.id)
                .values(
                    attributes=devices.c.attributes.op("||")(literal(attributes, type_=JSONB)),
                    updated_at=func.now(),
                )
            )
            conn = await uow.session.connection()
            changes = await touch_devices(conn, {device.id: now})
            await publish_changes(uow, changes)
            await uow.commit()

    async def touch(self, device: DeviceRef) -> None:
        """The device was heard from (a gateway connected it): activity, status online."""
        async with self.db.uow() as uow:
            conn = await uow.session.connection()
            changes = await touch_devices(conn, {device.id: datetime.now(UTC)})
            await publish_changes(uow, changes)
            await uow.commit()
