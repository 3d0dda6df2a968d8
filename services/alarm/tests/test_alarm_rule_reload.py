"""Another evaluator replica sees every change to the rules at its periodic reload, which
reads only the newest stamp of the rules when nothing changed (ADR 0066: counting the live
rules every 5 s read all of them)."""

from __future__ import annotations

from typing import Any

from alarm.engine.index import RuleIndex
from alarm_helpers import Harness


async def test_a_second_replica_follows_create_edit_disable_and_delete(
    harness: Harness, community: str
) -> None:
    h = harness
    other = RuleIndex()  # a second process's rules, reloaded only by its periodic tick
    await other.reload(h.db)
    assert await other.reload(h.db, force=False) is False  # nothing changed: nothing read

    body: dict[str, Any] = {
        "name": "温度过高",
        "alarm_type": "overheat",
        "severity": "major",
        "kind": "threshold",
        "device_type": "environment_sensor",
        "conditions": [{"key": "temperature", "op": "above", "value": 40}],
    }
    rule = await h.rule(community, **body)
    assert await other.reload(h.db, force=False) is True
    assert any(str(r.id) == rule["id"] for r in other.by_id.values())
    assert await other.reload(h.db, force=False) is False

    admin = h.staff(community)
    url = f"/api/v1/alarm-rules/{rule['id']}"
    body["conditions"] = [{"key": "temperature", "op": "above", "value": 45}]
    r = await h.client.put(url, json=body, headers=admin)
    assert r.status_code == 200, r.text
    assert await other.reload(h.db, force=False) is True
    edited = next(r for r in other.by_id.values() if str(r.id) == rule["id"])
    assert edited.version == 2

    r = await h.client.put(url, json={**body, "enabled": False}, headers=admin)
    assert r.status_code == 200, r.text
    assert await other.reload(h.db, force=False) is True
    assert all(str(r.id) != rule["id"] for r in other.by_id.values())

    r = await h.client.put(url, json={**body, "enabled": True}, headers=admin)
    assert r.status_code == 200, r.text
    assert await other.reload(h.db, force=False) is True
    assert any(str(r.id) == rule["id"] for r in other.by_id.values())

    r = await h.client.delete(url, headers=admin)
    assert r.status_code in (200, 204), r.text
    assert await other.reload(h.db, force=False) is True
    assert all(str(r.id) != rule["id"] for r in other.by_id.values())
