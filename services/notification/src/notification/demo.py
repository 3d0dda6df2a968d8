"""Demo data for ``make run``: contacts and preferences of the demo accounts.

``python -m notification.demo`` (run by ``make run`` after identity's demo) logs in as the
demo accounts through the gateway (``GATEWAY_URL``, password ``demo-pass-2026`` or
``DEMO_PASSWORD``), reads ``/api/v1/me`` for their ids and grants, and stores:

- their grants in the recipients projection (identity's demo writes its accounts without
  grant events, so the projection learns them here; later grant events add to it);
- a fake phone (138-0000-00xx), locale zh-CN and, for residents, quiet hours 22:00-07:00;
- speakers and e-screens of the demo community as broadcast endpoints, when
  device-ingestion has any (``GET /api/v1/devices``; skipped otherwise).

Running it again changes nothing (existing rows are kept). It refuses production.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.dialects.postgresql import insert

from notification.config import Settings
from notification.db.models import broadcast_endpoint, grant_projection, metadata, preference
from sc_core.db import Database, platform_tables
from sc_core.privacy import configure_cipher

DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password
ROLES = (
    "resident",
    "family",
    "tenant",
    "property_staff",
    "property_manager",
    "grid_worker",
    "community_admin",
    "police",
)
RESIDENT_ROLES = frozenset({"resident", "family", "tenant"})
DEVICE_TYPES = ("voice_speaker", "e_screen")


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any] | None:
    try:
        r = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        if r.status_code != 200:
            print(f"notification demo: cannot log in as {username} ({r.status_code})")
            return None
        token = r.json()["access_token"]
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        print(f"notification demo: gateway unreachable ({type(exc).__name__})")
        return None
    if me.status_code != 200:
        return None
    return {"token": token, **me.json()}


def community_of(account: dict[str, Any], fallback: str | None) -> str | None:
    for grant in account.get("grants", []):
        if grant["scope_type"] == "community":
            return str(grant["scope_id"])
    for household in account.get("households", []):
        if household.get("community_id"):
            return str(household["community_id"])
    return fallback


async def store(db: Database, accounts: dict[str, dict[str, Any]], devices: list[Any]) -> int:
    """Insert what is missing; returns how many rows were added."""
    added = 0
    community = next(
        (c for a in accounts.values() if (c := community_of(a, None)) is not None), None
    )
    now = datetime.now(UTC)
    async with db.uow() as uow:
        for n, (role, account) in enumerate(sorted(accounts.items()), start=1):
            for grant in account.get("grants", []):
                key = f"{account['id']}:{grant['role']}:{grant['scope_type']}:{grant['scope_id']}"
                result = await uow.session.execute(
                    insert(grant_projection)
                    .values(
                        grant_id=f"demo:{uuid.uuid5(uuid.NAMESPACE_URL, key)}",
                        account_id=account["id"],
                        role=grant["role"],
                        scope_type=grant["scope_type"],
                        scope_id=str(grant["scope_id"]),
                        community_id=None
                        if grant["scope_type"] == "platform"
                        else community_of(account, community),
                        changed_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["grant_id"])
                )
                added += result.rowcount or 0
            quiet = role in RESIDENT_ROLES
            result = await uow.session.execute(
                insert(preference)
                .values(
                    user_id=account["id"],
                    locale="zh-CN",
                    phone=f"138-0000-{n:04d}",
                    quiet_start="22:00" if quiet else None,
                    quiet_end="07:00" if quiet else None,
                    updated_by="demo",
                )
                .on_conflict_do_nothing(index_elements=["user_id"])
            )
            added += result.rowcount or 0
        for device in devices:
            result = await uow.session.execute(
                insert(broadcast_endpoint)
                .values(
                    id=uuid.uuid4(),
                    device_id=str(device["id"]),
                    device_type=device["device_type"],
                    name=str(device.get("label") or device.get("name") or device["id"])[:200],
                    community_id=str(device["community_id"]),
                    building_id=device.get("building_id"),
                    created_by="demo",
                )
                .on_conflict_do_nothing(index_elements=["device_id"])
            )
            added += result.rowcount or 0
        await uow.commit()
    return added


async def speakers_and_screens(client: httpx.AsyncClient, admin: dict[str, Any]) -> list[Any]:
    found: list[Any] = []
    headers = {"Authorization": f"Bearer {admin['token']}"}
    for device_type in DEVICE_TYPES:
        try:
            r = await client.get(
                "/api/v1/devices",
                params={"device_type": device_type, "limit": 100},
                headers=headers,
            )
        except httpx.HTTPError:
            return []
        if r.status_code != 200:
            continue
        found += [d for d in r.json().get("items", []) if d.get("device_type") == device_type]
    return found


async def main() -> int:
    settings = Settings()
    if settings.environment == "production":
        print("notification.demo: refusing to load demo data in production", file=sys.stderr)
        return 1
    gateway = os.environ.get("GATEWAY_URL")
    if not gateway:
        print("notification demo: GATEWAY_URL not set; nothing to do")
        return 0
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    configure_cipher(settings)
    async with httpx.AsyncClient(base_url=gateway, timeout=15) as client:
        accounts: dict[str, dict[str, Any]] = {}
        for role in ROLES:
            account = await login(client, role, password)
            if account is not None:
                accounts[role] = account
        admin = accounts.get("community_admin")
        devices = await speakers_and_screens(client, admin) if admin else []
    if not accounts:
        print("notification demo: no demo account could log in; skipped")
        return 0
    db = Database(settings.database_url, platform_tables(metadata), pool_size=1)
    try:
        added = await store(db, accounts, devices)
    finally:
        await db.dispose()
    print(
        f"notification demo: {len(accounts)} accounts, {len(devices)} speakers/screens; "
        + (f"{added} rows added" if added else "already loaded")
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
