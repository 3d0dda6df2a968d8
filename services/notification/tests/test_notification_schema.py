"""The migration matches the models, and seeds every template."""

from __future__ import annotations

import ast
from pathlib import Path

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
    assert r.json()["total"] == sum(len(v) for v in SEED.values()) + _care_templates()
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


def _care_templates() -> int:
    """Templates the care service's migrations seed (0003, 0008-0010): one per code, locale."""
    versions = Path(__file__).resolve().parents[1] / "src/notification/db/migrations/versions"
    count = 0
    for name in (
        "0003_care_templates.py",
        "0008_care_medicine_templates.py",
        "0009_care_elderly_templates.py",
        "0010_care_exercise_templates.py",
    ):
        tree = ast.parse((versions / name).read_text(encoding="utf-8"))
        seeded = next(
            ast.literal_eval(node.value)
            for node in tree.body
            if isinstance(node, ast.AnnAssign)
            and getattr(node.target, "id", "") == "CARE_TEMPLATES"
        )
        count += sum(len(by_locale) for by_locale in seeded.values())
    return count


def harness_grant(role: str) -> object:
    from sc_core.auth import Grant

    return Grant(role, "community", "c-1")


async def test_demo_store_is_idempotent(harness: Harness) -> None:
    from notification.demo import store

    accounts = {
        "community_admin": {
            "id": "demo-admin",
            "grants": [
                {"role": "community_admin", "scope_type": "community", "scope_id": "c-demo"}
            ],
            "households": [],
        },
        "resident": {
            "id": "demo-resident",
            "grants": [{"role": "resident", "scope_type": "household", "scope_id": "h-demo"}],
            "households": [{"household_id": "h-demo", "community_id": "c-demo"}],
        },
    }
    devices = [{"id": "spk-demo", "device_type": "voice_speaker", "community_id": "c-demo"}]
    assert await store(harness.db, accounts, devices) == 5
    assert await store(harness.db, accounts, devices) == 0
    rows = await harness.sql(
        "SELECT account_id, community_id FROM grant_projection WHERE grant_id LIKE 'demo:%' "
        "ORDER BY account_id"
    )
    assert [tuple(r) for r in rows] == [("demo-admin", "c-demo"), ("demo-resident", "c-demo")]
    prefs = await harness.sql("SELECT quiet_start FROM preference WHERE user_id = 'demo-resident'")
    assert prefs[0].quiet_start == "22:00"


async def test_prune_removes_only_what_is_past_retention(harness: Harness) -> None:
    for age in ("20 days", "1 day"):
        await harness.sql(
            "INSERT INTO alarm_feed (event_id, event_type, alarm_id, alarm_type, severity, "
            "status, community_id, payload, created_at) VALUES (:e, 'raised', 'a', 'smoke', "
            f"'minor', 'active_unack', 'c-prune', '{{}}', now() - interval '{age}')",
            e=f"prune-{age}",
        )
    removed = await harness.usecases.dispatcher.prune()
    assert removed["alarm_feed"] == 1
    left = await harness.sql("SELECT event_id FROM alarm_feed WHERE community_id = 'c-prune'")
    assert [r.event_id for r in left] == ["prune-1 day"]


async def test_a_large_broadcast_is_accepted_in_one_go(harness: Harness) -> None:
    """2,500 recipients: more rows than one INSERT may carry parameters for."""
    admin = harness.platform_admin()
    users = [f"bulk-{n:05d}" for n in range(2500)]
    r = await harness.client.post(
        "/api/v1/notifications",
        json={
            "request_id": "bulk-1",
            "recipients": {"user_ids": users},
            "template": "generic.message",
            "variables": {"title": "Drill at 10:00", "body": "Please join"},
            "channels": ["inapp"],
        },
        headers=admin,
    )
    assert r.status_code == 202, r.text
    assert r.json()["recipient_count"] == 2500
    count = await harness.sql("SELECT count(*) FROM delivery WHERE request_id = 'bulk-1'")
    assert count[0][0] == 2500
    r = await harness.client.get("/api/v1/notifications/bulk-1", headers=admin)
    body = r.json()
    assert len(body["deliveries"]) == 1000
    assert sum(body["summary"].values()) == 2500
