"""The signing key ring: list and rotate (platform admins)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from identity.api.deps import KeyStoreDep
from identity.auth.keys import SigningKey
from identity.auth.keys import signing_key as choose_signing_key
from identity.auth.keystore import KeyStore
from identity.auth.schemas import KeyRead, RotateRequest
from sc_core.api import AuditorDep, UnitOfWorkDep
from sc_core.auth import Principal, require_roles

router = APIRouter(tags=["auth"])
Admin = Annotated[Principal, Depends(require_roles("platform_admin"))]


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
async def list_keys(_: Admin, keys: KeyStoreDep) -> list[KeyRead]:
    ring, now = await keys.keys(), datetime.now(UTC)
    current = choose_signing_key(ring, now)
    return [_read(k, keys, current, now) for k in ring]


@router.post("/api/v1/auth/keys/rotate", status_code=201, summary="Add a new signing key")
async def rotate_keys(
    admin: Admin,
    keys: KeyStoreDep,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
    body: RotateRequest | None = None,
) -> KeyRead:
    activate_in = body.activate_in_seconds if body else None
    key = await keys.rotate(uow, actor=admin.subject, activate_in=activate_in)
    await auditor.within(
        uow,
        action="auth.keys_rotate",
        resource_type="signing_key",
        resource_id=key.kid,
        principal=admin,
        request=request,
    )
    await uow.commit()
    keys.forget()
    now = datetime.now(UTC)
    return _read(key, keys, choose_signing_key(await keys.keys(), now), now)
