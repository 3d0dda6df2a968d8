"""One MQTT message of a device, handled the way the HTTP device API handles a request,
with a verdict that decides the MQTT acknowledgement (see ADR 0009).

- ``ACCEPTED``: every good reading is acknowledged by Kafka (attributes: committed in
  PostgreSQL). Rejected readings of the same message are counted and logged; the message
  is acknowledged so that a resend does not repeat what was taken.
- ``INVALID``: nothing in the message can ever be taken (not JSON, no good reading, not an
  edge gateway ...). ThingsBoard's default (``sendAckOnValidationException`` off) is to
  close the session without PUBACK; ``MQTT_ACK_INVALID=true`` acknowledges instead.
- ``UNAVAILABLE``: Kafka (or PostgreSQL) did not confirm: no PUBACK, the session is closed
  and the device sends again when it reconnects.
"""

from __future__ import annotations

import enum
import json
import logging
from typing import Any

from sqlalchemy.exc import DBAPIError

from device_ingestion.domain.readings import MALFORMED, Rejection
from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.ingest.publisher import count
from device_ingestion.usecases.ingest import Ingest
from sc_core.errors import Problem

log = logging.getLogger(__name__)

TELEMETRY = "v1/devices/me/telemetry"
ATTRIBUTES = "v1/devices/me/attributes"
GATEWAY_TELEMETRY = "v1/gateway/telemetry"
#: Device topics whose messages are ingested (the rest, RPC answers, go to the bridge).
INGESTED = frozenset({TELEMETRY, ATTRIBUTES, GATEWAY_TELEMETRY})
MAX_ATTRIBUTES_BYTES = 64 * 1024


class Verdict(enum.Enum):
    ACCEPTED = "accepted"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"


async def handle_device_message(
    ingest: Ingest, device: DeviceRef, topic: str, payload: bytes | bytearray
) -> Verdict:
    """Ingest one message a device published on ``topic`` (without mountpoint)."""
    try:
        body: Any = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        log.info("mqtt: device %s sent a payload that is not JSON on %s", device.id, topic)
        count("mqtt", 0, [Rejection(MALFORMED, "not JSON")])
        return Verdict.INVALID
    try:
        if topic == TELEMETRY:
            outcome = await ingest.telemetry(device, body, "mqtt")
        elif topic == GATEWAY_TELEMETRY:
            if device.device_type != "edge_gateway":
                log.info("mqtt: %s is not an edge gateway; gateway message refused", device.id)
                return Verdict.INVALID
            outcome = await ingest.gateway(device, body, "mqtt")
        elif topic == ATTRIBUTES:
            if not isinstance(body, dict) or not body or len(payload) > MAX_ATTRIBUTES_BYTES:
                return Verdict.INVALID
            await ingest.attributes(device, body)
            return Verdict.ACCEPTED
        else:
            return Verdict.INVALID
    except Problem as problem:
        if problem.status >= 500:
            log.warning("mqtt: %s not confirmed (%s); no PUBACK", device.id, problem.code)
            return Verdict.UNAVAILABLE
        return Verdict.INVALID
    except (OSError, ConnectionError, TimeoutError, DBAPIError) as exc:
        log.warning("mqtt: %s not stored (%s); no PUBACK", device.id, exc)
        return Verdict.UNAVAILABLE
    if outcome.rejections:
        log.info(
            "mqtt: %s: %d reading(s) rejected: %s",
            device.id,
            len(outcome.rejections),
            "; ".join(f"{r.code}: {r.detail}" for r in outcome.rejections[:5]),
        )
    if outcome.accepted == 0 and outcome.rejections:
        return Verdict.INVALID
    return Verdict.ACCEPTED
