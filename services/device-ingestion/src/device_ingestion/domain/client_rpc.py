"""Client-side RPC: a device calls the platform (ThingsBoard's ``v1/devices/me/rpc/request/
{id}`` over MQTT, ``POST /api/v1/{token}/rpc`` over HTTP) with ``{"method", "params"}``.

ThingsBoard hands such calls to its rule engine; the platform answers the methods devices
in the field call on their own, and says so for any other method instead of leaving the
device waiting:

- ``getCurrentTime``: ``{"time": <epoch ms>}`` (devices without a real-time clock);
- ``getSessionLimits``: what one connection may send (ThingsBoard's method of that name):
  ``{"maxPayloadSize": bytes, "maxInflightMessages": n}``;
- anything else: ``{"error": "unknown method <name>"}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

MAX_PAYLOAD = 64 * 1024
MAX_IN_FLIGHT = 64


class BadCall(ValueError):
    """Not a ThingsBoard RPC call ({"method": str, "params": any})."""


def parse_call(body: Any) -> tuple[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("method"), str):
        raise BadCall('an RPC call is {"method": "<name>", "params": ...}')
    method = body["method"].strip()
    if not method or len(method) > 64:
        raise BadCall("the method is 1 to 64 characters")
    return method, body.get("params")


def answer(method: str, params: Any, now: datetime) -> dict[str, Any]:
    if method == "getCurrentTime":
        return {"time": int(now.timestamp() * 1000)}
    if method == "getSessionLimits":
        return {"maxPayloadSize": MAX_PAYLOAD, "maxInflightMessages": MAX_IN_FLIGHT}
    return {"error": f"unknown method {method}"}
