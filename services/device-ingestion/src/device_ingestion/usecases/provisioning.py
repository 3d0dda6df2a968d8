"""Provisioning fleets by key and secret (ThingsBoard's device provisioning API): profiles
created by admins in their places (the secret shown once), devices registering
themselves with a profile's key and secret; each write audited."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from device_ingestion.api.schemas import ProfileCreate
from device_ingestion.db.models import provision_profiles
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.ingest.directory import hash_token, new_token
from device_ingestion.usecases.devices import DEVICE_ADMIN, DEVICE_READ, insert_device, place_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, scope_clause
from sc_core.db.engine import Database
from sc_core.errors import Conflict, Problem
from sc_core.places.defaults import community_of_grants


@dataclass(frozen=True)
class _Place:
    community_id: str
    building_id: str | None
    unit_id: None = None
    household_id: None = None


@dataclass(frozen=True)
class Provisioned:
    """ThingsBoard's answer: ``SUCCESS`` with the token, or ``NOT_FOUND``/``FAILURE``."""

    status: str
    token: str | None = None
    error: str | None = None


class Provisioning:
    def __init__(self, db: Database, catalogue: Catalogue) -> None:
        self.db = db
        self.catalogue = catalogue

    async def create_profile(self, who: Caller, body: ProfileCreate) -> tuple[Any, str]:
        """The new profile's row and its secret (shown once). ``community_id`` left out:
        the one community the caller manages devices in (issue 19 item 2)."""
        community_id = community_of_grants(who.principal, body.community_id, roles=DEVICE_ADMIN)
        body = body.model_copy(update={"community_id": community_id})
        place_scope(who.principal, _Place(community_id, body.building_id), DEVICE_ADMIN)
        if self.catalogue.get(body.device_type) is None:
            raise Problem(
                422,
                "device.unknown_type",
                f"No device type {body.device_type!r}",
                zh="没有这种设备类型",
            )
        key, secret = secrets.token_urlsafe(15), secrets.token_urlsafe(30)
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    provision_profiles.insert()
                    .values(**body.model_dump(), key=key, secret_hash=hash_token(secret))
                    .returning(provision_profiles)
                )
            ).one()
            await uow.audit(
                who,
                "provision_profile.create",
                "provision_profile",
                key,
                community_id=community_id,
            )
            await uow.commit()
        return row, secret

    async def profiles(self, who: Caller, paging: PageParams) -> tuple[Any, int]:
        clause = scope_clause(
            who.principal,
            community_col=provision_profiles.c.community_id,
            building_col=provision_profiles.c.building_id,
            roles=DEVICE_READ,
        )
        query = select(provision_profiles).where(clause).order_by(provision_profiles.c.created_at)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging, rows=True)

    async def provision(self, name: str, key: str, secret: str) -> Provisioned:
        """Register a device of a fleet (idempotent neither way: a name is taken once)."""
        async with self.db.uow() as uow:
            profile = (
                await uow.session.execute(
                    select(provision_profiles).where(provision_profiles.c.key == key)
                )
            ).first()
            secret_ok = profile is not None and hmac.compare_digest(
                profile.secret_hash, hash_token(secret)
            )
            if profile is None or not secret_ok or not profile.enabled:
                return Provisioned("NOT_FOUND", error="Unknown provisioning key or secret")
            token = new_token()
            values = {
                "name": name,
                "device_type": profile.device_type,
                "community_id": profile.community_id,
                "building_id": profile.building_id,
                "provisioned_by": profile.key,
            }
            try:
                row = await insert_device(uow, values, token)
            except Conflict:
                return Provisioned("FAILURE", error=f"Device {name!r} already exists")
            await uow.audit(
                None,
                "device.provision",
                "device",
                str(row.id),
                community_id=profile.community_id,
                detail={"profile": profile.key},
            )
            await uow.commit()
        return Provisioned("SUCCESS", token=token)

    async def answer(self, body: Any) -> dict[str, Any]:
        """ThingsBoard's provisioning answer to a request body (HTTP and MQTT alike):
        ``{"status": "SUCCESS", "credentialsType": "ACCESS_TOKEN", "credentialsValue"}``,
        else ``{"status": "NOT_FOUND" | "FAILURE", "errorMsg"}``."""
        fields = ("deviceName", "provisionDeviceKey", "provisionDeviceSecret")
        limits = (128, 64, 128)
        if not isinstance(body, dict) or not all(
            isinstance(body.get(f), str) and 0 < len(body[f]) <= n
            for f, n in zip(fields, limits, strict=True)
        ):
            return {
                "status": "FAILURE",
                "errorMsg": "deviceName, provisionDeviceKey and provisionDeviceSecret are needed",
            }
        done = await self.provision(*(body[f] for f in fields))
        if done.status != "SUCCESS":
            return {"status": done.status, "errorMsg": done.error}
        return {
            "status": "SUCCESS",
            "credentialsType": "ACCESS_TOKEN",
            "credentialsValue": done.token,
        }
