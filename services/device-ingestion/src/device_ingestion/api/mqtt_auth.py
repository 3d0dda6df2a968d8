"""MQTT broker authentication hook (EMQX HTTP authentication), cluster-internal.

EMQX posts ``{"username": ..., "password": ..., "clientid": ...}``; a device's username is
its access token. The answer allows it and names its device id in ``client_attrs``, which
the listener's mountpoint ``devices/${client_attrs.device_id}/`` uses. The service's own
client (``MQTT_SERVICE_USERNAME`` / ``MQTT_SERVICE_PASSWORD``) is allowed unmounted. Not in
the OpenAPI document, so the gateway never routes it.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from device_ingestion.api.deps import UseCasesDep

router = APIRouter(include_in_schema=False)


class MqttAuth(BaseModel):
    username: str | None = None
    password: str | None = None
    clientid: str | None = None


@router.post("/internal/mqtt/auth")
async def mqtt_auth(body: MqttAuth, uc: UseCasesDep) -> dict[str, Any]:
    s = uc.settings
    if body.username == s.mqtt_service_username:
        # the service logs in to an external broker only (MQTT_URL): without one its
        # password is not a secret anybody set (production refuses it only with MQTT_URL)
        ok = bool(s.mqtt_url) and hmac.compare_digest(body.password or "", s.mqtt_service_password)
        return {"result": "allow", "is_superuser": True} if ok else {"result": "deny"}
    if not body.username or len(body.username) > 128:
        return {"result": "deny"}
    device = await uc.directory.by_token(body.username)
    if device is None:
        return {"result": "deny"}
    return {"result": "allow", "is_superuser": False, "client_attrs": {"device_id": str(device.id)}}
