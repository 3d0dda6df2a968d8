"""Who is told about emergencies in a flat, from identity's placements: the household
living there hears of a button pressed in its flat even when nobody there is in the
special-population register; a registered person's emergency escalates by the plan's
later stages until someone acknowledges."""

from __future__ import annotations

import uuid
from typing import Any

from alarm_helpers import Devices, Harness, wait_for
from sc_core.auth import Grant

REQUESTED = "community.notification.requested.v1"


async def requests_for(h: Harness, alarm_id: str) -> dict[str, dict[str, Any]]:
    events = await h.published(h.settings.topic("notification.requests.v1"), REQUESTED)
    return {e["request_id"]: e for e in events if e.get("correlation_id") == alarm_id}


async def emergency_of(h: Harness, community: str, device: str) -> dict[str, Any]:
    async def found() -> list[dict[str, Any]]:
        return [
            a
            for a in await h.alarms(community, alarm_type="emergency")
            if a["originator_id"] == device
        ]

    return dict((await wait_for(found))[0])


async def two_grids(h: Harness, devices: Devices) -> tuple[str, str, str]:
    """A grid with one building and another grid with another, as identity places them:
    (the first grid, its building, the other grid's building)."""
    grid, other_grid = f"g-{uuid.uuid4().hex[:6]}", f"g-{uuid.uuid4().hex[:6]}"
    mine, theirs = f"b-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    await devices.household_placed(f"h-{uuid.uuid4().hex[:6]}", mine, "u-1", "r-101", grid)
    await devices.household_placed(f"h-{uuid.uuid4().hex[:6]}", theirs, "u-1", "r-102",
                                   other_grid)  # fmt: skip

    async def projected() -> bool:
        rows = await h.sql(
            "SELECT count(*) FROM building_grids WHERE building_id IN (:a, :b)", a=mine, b=theirs
        )
        return int(rows[0][0]) == 2

    await wait_for(projected)
    return grid, mine, theirs


