"""Visitors, doors and passages: QR passes, door-open commands, tracing a person."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from identity_kit import IdentityKit, consume_until

from sc_core.bus import CloudEvent


def later(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def test_a_visitor_pass_opens_the_gate_and_the_hosts_building_only(kit: IdentityKit) -> None:
    created = await kit.as_(
        "resident",
        "POST",
        "/api/v1/visitor-passes",
        json={
            "household_id": str(kit.ids["household1-1-101"]),
            "visitor_name": "赵客",
            "visitor_phone": "13700001234",
            "valid_until": later(3),
            "max_uses": 2,
        },
    )
    assert created.status_code == 201, created.text
    qr = created.json()["qr_payload"]
    assert created.json()["status"] == "active" and created.json()["visitor_phone"] == "13700001234"
    checked = (
        await kit.client.post("/api/v1/visitor-passes/verify", json={"qr_payload": qr})
    ).json()
    assert checked["valid"] is True and checked["visitor_name"] == "赵*"  # the gate sees little
    wrong = {"qr_payload": qr, "door_id": str(kit.ids["door:b2"])}
    checked = (await kit.client.post("/api/v1/visitor-passes/verify", json=wrong)).json()
    assert checked == {**checked, "valid": False, "reason": "wrong_door"}
    gate, b2 = kit.ids["door:north-gate"], kit.ids["door:b2"]
    use = {"method": "qr", "qr_payload": qr}
    assert (
        await kit.as_("visitor", "POST", f"/api/v1/doors/{gate}/open", json=use)
    ).status_code == 202
    refused = await kit.as_("visitor", "POST", f"/api/v1/doors/{b2}/open", json=use)
    assert refused.status_code == 403 and refused.json()["code"] == "door.invalid_pass"
    b1 = kit.ids["door:b1"]
    assert (
        await kit.as_("visitor", "POST", f"/api/v1/doors/{b1}/open", json=use)
    ).status_code == 202
    used_up = await kit.as_("visitor", "POST", f"/api/v1/doors/{gate}/open", json=use)
    assert used_up.status_code == 403 and "used_up" in used_up.json()["messages"]["en"]
    assert used_up.json()["detail"] == "访客通行证的可用次数已用完，无法打开此门"  # zh-CN first
    forged = qr[:-6] + ("AAAAAA" if not qr.endswith("AAAAAA") else "BBBBBB")
    checked = (
        await kit.client.post("/api/v1/visitor-passes/verify", json={"qr_payload": forged})
    ).json()
    assert checked["valid"] is False and checked["reason"] == "invalid_signature"
    assert (await kit.as_("visitor", "POST", f"/api/v1/doors/{gate}/open")).status_code == 403


async def test_a_revoked_pass_is_refused(kit: IdentityKit) -> None:
    created = (
        await kit.as_(
            "family",
            "POST",
            "/api/v1/visitor-passes",
            json={
                "household_id": str(kit.ids["household1-1-101"]),
                "visitor_name": "钱客",
                "valid_until": later(1),
            },
        )
    ).json()
    revoke = await kit.as_("resident", "DELETE", f"/api/v1/visitor-passes/{created['id']}")
    assert revoke.status_code == 204
    checked = await kit.client.post(
        "/api/v1/visitor-passes/verify", json={"qr_payload": created["qr_payload"]}
    )
    assert checked.json()["valid"] is False and checked.json()["reason"] == "revoked"
    too_long = await kit.as_(
        "resident",
        "POST",
        "/api/v1/visitor-passes",
        json={
            "household_id": str(kit.ids["household1-1-101"]),
            "visitor_name": "孙客",
            "valid_until": later(24 * 40),
        },
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "pass.too_long"


async def test_a_visitor_without_an_account_opens_the_gate_with_the_pass_alone(
    kit: IdentityKit,
) -> None:
    """The gate's scanner posts the QR and its door; no login. A single-use pass opens once,
    even when two gates scan it at the same moment; a plain check uses nothing."""
    created = await kit.as_(
        "resident",
        "POST",
        "/api/v1/visitor-passes",
        json={
            "household_id": str(kit.ids["household1-1-101"]),
            "visitor_name": "周客",
            "valid_until": later(2),
            "max_uses": 1,
        },
    )
    assert created.status_code == 201, created.text
    qr = created.json()["qr_payload"]
    verify = "/api/v1/visitor-passes/verify"
    for _ in range(2):  # checking without a door uses nothing
        checked = (await kit.client.post(verify, json={"qr_payload": qr})).json()
        assert checked["valid"] is True and checked["uses_left"] == 1
        assert checked["opened"] is None
    at_gate = {"qr_payload": qr, "door_id": str(kit.ids["door:north-gate"])}
    at_b1 = {"qr_payload": qr, "door_id": str(kit.ids["door:b1"])}
    both = await asyncio.gather(
        kit.client.post(verify, json=at_gate, headers={"x-request-id": "req-gate-1"}),
        kit.client.post(verify, json=at_b1, headers={"x-request-id": "req-gate-2"}),
    )
    answers = [r.json() for r in both]
    assert all(r.status_code == 200 for r in both), [r.text for r in both]
    opened = [a for a in answers if a["valid"]]
    refused = [a for a in answers if not a["valid"]]
    assert len(opened) == 1 and len(refused) == 1  # one use, one opening
    assert opened[0]["uses_left"] == 0 and opened[0]["opened"]["method"] == "qr"
    assert refused[0]["reason"] == "used_up" and refused[0]["opened"] is None
    body, _ = await consume_until(
        kit.app.state.settings.kafka_bootstrap_servers,
        "device.commands.v1",
        lambda b, h: b.get("command_id") == opened[0]["opened"]["command_id"],
    )
    assert body["command"] == "open_door"
    assert body["requested_by"] == f"visitor_pass:{created.json()['id']}"
    # the visitor has no account: the record names no one but keeps the request
    records = await kit.audit_actions()
    record = next(r for r in records if r["detail"].get("command_id") == body["command_id"])
    assert record["action"] == "door.open" and record["outcome"] == "success"
    assert record["actor_type"] == "anonymous" and record["actor_id"] is None
    assert record["request_id"] in ("req-gate-1", "req-gate-2")
    assert record["source_ip"] is not None
    again = (await kit.client.post(verify, json=at_gate)).json()
    assert again["valid"] is False and again["reason"] == "used_up"
    pass_now = await kit.as_("resident", "GET", f"/api/v1/visitor-passes/{created.json()['id']}")
    assert pass_now.json()["uses"] == 1 and pass_now.json()["status"] == "used_up"


async def test_opening_a_door_sends_a_command_to_its_device(kit: IdentityKit) -> None:
    door = kit.ids["door:b1"]
    opened = await kit.as_("resident", "POST", f"/api/v1/doors/{door}/open", json={"method": "app"})
    assert opened.status_code == 202, opened.text
    command_id = opened.json()["command_id"]
    body, headers = await consume_until(
        kit.app.state.settings.kafka_bootstrap_servers,
        "device.commands.v1",
        lambda b, h: b.get("command_id") == command_id,
    )
    assert headers["ce_type"] == "community.device.command_requested.v1"
    assert body["command"] == "open_door" and body["device_id"] == "demo-door-b1"
    assert body["params"]["door_id"] == str(door) and body["requested_by_service"] == "identity"
    ttl = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["requested_at"])
    assert ttl == timedelta(seconds=30)
    refused = await kit.as_("resident", "POST", f"/api/v1/doors/{kit.ids['door:b2']}/open")
    assert refused.status_code == 403 and refused.json()["code"] == "door.not_allowed"
    denied = [r for r in await kit.audit_actions() if r["action"] == "door.open"]
    assert [r["outcome"] for r in denied][-2:] == ["success", "denied"]


async def send_passages(bootstrap: str, passages: list[dict[str, object]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for data in passages:
            event = CloudEvent.create(
                "community.access.passage_recorded.v1", "/services/device-ingestion", data
            )
            key = str(data["device_id"]).encode()
            await producer.send_and_wait(
                "access.passages.v1", event.body(), key=key, headers=event.headers()
            )
    finally:
        await producer.stop()


async def test_passages_are_stored_and_a_person_is_traced_back(kit: IdentityKit) -> None:
    zw = kit.ids["person:张伟"]
    patched = await kit.as_(
        "community_admin", "PATCH", f"/api/v1/persons/{zw}", json={"face_id": "face-zw-0001"}
    )
    assert patched.status_code == 200
    community, run = str(kit.ids["community"]), uuid.uuid4().hex[:8]
    base = {
        "device_id": f"gate-{run}",
        "door_id": str(kit.ids["door:north-gate"]),
        "community_id": community,
        "direction": "in",
    }
    now = datetime.now(UTC)
    passages = [
        {
            **base,
            "passage_id": f"{run}-1",
            "method": "face",
            "face_id": "face-zw-0001",
            "ts": (now - timedelta(hours=3)).isoformat(),
        },
        {
            **base,
            "passage_id": f"{run}-2",
            "method": "card",
            "person_id": str(zw),
            "direction": "out",
            "ts": (now - timedelta(hours=1)).isoformat(),
        },
        {
            **base,
            "passage_id": f"{run}-3",
            "method": "face",
            "face_id": "face-someone-else",
            "granted": False,  # an unknown face, refused: recorded and traceable too
            "ts": (now - timedelta(hours=2)).isoformat(),
        },
    ]
    await send_passages(kit.app.state.settings.kafka_bootstrap_servers, [*passages, passages[0]])
    window = {"from": (now - timedelta(days=1)).isoformat(), "to": later(1)}
    for _ in range(100):
        everyone = (await kit.as_("police", "GET", "/api/v1/passages", params=window)).json()
        if everyone["total"] >= 3:
            break
        await asyncio.sleep(0.2)
    assert everyone["total"] == 3  # the redelivered passage is stored once
    traced = await kit.as_(
        "police", "GET", "/api/v1/passages", params={"id_number": "110105198001011238"}
    )
    assert [p["id"] for p in traced.json()["items"]] == [f"{run}-2", f"{run}-1"]  # newest first
    by_phone = await kit.as_(
        "community_admin", "GET", "/api/v1/passages", params={"phone": "13800000001"}
    )
    assert by_phone.json()["total"] == 2
    by_face = await kit.as_(
        "police", "GET", "/api/v1/passages", params={"face_id": "face-someone-else"}
    )
    assert [(p["face_id"], p["granted"]) for p in by_face.json()["items"]] == [
        ("face-someone-else", False)
    ]
    assert all(p["granted"] for p in traced.json()["items"])
    too_broad = await kit.as_("police", "GET", "/api/v1/passages")
    assert too_broad.status_code == 422 and too_broad.json()["code"] == "passage.query_too_broad"
    refused = await kit.as_("property_staff", "GET", "/api/v1/passages", params={"face_id": "x"})
    assert refused.status_code == 403
    searches = [r for r in await kit.audit_actions() if r["action"] == "passage.search"]
    outcomes = [(r["actor_roles"], r["outcome"], r["detail"]["by"]) for r in searches]
    assert (["police"], "success", "id_number") in outcomes
    assert (["community_admin"], "success", "phone") in outcomes
    assert outcomes[-1] == (["property_staff"], "denied", "face_id")
