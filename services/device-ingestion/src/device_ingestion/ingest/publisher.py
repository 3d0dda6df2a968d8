"""Accepted readings go straight to ``telemetry.readings.v1`` (ADR 0005): the reading is
the event, so there is no outbox; the caller is answered only after the broker has
acknowledged every message (acks=all), so nothing accepted is lost."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from prometheus_client import Counter

from device_ingestion.domain.readings import Rejection, Report
from device_ingestion.ingest.directory import DeviceRef
from sc_contracts.events import TelemetryRecordedV1
from sc_core.bus.cloudevents import HeaderTemplate
from sc_core.bus.producer import ProducerHandle
from sc_core.bus.tracing import current_trace_headers
from sc_core.errors import Problem

READINGS = Counter(
    "telemetry_readings_total",
    "Telemetry readings received, by transport and outcome (accepted or the rejection code)",
    ["transport", "outcome"],
)


def count(transport: str, accepted: int, rejections: Sequence[Rejection]) -> None:
    if accepted:
        READINGS.labels(transport, "accepted").inc(accepted)
    for rejection in rejections:
        READINGS.labels(transport, rejection.code).inc()


def event_data(device: DeviceRef, report: Report, received_at: datetime) -> dict[str, Any]:
    return {
        "device_id": str(device.id),
        "device_type": device.device_type,
        "community_id": device.community_id,
        "building_id": device.building_id,
        "unit_id": device.unit_id,
        "room_id": device.room_id,
        "ts": report.ts.isoformat(),
        "values": report.values,
        "received_at": received_at.isoformat(),
    }


class TelemetryPublisher:
    def __init__(
        self, producer: ProducerHandle, topic: str, source: str, timeout: float = 15.0
    ) -> None:
        self.producer = producer
        self.topic = topic
        self.source = source
        self.timeout = timeout

    async def publish(
        self, batches: Sequence[tuple[DeviceRef, Sequence[Report]]], received_at: datetime
    ) -> int:
        """Send every report as one CloudEvent keyed by device; wait for every ack.

        Raises 503 ``telemetry.unavailable`` when the broker does not acknowledge in time;
        the device then retries (ThingsBoard devices do on a non-2xx answer).

        The hot path: the event body is the JSON of :func:`event_data`, written from a
        per-device prefix, and the CloudEvent headers shared by the request are encoded
        once (the one codec's :class:`HeaderTemplate`); ids are ``<request uuid>-<n>``
        (unique per source, as CloudEvents asks).
        """
        if not any(reports for _, reports in batches):
            return 0
        template = HeaderTemplate(
            TelemetryRecordedV1,
            source=self.source,
            time=received_at,
            extensions=current_trace_headers(),
        )
        request_id = uuid.uuid4().hex
        received = _dumps(received_at.isoformat())
        n = 0
        try:
            async with asyncio.timeout(self.timeout):  # not wait_for: no task per request
                producer = await self.producer.get()
            futures = []
            send = producer.send
            topic = self.topic
            for device, reports in batches:
                key = str(device.id)
                key_bytes = key.encode()
                prefix = device_prefix(device)
                for report in reports:
                    n += 1
                    value = encode_body(prefix, report, received)
                    headers = template.headers(f"{request_id}-{n}", subject=key)
                    futures.append(await send(topic, value=value, key=key_bytes, headers=headers))
            async with asyncio.timeout(self.timeout):
                await asyncio.gather(*futures)
        except (TimeoutError, OSError, ConnectionError) as exc:
            raise Problem(
                503,
                "telemetry.unavailable",
                "The telemetry stream did not confirm the readings; send them again",
                zh="设备数据未能确认保存，请重新上报",
            ) from exc
        except Exception as exc:  # aiokafka errors: the readings are not confirmed
            if isinstance(exc, Problem):
                raise
            await self.producer.abandon()
            raise Problem(
                503,
                "telemetry.unavailable",
                "The telemetry stream did not confirm the readings; send them again",
                zh="设备数据未能确认保存，请重新上报",
            ) from exc
        return len(futures)


_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def encode_body(prefix: str, report: Report, received_json: str) -> bytes:
    """The JSON of :func:`event_data` from the device's prefix (:func:`device_prefix`)."""
    return (
        f'{prefix},"ts":{_dumps(report.ts.isoformat())},'
        f'"values":{_dumps(report.values)},"received_at":{received_json}}}'
    ).encode()


def device_prefix(device: DeviceRef) -> str:
    """``{"device_id":...,"room_id":...`` of :func:`event_data`, without the closing brace."""
    whole = _dumps(
        {
            "device_id": str(device.id),
            "device_type": device.device_type,
            "community_id": device.community_id,
            "building_id": device.building_id,
            "unit_id": device.unit_id,
            "room_id": device.room_id,
        }
    )
    return whole[:-1]
