"""Which of a device's attributes a ThingsBoard attribute request asks for.

HTTP ``GET /api/v1/{token}/attributes?clientKeys=a,b&sharedKeys=c`` and MQTT
``v1/devices/me/attributes/request/{id}`` with ``{"clientKeys": "a,b", "sharedKeys": "c"}``
answer ``{"client": {...}, "shared": {...}}``: no keys named at all is every attribute of
both scopes; once keys are named, a scope without keys gives nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def key_set(value: Any) -> set[str] | None:
    """Keys as ThingsBoard devices send them: "a,b" (or a JSON list); None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        keys = {k.strip() for k in value.split(",")}
    elif isinstance(value, list):
        keys = {str(k).strip() for k in value}
    else:
        raise ValueError("keys are a comma-separated string or a list")
    keys.discard("")
    return keys or None


def requested(
    client: Mapping[str, Any],
    shared: Mapping[str, Any],
    client_keys: set[str] | None,
    shared_keys: set[str] | None,
) -> dict[str, dict[str, Any]]:
    if client_keys is None and shared_keys is None:
        return {"client": dict(client), "shared": dict(shared)}
    return {
        "client": {k: v for k, v in client.items() if client_keys and k in client_keys},
        "shared": {k: v for k, v in shared.items() if shared_keys and k in shared_keys},
    }
