"""The signing key ring: list and rotate (platform admins)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from identity.api.deps import PlatformAdmin, SigningKeysDep
from identity.auth.keys import SigningKey
from identity.auth.keystore import KeyStore
from identity.auth.schemas import KeyRead, RotateRequest

router = APIRouter(tags=["auth"])


def _read(key: SigningKey, store: KeyStore, signing: SigningKey | None, now: datetime) -> KeyRead:
    return KeyRead(
        kid=key.kid,
        source="config" if store.from_config else "database",
        activates_at=key.activates_at,
        publish_until=key.publish_until,
        signing=signing is not None and signing.kid == key.kid,
        published=key.is_published(now),
    )


@router.get("/api/v1/auth/keys", summary="The signing keys (public data only)")
async def list_keys(_: PlatformAdmin, keys: SigningKeysDep) -> list[KeyRead]:
    ring, current, now = await keys.ring()
    return [_read(k, keys.store, current, now) for k in ring]


@router.post("/api/v1/auth/keys/rotate", status_code=201, summary="Add a new signing key")
async def rotate_keys(
    who: PlatformAdmin, keys: SigningKeysDep, body: RotateRequest | None = None
) -> KeyRead:
    key = await keys.rotate(who, body.activate_in_seconds if body else None)
    _ring, current, now = await keys.ring()
    return _read(key, keys.store, current, now)