async def test_a_button_in_a_flat_reaches_the_household_living_there(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    household, room = f"h-{uuid.uuid4().hex[:6]}", f"r-{uuid.uuid4().hex[:6]}"
    await devices.household_placed(household, "b-7", "u-7-1", room, grid_id="g-7")
    # another household, moved out of the same room: it is not told
    await devices.household_placed(f"h-old-{uuid.uuid4().hex[:4]}", "b-7", "u-7-1", room,
                                   status="dissolved")  # fmt: skip
    plan = {
        "community_id": community,
        "name": "everything",
        "stages": [{"after_s": 0, "user_ids": ["u-plan-person"]}],
    }
    r = await h.client.post("/api/v1/notification-plans", json=plan, headers=h.staff(community))
    assert r.status_code == 201, r.text

    async def projected() -> bool:
        rows = await h.sql("SELECT count(*) FROM household_places WHERE room_id = :r", r=room)
        return int(rows[0][0]) == 2

    await wait_for(projected)
    button = f"btn-{uuid.uuid4().hex[:6]}"
    await devices.reading(button, "emergency_button", {"pressed": True},
                          building_id="b-7", unit_id="u-7-1", room_id=room)  # fmt: skip
    alarm = await emergency_of(h, community, button)
    sent = await wait_for(lambda: requests_for(h, alarm["id"]))
    recipients = sent[f"alarm:{alarm['id']}:raised"]["recipients"]
    assert recipients["user_ids"] == ["u-plan-person"]  # the plan, as before
    assert recipients["household_ids"] == [household]  # and the family at home

    # a button in no flat (a corridor) still goes by the plan alone
    corridor = f"btn-{uuid.uuid4().hex[:6]}"
    await devices.reading(corridor, "emergency_button", {"pressed": True}, building_id="b-7")
    other = await emergency_of(h, community, corridor)
    sent = await wait_for(lambda: requests_for(h, other["id"]))
    assert sent[f"alarm:{other['id']}:raised"]["recipients"]["household_ids"] == []


async def test_a_special_person_emergency_escalates_until_acknowledged(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    plan = {
        "community_id": community,
        "name": "emergencies",
        "alarm_types": ["emergency"],
        "stages": [
            {"after_s": 0, "user_ids": ["u-plan-first"]},
            {"after_s": 1, "user_ids": ["u-second"]},
            # far enough after stage 1 that the acknowledgement below lands before it is due
            # even on a loaded machine (at 3 s, a busy CI machine acked after it was due)
            {"after_s": 20, "user_ids": ["u-third"]},
        ],
    }
    r = await h.client.post("/api/v1/notification-plans", json=plan, headers=h.staff(community))
    assert r.status_code == 201, r.text
    buttons = {}
    for who in ("ignored", "handled"):
        buttons[who] = f"btn-{uuid.uuid4().hex[:6]}"
        person = {
            "community_id": community,
            "building_id": "b-3",
            "room_id": f"r-{who}",
            "person_ref": str(uuid.uuid4()),
            "name": "李爷爷",
            "category": "elderly_alone",
            "responsible_user_ids": [f"u-son-{who}"],
            "notify_household_ids": [],
            "device_ids": [buttons[who]],
        }
        r = await h.client.post("/api/v1/special-persons", json=person, headers=h.staff(community))
        assert r.status_code == 201, r.text
    for button in buttons.values():
        await devices.reading(button, "emergency_button", {"pressed": True})
    ignored = await emergency_of(h, community, buttons["ignored"])
    handled = await emergency_of(h, community, buttons["handled"])

    async def stage(alarm: dict[str, Any], n: int) -> dict[str, dict[str, Any]] | None:
        found = await requests_for(h, alarm["id"])
        return found if f"alarm:{alarm['id']}:escalation:{n}" in found else None

    # stage 0 is the person's plan (一人一预案), not the community plan's first stage
    sent = await wait_for(lambda: requests_for(h, handled["id"]))
    assert sent[f"alarm:{handled['id']}:raised"]["recipients"]["user_ids"] == ["u-son-handled"]
    # nobody acknowledges: the plan's next stage is told
    sent = await wait_for(lambda: stage(handled, 1))
    assert sent[f"alarm:{handled['id']}:escalation:1"]["recipients"]["user_ids"] == ["u-second"]
    r = await h.client.post(
        f"/api/v1/alarms/{handled['id']}/ack",
        headers=h.staff(community, "property_staff", sub="u-second"),
    )
    assert r.status_code == 200, r.text
    # the other one goes on to stage 2; the acknowledged one stops where it was
    sent = await wait_for(lambda: stage(ignored, 2), timeout=120)
    assert sent[f"alarm:{ignored['id']}:escalation:2"]["recipients"]["user_ids"] == ["u-third"]
    # (and those the person's plan told hear that it was acknowledged)
    assert sorted(await requests_for(h, handled["id"])) == sorted(
        [
            f"alarm:{handled['id']}:raised",
            f"alarm:{handled['id']}:escalation:1",
            f"alarm:{handled['id']}:acknowledged",
        ]
    )


async def test_a_grid_worker_keeps_the_register_of_their_grid(
    harness: Harness, community: str, devices: Devices
) -> None:
    """网格员: a grant on a grid covers the buildings identity places in that grid."""
    h = harness
    grid, mine, theirs = await two_grids(h, devices)
    worker = h.issuer.bearer("u-grid-1", grants=[Grant("grid_worker", "grid", grid)])

    def person(building: str) -> dict[str, Any]:
        return {
            "community_id": community,
            "building_id": building,
            "room_id": "r-101",
            "person_ref": str(uuid.uuid4()),
            "name": "赵奶奶",
            "category": "elderly_alone",
            "responsible_user_ids": ["u-grid-1"],
        }

    r = await h.client.post("/api/v1/special-persons", json=person(mine), headers=worker)
    assert r.status_code == 201, r.text
    registered = r.json()["id"]
    r = await h.client.post("/api/v1/special-persons", json=person(theirs), headers=worker)
    assert r.status_code == 403 and r.json()["code"] == "auth.out_of_scope"
    # another grid's person, registered by the community admin, stays out of sight
    r = await h.client.post(
        "/api/v1/special-persons", json=person(theirs), headers=h.staff(community)
    )
    assert r.status_code == 201
    r = await h.client.get("/api/v1/special-persons", headers=worker)
    assert r.status_code == 200
    assert [p["id"] for p in r.json()["items"]] == [registered]
    r = await h.client.get(f"/api/v1/special-persons/{registered}", headers=worker)
    assert r.status_code == 200 and r.json()["building_id"] == mine
    key_place = {
        "community_id": community,
        "building_id": mine,
        "name": "小餐馆",
        "kind": "nine_small",
        "lat": 31.2,
        "lng": 121.5,
    }
    r = await h.client.post("/api/v1/key-places", json=key_place, headers=worker)
    assert r.status_code == 201, r.text


async def test_a_grid_worker_sees_and_handles_the_alarms_of_their_grid_only(
    harness: Harness, community: str, devices: Devices
) -> None:
    """网格员: alarms in the buildings of their grid are listed, readable and
    acknowledgeable; another grid's alarm looks absent and cannot be touched."""
    h = harness
    grid, mine, theirs = await two_grids(h, devices)
    staff = h.staff(community)
    raised = {}
    for building in (mine, theirs):
        r = await h.client.post(
            "/api/v1/alarms",
            json={
                "community_id": community,
                "building_id": building,
                "alarm_type": "smoke",
                "title": "烟雾",
            },
            headers=staff,
        )
        assert r.status_code == 201, r.text
        raised[building] = r.json()["id"]
    worker = h.issuer.bearer("u-grid-2", grants=[Grant("grid_worker", "grid", grid)])

    r = await h.client.get("/api/v1/alarms", headers=worker)
    assert r.status_code == 200
    assert [a["id"] for a in r.json()["items"]] == [raised[mine]]
    assert r.json()["total"] == 1
    r = await h.client.get(f"/api/v1/alarms/{raised[mine]}", headers=worker)
    assert r.status_code == 200 and r.json()["building_id"] == mine
    r = await h.client.post(f"/api/v1/alarms/{raised[mine]}/ack", headers=worker)
    assert r.status_code == 200 and r.json()["status"] == "active_ack"

    r = await h.client.get(f"/api/v1/alarms/{raised[theirs]}", headers=worker)
    assert r.status_code == 404 and r.json()["code"] == "alarm.not_found"
    r = await h.client.post(f"/api/v1/alarms/{raised[theirs]}/ack", headers=worker)
    assert r.status_code == 404
    # a manual alarm: in their grid yes, elsewhere not as staff
    flood = {"community_id": community, "alarm_type": "flood", "title": "水浸"}
    r = await h.client.post("/api/v1/alarms", json={**flood, "building_id": mine}, headers=worker)
    assert r.status_code == 201, r.text
    r = await h.client.post("/api/v1/alarms", json={**flood, "building_id": theirs}, headers=worker)
    assert r.status_code == 403


async def test_a_smoke_alarm_in_a_flat_carries_the_household_and_reaches_it_at_once(
    harness: Harness, community: str, devices: Devices
) -> None:
    """A detector placed in a room raises an alarm that carries the household living
    there (from identity's placements); the household and the staff on duty are told
    at once, and the household's residents see it in their alarm list."""
    h = harness
    household, room = f"h-{uuid.uuid4().hex[:6]}", f"r-{uuid.uuid4().hex[:6]}"
    await devices.household_placed(household, "b-8", "u-8-1", room, grid_id="g-8")

    async def projected() -> bool:
        rows = await h.sql("SELECT count(*) FROM household_places WHERE room_id = :r", r=room)
        return int(rows[0][0]) == 1

    await wait_for(projected)
    await h.rule(
        community,
        name="smoke",
        alarm_type="smoke",
        severity="critical",
        kind="threshold",
        device_type="smoke_detector",
        conditions=[{"key": "smokeDetected", "op": "equals", "value": True}],
        actions=["notify"],
    )
    r = await h.client.post(
        "/api/v1/duty-roster",
        json={
            "community_id": community,
            "user_id": "u-on-duty",
            "role": "property_staff",
            "starts_at": "2020-01-01T00:00:00Z",
            "ends_at": "2099-01-01T00:00:00Z",
        },
        headers=h.staff(community),
    )
    assert r.status_code == 201, r.text
    detector = f"smoke-{uuid.uuid4().hex[:6]}"
    await devices.reading(detector, "smoke_detector", {"smokeDetected": True},
                          building_id="b-8", unit_id="u-8-1", room_id=room)  # fmt: skip

    async def found() -> list[dict[str, Any]]:
        return [
            a
            for a in await h.alarms(community, alarm_type="smoke")
            if a["originator_id"] == detector
        ]

    [alarm] = await wait_for(found)
    assert (alarm["household_id"], alarm["room_id"], alarm["unit_id"], alarm["building_id"]) == (
        household,
        room,
        "u-8-1",
        "b-8",
    )
    sent = await wait_for(lambda: requests_for(h, alarm["id"]))
    recipients = sent[f"alarm:{alarm['id']}:raised"]["recipients"]
    assert recipients["household_ids"] == [household]
    assert "u-on-duty" in recipients["user_ids"]
    # the residents of that household see it; another household's do not
    mine = await h.client.get("/api/v1/alarms", headers=h.resident(household))
    assert mine.status_code == 200 and [a["id"] for a in mine.json()["items"]] == [alarm["id"]]
    theirs = await h.client.get("/api/v1/alarms", headers=h.resident(f"{household}-next-door"))
    assert theirs.status_code == 200 and theirs.json()["items"] == []


async def test_the_family_a_plan_tells_follows_the_alarm(
    harness: Harness, community: str, devices: Devices
) -> None:
    """一人一预案: the son's household the plan notifies reads the alarm and its timeline,
    hears when it is assigned, acknowledged and cleared, and acknowledges it because the
    plan lets the family answer; a household the plan does not name sees nothing, and a
    plan that does not let the family answer refuses their acknowledgement."""
    h = harness
    sons, strangers = f"h-son-{uuid.uuid4().hex[:6]}", f"h-other-{uuid.uuid4().hex[:6]}"
    buttons = {}
    for who, may in (("answers", True), ("silent", False)):
        buttons[who] = f"btn-{uuid.uuid4().hex[:6]}"
        person = {
            "community_id": community,
            "building_id": "b-5",
            "room_id": f"r-{who}-{uuid.uuid4().hex[:4]}",
            "person_ref": str(uuid.uuid4()),
            "name": "王奶奶",
            "category": "elderly_alone",
            "notify_household_ids": [sons],
            "family_may_acknowledge": may,
            "device_ids": [buttons[who]],
        }
        r = await h.client.post("/api/v1/special-persons", json=person, headers=h.staff(community))
        assert r.status_code == 201, r.text
        assert r.json()["family_may_acknowledge"] is may
    # both people in the register before either button is pressed: the evaluator reads the
    # register once per LOOKUP_CACHE_S, so a person added just after a press could be
    # missed by the next press's evaluation (the register reaches evaluation within that)
    for device in buttons.values():
        await devices.reading(device, "emergency_button", {"pressed": True})
    alarm = await emergency_of(h, community, buttons["answers"])
    silent = await emergency_of(h, community, buttons["silent"])
    son = h.issuer.bearer("u-son", grants=[Grant("family", "household", sons)])
    stranger = h.issuer.bearer("u-stranger", grants=[Grant("resident", "household", strangers)])

    sent = await wait_for(lambda: requests_for(h, alarm["id"]))
    assert sent[f"alarm:{alarm['id']}:raised"]["recipients"]["household_ids"] == [sons]
    # the son reads it and its timeline, and lists it; a stranger does not
    r = await h.client.get(f"/api/v1/alarms/{alarm['id']}", headers=son)
    assert r.status_code == 200, r.text
    assert [step["action"] for step in r.json()["history"]][:1] == ["raised"]
    listed = (await h.client.get("/api/v1/alarms", headers=son)).json()["items"]
    assert {a["id"] for a in listed} == {alarm["id"], silent["id"]}
    r = await h.client.get(f"/api/v1/alarms/{alarm['id']}", headers=stranger)
    assert r.status_code == 404
    assert (await h.client.get("/api/v1/alarms", headers=stranger)).json()["items"] == []

    # assigned by staff: the family hears of it
    await h.granted("u-staff-9", "property_staff", "community", community, community)
    r = await h.client.post(
        f"/api/v1/alarms/{alarm['id']}/assign",
        json={"assignee_id": "u-staff-9"},
        headers=h.staff(community, "property_staff"),
    )
    assert r.status_code == 200, r.text
    # the family answers where the plan lets them, not elsewhere
    r = await h.client.post(f"/api/v1/alarms/{silent['id']}/ack", headers=son)
    assert r.status_code == 403 and r.json()["code"] == "alarm.staff_only"
    r = await h.client.post(f"/api/v1/alarms/{alarm['id']}/ack", headers=stranger)
    assert r.status_code == 404
    r = await h.client.post(f"/api/v1/alarms/{alarm['id']}/ack", headers=son)
    assert r.status_code == 200 and r.json()["status"] == "active_ack", r.text
    r = await h.client.post(
        f"/api/v1/alarms/{alarm['id']}/clear", headers=h.staff(community, "property_staff")
    )
    assert r.status_code == 200, r.text

    async def told() -> dict[str, dict[str, Any]] | None:
        found = await requests_for(h, alarm["id"])
        steps = {k.split(":")[2]: v for k, v in found.items()}
        return steps if {"assigned", "acknowledged", "cleared"} <= set(steps) else None

    steps = await wait_for(told)
    for step in ("assigned", "acknowledged", "cleared"):
        assert steps[step]["template"] == f"alarm.{step}"
        assert steps[step]["recipients"]["household_ids"] == [sons]


async def test_a_follower_reads_the_alarm_without_the_household_it_happened_in(
    harness: Harness, community: str, devices: Devices
) -> None:
    """An elder's button in her flat: the alarm carries her household (identity's
    placements) and her plan tells her son's household, which follows it; the son reads
    the alarm and its flat, never which household it is (ADR 0033: a resident's answers
    name no other household; the role matrix found it when it ran beside the safety
    tests); she and the staff of the place read it whole."""
    h = harness
    hers, sons = f"h-her-{uuid.uuid4().hex[:6]}", f"h-son-{uuid.uuid4().hex[:6]}"
    room, button = f"r-{uuid.uuid4().hex[:6]}", f"btn-{uuid.uuid4().hex[:6]}"
    await devices.household_placed(hers, "b-9", "u-9-1", room, grid_id="g-9")

    async def projected() -> bool:
        rows = await h.sql("SELECT count(*) FROM household_places WHERE room_id = :r", r=room)
        return int(rows[0][0]) == 1

    await wait_for(projected)
    person = {
        "community_id": community,
        "building_id": "b-9",
        "room_id": room,
        "person_ref": str(uuid.uuid4()),
        "name": "李奶奶",
        "category": "elderly_alone",
        "notify_household_ids": [sons],
        "device_ids": [button],
    }
    r = await h.client.post("/api/v1/special-persons", json=person, headers=h.staff(community))
    assert r.status_code == 201, r.text
    await devices.reading(button, "emergency_button", {"pressed": True},
                          building_id="b-9", unit_id="u-9-1", room_id=room)  # fmt: skip
    alarm = await emergency_of(h, community, button)
    assert alarm["household_id"] == hers  # the staff's read (h.alarms) names it

    son = h.issuer.bearer("u-son-9", grants=[Grant("family", "household", sons)])
    r = await h.client.get(f"/api/v1/alarms/{alarm['id']}", headers=son)
    assert r.status_code == 200, r.text
    assert (r.json()["household_id"], r.json()["room_id"]) == (None, room)
    listed = (await h.client.get("/api/v1/alarms", headers=son)).json()["items"]
    assert [(a["id"], a["household_id"]) for a in listed] == [(alarm["id"], None)]
    own = await h.client.get(f"/api/v1/alarms/{alarm['id']}", headers=h.resident(hers))
    assert own.status_code == 200 and own.json()["household_id"] == hers, own.text
