"""The migration matches the models, and seeds every template."""

from __future__ import annotations

from notif_helpers import Harness
from notification.db.models import metadata
from notification.domain.templates import SEED
from sc_core.db.migrate import model_drift


async def test_migrations_match_models(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []


async def test_templates_seeded_and_admin_editable(harness: Harness) -> None:
    admin = harness.platform_admin()
    r = await harness.client.get(
        "/api/v1/notification-templates", params={"limit": 100}, headers=admin
    )
    assert r.status_code == 200
    assert r.json()["total"] == sum(len(v) for v in SEED.values())
    r = await harness.client.put(
        "/api/v1/notification-templates/parking.reminder/en",
        json={"title": "Parking {plate}", "body": "Your car {plate} is due"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    r = await harness.client.put(
        "/api/v1/notification-templates/parking.reminder/en",
        json={"title": "Parking {plate", "body": "x"},
        headers=admin,
    )
    assert r.status_code == 422
    manager = harness.bearer("m", harness_grant("property_manager"))
    r = await harness.client.put(
        "/api/v1/notification-templates/parking.reminder/en",
        json={"title": "t", "body": "b"},
        headers=manager,
    )
    assert r.status_code == 403


def harness_grant(role: str) -> object:
    from sc_core.auth import Grant

    return Grant(role, "community", "c-1")
