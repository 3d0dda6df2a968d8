"""Ingestion use cases shared by HTTP and MQTT: validate, publish, count."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, update
from sqlalchemy.dialects.postgresql import JSONB

from device_ingestion.api.deps import Parts
from device_ingestion.db.models import devices
from device_ingestion.domain.readings import (
    MALFORMED,
    UNKNOWN_DEVICE,
    Outcome,
    Rejection,
    Report,
    TimeWindow,
    parse_telemetry,
)
from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.ingest.publisher import count
from device_ingestion.ingest.storage import touch_devices
from device_ingestion.status import publish_changes
from sc_core.db.engine import Database


def window(parts: Parts, now: datetime) -> TimeWindow:
    s = parts.settings
    return TimeWindow(
        now=now,
        max_future=timedelta(seconds=s.telemetry_max_future_s),
        max_age=timedelta(days=s.telemetry_max_age_days),
    )


def _parse(
    parts: Parts, device: DeviceRef, payload: Any, now: datetime, label: str | None
) -> Outcome:
    device_type = parts.catalogue.get(device.device_type)
    if device_type is None:  # a type removed from the catalogue: nothing can be checked
        return Outcome(
            rejections=[
                Rejection(UNKNOWN_DEVICE, f"unknown type {device.device_type}", device=label)
            ]
        )
    return parse_telemetry(
        payload,
        device_type,
        window(parts, now),
        device=label,
        max_readings=parts.settings.ingest_max_readings,
    )


async def ingest_telemetry(
    parts: Parts, device: DeviceRef, payload: Any, transport: str
) -> Outcome:
    """Validate one device's payload and publish its good readings (acknowledged)."""
    now = datetime.now(UTC)
    outcome = _parse(parts, device, payload, now, None)
    await _publish(parts, [(device, outcome.reports)], now)
    count(transport, outcome.accepted, outcome.rejections)
    return outcome


async def ingest_gateway(parts: Parts, gateway: DeviceRef, payload: Any, transport: str) -> Outcome:
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
    assert parts.directory is not None
    names = [str(n) for n in payload]
    known = await parts.directory.by_names(gateway.community_id, names)
    batches: list[tuple[DeviceRef, Sequence[Report]]] = []
    for name, body in payload.items():
        device = known.get(name)
        if device is None:
            detail = f"no device named {name!r} in the gateway's community"
            outcome.rejections.append(Rejection(UNKNOWN_DEVICE, detail, device=name))
            continue
        one = _parse(parts, device, body, now, name)
        outcome.extend(one)
        batches.append((device, one.reports))
    await _publish(parts, batches, now)
    count(transport, outcome.accepted, outcome.rejections)
    return outcome


async def _publish(
    parts: Parts, batches: Sequence[tuple[DeviceRef, Sequence[Report]]], now: datetime
) -> None:
    assert parts.publisher is not None
    await parts.publisher.publish(batches, now)


async def store_attributes(
    db: Database, parts: Parts, device: DeviceRef, attributes: dict[str, Any]
) -> None:
    """Merge client attributes into the device; an attribute update is activity too."""
    now = datetime.now(UTC)
    async with db.uow() as uow:
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
        await publish_changes(uow, changes, topic=parts.settings.status_topic, source=source(parts))
        await uow.commit()


def source(parts: Parts) -> str:
    return f"/services/{parts.settings.service_name}"
