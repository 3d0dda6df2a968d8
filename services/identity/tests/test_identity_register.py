"""The register as each role sees it: object-level scope, masking, audit, history, events."""

from __future__ import annotations

import re

from identity.demo import HOUSEHOLDS
from identity_kit import IdentityKit, consume_until

from sc_core.validators import parse_id_number

ZW_ID, ZW_PHONE = "110105198001011238", "13800000001"  # 张伟, household 1-1-101
MASKED_ID = re.compile(r"^\d{3}\*{11}\d{3}[\dX]$")  # 张小明's ends in X


async def names(kit: IdentityKit, role: str, path: str, **params: str) -> set[str]:
    response = await kit.as_(role, "GET", path, params=params)
    assert response.status_code == 200, response.text
    return {p["name"] for p in response.json()["items"]}


async def test_a_resident_sees_her_household_unmasked_and_no_one_else(kit: IdentityKit) -> None:
    assert await names(kit, "resident", "/api/v1/persons") == {"张伟", "李娜", "张小明"}
    me = (await kit.as_("resident", "GET", f"/api/v1/persons/{kit.ids['person:张伟']}")).json()
    assert me["id_number"] == ZW_ID and me["phone"] == ZW_PHONE
    other = await kit.as_("resident", "GET", f"/api/v1/persons/{kit.ids['person:王芳']}")
    assert other.status_code == 403 and other.json()["code"] == "auth.out_of_scope"
    elsewhere = {"household_id": str(kit.ids["household2-1-101"])}
    assert await names(kit, "resident", "/api/v1/persons", **elsewhere) == set()
    assert await names(kit, "tenant", "/api/v1/persons") == {"王芳"}
    refused = await kit.as_("tenant", "GET", f"/api/v1/persons/{kit.ids['person:张伟']}")
    assert refused.status_code == 403
    households = (await kit.as_("family", "GET", "/api/v1/households")).json()["items"]
    assert [h["name"] for h in households] == ["1-1-101"]


async def test_a_grid_worker_sees_only_her_grid(kit: IdentityKit) -> None:
    buildings = (await kit.as_("grid_worker", "GET", "/api/v1/buildings")).json()["items"]
    assert [b["name"] for b in buildings] == ["1号楼"]
    assert await names(kit, "grid_worker", "/api/v1/persons") == {"张伟", "李娜", "张小明", "刘洋"}
    persons = (await kit.as_("grid_worker", "GET", "/api/v1/persons")).json()["items"]
    assert ZW_ID not in {p["id_number"] for p in persons}  # a list masks them for every role
    one = await kit.as_("grid_worker", "GET", f"/api/v1/persons/{kit.ids['person:张伟']}")
    assert one.json()["id_number"] == ZW_ID  # one person: her grade shows the ID number
    outside = await kit.as_("grid_worker", "GET", f"/api/v1/persons/{kit.ids['person:王芳']}")
    assert outside.status_code == 403
    households = (await kit.as_("grid_worker", "GET", "/api/v1/households")).json()["items"]
    assert {h["name"] for h in households} == {"1-1-101", "1-2-201"}
    body = {"name": "新来的", "relation": "tenant", "id_number": "110105199901010008"}
    mine = {**body, "household_id": str(kit.ids["household1-2-201"])}
    assert (await kit.as_("grid_worker", "POST", "/api/v1/persons", json=mine)).status_code == 201
    theirs = {**body, "household_id": str(kit.ids["household2-2-302"]), "id_number": None}
    response = await kit.as_("grid_worker", "POST", "/api/v1/persons", json=theirs)
    assert response.status_code == 403


async def test_property_staff_never_see_id_numbers_unmasked(kit: IdentityKit) -> None:
    persons = (await kit.as_("property_staff", "GET", "/api/v1/persons")).json()["items"]
    assert len(persons) == 7
    assert all(MASKED_ID.match(p["id_number"]) for p in persons)
    zw = next(p for p in persons if p["name"] == "张伟")  # names and phones: their grade
    assert zw["phone"] != ZW_PHONE and zw["id_number"] == "110***********1238"  # a list
    one = await kit.as_("property_staff", "GET", f"/api/v1/persons/{kit.ids['person:张伟']}")
    assert MASKED_ID.match(one.json()["id_number"]) and one.json()["phone"] == ZW_PHONE
    room = kit.ids["room1-1-101"]
    history = (await kit.as_("property_staff", "GET", f"/api/v1/rooms/{room}/occupants")).json()
    assert history["total"] == 3
    assert all(MASKED_ID.match(o["person"]["id_number"]) for o in history["items"])
    search = await kit.as_("property_staff", "GET", "/api/v1/persons", params={"id_number": ZW_ID})
    assert search.status_code == 403 and search.json()["code"] == "person.search_not_allowed"
    found = await kit.as_("community_admin", "GET", "/api/v1/persons", params={"id_number": ZW_ID})
    assert [p["id_number"] for p in found.json()["items"]] == ["110***********1238"]
    admin = await kit.as_("platform_admin", "GET", f"/api/v1/persons/{kit.ids['person:张伟']}")
    assert admin.json()["name"] == "张*" and admin.json()["phone"] == "138****0001"


async def test_every_unmasked_read_of_sensitive_data_is_audited(kit: IdentityKit) -> None:
    before = len(await kit.audit_actions())
    person = kit.ids["person:张伟"]
    await kit.as_("community_admin", "GET", f"/api/v1/persons/{person}")
    await kit.as_("platform_admin", "GET", f"/api/v1/persons/{person}")  # all masked: no record
    await kit.as_("property_staff", "GET", "/api/v1/persons")  # a list: all masked
    await kit.as_("property_staff", "GET", f"/api/v1/persons/{person}")  # a phone shown
    records = [r for r in (await kit.audit_actions())[before:]]
    assert [(r["action"], r["actor_roles"]) for r in records] == [
        ("person.read_sensitive", ["community_admin"]),
        ("person.read_sensitive", ["property_staff"]),
    ]
    assert records[0]["resource_id"] == str(person)
    assert records[0]["detail"]["fields"] == "id_number,phone"
    assert records[1]["detail"]["fields"] == "phone" and records[1]["detail"]["count"] == "1"


async def test_encrypted_columns_hold_no_plaintext(kit: IdentityKit) -> None:
    rows = await kit.sql("SELECT id_number, phone, id_number_idx FROM persons WHERE name = '张伟'")
    id_number, phone, index = rows[0]
    assert id_number.startswith("v1:") and ZW_ID not in id_number
    assert phone.startswith("v1:") and ZW_PHONE not in phone and ZW_ID not in index
    everything = await kit.sql("SELECT string_agg(t::text, ' ') FROM persons t")
    assert ZW_ID not in everything[0][0] and ZW_PHONE not in everything[0][0]
    seeds = await kit.sql("SELECT seed FROM signing_keys")
    assert seeds and all(s[0].startswith("v1:") for s in seeds)


async def test_moves_build_the_room_history_and_publish_events(kit: IdentityKit) -> None:
    room, old_home, new_home = (
        kit.ids["room1-2-201"],
        kit.ids["household1-2-201"],
        kit.ids["household1-1-101"],
    )
    created = await kit.as_(
        "grid_worker",
        "POST",
        "/api/v1/persons",
        json={
            "name": "周游",
            "household_id": str(old_home),
            "relation": "tenant",
            "moved_in_on": "2024-01-01",
            "phone": "13900002222",
        },
    )
    person = created.json()["id"]
    out = await kit.as_(
        "grid_worker",
        "POST",
        f"/api/v1/persons/{person}/move-out",
        json={"moved_out_on": "2025-06-30"},
    )
    assert out.status_code == 200 and out.json()["residencies"] == []
    moved = await kit.as_(
        "grid_worker",
        "POST",
        f"/api/v1/persons/{person}/move-in",
        json={"household_id": str(new_home), "relation": "family", "moved_in_on": "2025-07-01"},
    )
    assert [r["household_id"] for r in moved.json()["residencies"]] == [str(new_home)]
    history = (await kit.as_("community_admin", "GET", f"/api/v1/rooms/{room}/occupants")).json()
    lines = [
        (o["person"]["name"], o["residency"]["moved_in_on"], o["residency"]["moved_out_on"])
        for o in history["items"]
    ]
    assert ("周游", "2024-01-01", "2025-06-30") in lines and lines[0][0] == "周游"
    stays = (
        await kit.as_("community_admin", "GET", f"/api/v1/persons/{person}/residencies")
    ).json()
    assert [(s["moved_in_on"], s["moved_out_on"]) for s in stays["items"]] == [
        ("2024-01-01", "2025-06-30"),
        ("2025-07-01", None),
    ]
    body, headers = await consume_until(
        kit.app.state.settings.kafka_bootstrap_servers,
        "identity.events.v1",
        lambda b, h: b.get("aggregate_id") == person and h["ce_type"].endswith("ended.v1"),
    )
    assert body["moved_out_on"] == "2025-06-30" and headers["ce_subject"] == person
    # the placement names the flat as people say it (issue 18: texts never show its ids)
    named = {k: v for k, v in body["placement"].items() if "name" in k or k == "room_number"}
    assert {k: v for k, v in named.items() if v is not None} == {
        "community_name": "幸福里社区（演示）",
        "building_name": "1号楼",
        "unit_name": "2单元",
        "room_number": "201",
    }
    # and the room's exclusive area, which an owners' assembly vote counts (art. 278)
    assert body["placement"]["room_area_m2"] == 89.5
    # and the community's GB/T 2260 division, which the exchange datasets carry (issue 25)
    assert body["placement"]["community_division_code"] == "110101"
    types = await kit.outbox_types("identity.events.v1")
    assert types[-7:] == [
        "community.person.registered.v1",
        "community.residency.started.v1",
        "community.household.changed.v1",
        "community.residency.ended.v1",
        "community.household.changed.v1",
        "community.residency.started.v1",
        "community.household.changed.v1",
    ]


async def test_grant_changes_are_checked_audited_and_published(kit: IdentityKit) -> None:
    account = str(kit.ids["account:volunteer"])
    grid2 = str(kit.ids["grid2"])
    body = {"account_id": account, "role": "grid_worker", "scope_type": "grid", "scope_id": grid2}
    granted = await kit.as_("community_admin", "POST", "/api/v1/grants", json=body)
    assert granted.status_code == 201, granted.text
    token = (await kit.login("volunteer")).json()["access_token"]
    me = await kit.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert set(me.json()["roles"]) == {"volunteer", "grid_worker"}
    to_admin = {**body, "role": "platform_admin", "scope_type": "platform", "scope_id": "*"}
    refused = await kit.as_("community_admin", "POST", "/api/v1/grants", json=to_admin)
    assert refused.status_code == 403 and refused.json()["code"] == "grant.role_not_grantable"
    removed = await kit.as_("community_admin", "DELETE", f"/api/v1/grants/{granted.json()['id']}")
    assert removed.status_code == 204
    audits = [r["action"] for r in await kit.audit_actions() if r["action"].startswith("grant.")]
    assert audits[-2:] == ["grant.granted", "grant.revoked"]
    event, _ = await consume_until(
        kit.app.state.settings.kafka_bootstrap_servers,
        "identity.events.v1",
        lambda b, h: b.get("grant_id") == granted.json()["id"] and b.get("change") == "revoked",
    )
    assert event["role"] == "grid_worker" and event["aggregate_id"] == account


async def test_a_resident_registers_herself_and_her_family(kit: IdentityKit) -> None:
    home = str(kit.ids["household1-2-201"])
    created = await kit.as_(
        "community_admin",
        "POST",
        "/api/v1/accounts",
        json={
            "username": "newcomer",
            "display_name": "孙丽",
            "password": "newcomer-pass",
            "grants": [{"role": "resident", "scope_type": "household", "scope_id": home}],
        },
    )
    assert created.status_code == 201, created.text
    me = {
        "name": "孙丽",
        "household_id": home,
        "relation": "owner",
        "is_self": True,
        "id_number": "11010519950505050X",
    }
    response = await kit.as_("newcomer", "POST", "/api/v1/persons", json=me)
    assert response.status_code == 201, response.text
    assert response.json()["id_number"] == "11010519950505050X"  # her own: unmasked
    whoami = (await kit.as_("newcomer", "GET", "/api/v1/me")).json()
    assert whoami["person_id"] == response.json()["id"]
    child = {"name": "孙小宝", "household_id": home, "relation": "family"}
    assert (await kit.as_("newcomer", "POST", "/api/v1/persons", json=child)).status_code == 201
    again = await kit.as_("newcomer", "POST", "/api/v1/persons", json={**me, "id_number": None})
    assert again.status_code == 409 and again.json()["code"] == "person.self_exists"
    other = {**child, "household_id": str(kit.ids["household2-2-302"])}
    assert (await kit.as_("newcomer", "POST", "/api/v1/persons", json=other)).status_code == 403


async def test_text_postgresql_cannot_store_is_a_client_error(kit: IdentityKit) -> None:
    nul = await kit.as_("community_admin", "GET", "/api/v1/accounts", params={"username": "a\x00b"})
    assert nul.status_code == 422 and nul.json()["code"] == "request.invalid_characters"
    body = {"code": "NUL1", "name": "bad\x00name"}
    created = await kit.as_("platform_admin", "POST", "/api/v1/communities", json=body)
    assert created.status_code == 422


async def test_a_resident_reads_the_places_they_live_in_and_me_labels_the_home(
    kit: IdentityKit,
) -> None:
    """What the residents' app shows on its first screen (issue 19 item 1)."""
    me = (await kit.as_("resident", "GET", "/api/v1/me")).json()
    [home] = [h for h in me["households"] if h["household_id"] == str(kit.ids["household1-1-101"])]
    assert home["place_label"] == "幸福里社区（演示） 1号楼1单元101室"
    assert home["address"] == "示范市示范区幸福路1号 1号楼1单元101室"
    assert home["property_name"] == "幸福里物业服务中心"
    assert home["property_phone"] == "010-65551234"
    community = await kit.as_("resident", "GET", f"/api/v1/communities/{home['community_id']}")
    assert community.status_code == 200, community.text
    assert community.json()["name"] == "幸福里社区（演示）"
    assert community.json()["address"] == "示范市示范区幸福路1号"
    assert community.json()["latitude"] == 39.9042
    assert community.json()["property_phone"] == "010-65551234"
    assert community.json()["division_code"] == "110101"  # GB/T 2260: 北京市东城区
    building = (await kit.as_("family", "GET", f"/api/v1/buildings/{home['building_id']}")).json()
    assert building["label"] == "幸福里社区（演示） 1号楼" and building["floors"] == 6
    unit = (await kit.as_("resident", "GET", f"/api/v1/units/{home['unit_id']}")).json()
    assert unit["label"] == "幸福里社区（演示） 1号楼1单元"
    room = (await kit.as_("resident", "GET", f"/api/v1/rooms/{home['room_id']}")).json()
    assert room["label"] == home["place_label"] and room["floor"] == 1
    assert room["longitude"] == building["longitude"]
    # never a neighbour's flat, another building or another unit
    for url in (
        f"/api/v1/rooms/{kit.ids['room1-1-201']}",
        f"/api/v1/buildings/{kit.ids['building2']}",
        f"/api/v1/units/{kit.ids['unit1-2']}",
    ):
        refused = await kit.as_("resident", "GET", url)
        assert refused.status_code == 403 and refused.json()["code"] == "auth.out_of_scope", url
    # the tenant of 2-1-101 reads the community, not building 1
    assert (
        await kit.as_("tenant", "GET", f"/api/v1/communities/{home['community_id']}")
    ).status_code == 200
    assert (
        await kit.as_("tenant", "GET", f"/api/v1/buildings/{home['building_id']}")
    ).status_code == 403


async def test_bad_identifiers_and_floors_are_refused_with_a_code_per_field(
    kit: IdentityKit,
) -> None:
    """Issue 19 item 4: what the issue saw accepted is now a 422 naming field and reason."""
    household = str(kit.ids["household1-1-101"])
    for id_number, code in (
        ("110105199901010007", "id_number.check_digit"),  # the right one ends in 8
        ("110105199902300004", "id_number.birth_date"),  # 30 February
    ):
        body = {"name": "错号", "relation": "family", "household_id": household}
        refused = await kit.as_(
            "community_admin", "POST", "/api/v1/persons", json={**body, "id_number": id_number}
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        [error] = refused.json()["errors"]
        assert error["type"] == code and error["field"].endswith("id_number"), error
    phone = await kit.as_(
        "community_admin", "POST", "/api/v1/persons",
        json={"name": "错号", "relation": "family", "household_id": household, "phone": "12345"},
    )  # fmt: skip
    assert phone.status_code == 422
    assert phone.json()["errors"][0]["type"] == "mobile.format"
    floor9 = await kit.as_(
        "community_admin", "POST", "/api/v1/rooms",
        json={"unit_id": str(kit.ids["unit1-1"]), "floor": 9, "code": "901"},
    )  # fmt: skip
    assert floor9.status_code == 422 and floor9.json()["code"] == "room.floor_out_of_range"
    assert "1 至 6" in floor9.json()["detail"]  # zh-CN first


async def test_a_name_prefix_finds_people_in_scope_only(kit: IdentityKit) -> None:
    """孙 finds 孙丽; a resident's prefix search stays inside her household (issue 19, 4)."""
    assert await names(kit, "resident", "/api/v1/persons", name="张") == {"张伟", "张小明"}
    assert await names(kit, "resident", "/api/v1/persons", name="王") == set()  # the tenant's
    staff_sees = await names(kit, "community_admin", "/api/v1/persons", name="王")
    assert staff_sees and all(n.startswith("王") for n in staff_sees)  # masked as before
    assert await names(kit, "community_admin", "/api/v1/persons", name="%") == set()  # literal


async def test_an_unknown_filter_is_refused_not_ignored(kit: IdentityKit) -> None:
    """Issue 19 item 4: ``rooms?standard_code=`` returned every room; now a 422 names it."""
    refused = await kit.as_(
        "community_admin", "GET", "/api/v1/rooms", params={"standard_code": "1101"}
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "request.unknown_parameter"
    assert problem["parameters"] == ["standard_code"]
    assert problem["detail"].startswith("此列表不支持查询参数 standard_code")
    assert "unit_id" in problem["accepted"]  # the filters it does take are listed
    listed = await kit.as_("community_admin", "GET", "/api/v1/rooms", params={"limit": "2"})
    assert listed.status_code == 200 and len(listed.json()["items"]) == 2


async def test_the_demo_tells_its_story_with_valid_numbers_and_names(kit: IdentityKit) -> None:
    """Issue 19 item 9: demo ID numbers had wrong GB 11643 check characters; staff showed
    their user names (an assignee read "property_staff")."""
    for members in HOUSEHOLDS.values():
        for name, id_number, *_ in members:
            assert parse_id_number(id_number).number == id_number, name
    staff_names = {"property_staff": "王强（物业维修）", "grid_worker": "吴秀英（第1网格网格员）"}
    for role, name in staff_names.items():
        me = (await kit.as_(role, "GET", "/api/v1/me")).json()
        assert me["name"] == name and me["username"] == role
    assert (await kit.as_("resident", "GET", "/api/v1/me")).json()["name"] == "张伟"


async def test_a_building_s_units_and_rooms_come_from_its_floor_plan_in_one_call(
    kit: IdentityKit,
) -> None:
    """Issue 19 item 5: 18 floors × 4 rooms × 3 units in one call, all or nothing."""
    new = {"community_id": str(kit.ids["community"]), "code": "9", "name": "9号楼", "floors": 18}
    building = await kit.as_("community_admin", "POST", "/api/v1/buildings", json=new)
    assert building.status_code == 201, building.text
    url = f"/api/v1/buildings/{building.json()['id']}/floor-plan"
    plan = {"units": ["1", "2", "3"], "rooms_per_floor": 4, "area_m2": 96.5}
    made = await kit.as_("property_manager", "POST", url, json=plan)
    assert made.status_code == 201, made.text
    result = made.json()
    assert (result["units_created"], result["rooms_created"]) == (3, 216)
    assert [u["name"] for u in result["units"]] == ["1单元", "2单元", "3单元"]
    assert result["room_codes"][:5] == ["101", "102", "103", "104", "201"]
    assert result["room_codes"][-1] == "1804"
    unit3 = result["units"][2]["id"]
    rooms = await kit.as_(
        "community_admin", "GET", "/api/v1/rooms", params={"unit_id": unit3, "limit": 100}
    )
    assert rooms.json()["total"] == 72
    top = [r for r in rooms.json()["items"] if r["code"] == "1804"]
    assert top[0]["floor"] == 18 and top[0]["standard_code"] == "DEMO-001-9-3-1804"

    # again, with one more unit: the three taken units refuse the whole plan
    again = await kit.as_("community_admin", "POST", url, json={**plan, "units": ["3", "4"]})
    assert again.status_code == 409 and again.json()["code"] == "floor_plan.rooms_exist"
    assert again.json()["rooms"][0] == "3-101" and "未添加任何房屋" in again.json()["detail"]
    units = await kit.as_(
        "community_admin", "GET", "/api/v1/units", params={"building_id": building.json()["id"]}
    )
    assert [u["code"] for u in units.json()["items"]] == ["1", "2", "3"]  # no unit 4 either

    for bad, code in (
        ({**plan, "numbering": "{floor}"}, "floor_plan.invalid"),  # no {n}: repeated codes
        ({**plan, "numbering": "{floor}{x}"}, "floor_plan.invalid"),
        ({**plan, "units": ["5"], "floor_to": 19}, "room.floor_out_of_range"),
    ):
        refused = await kit.as_("community_admin", "POST", url, json=bad)
        assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
    basement = {"units": ["5"], "rooms_per_floor": 1, "floor_from": -2, "floor_to": -1,
                "numbering": "B{n}{floor}", "usage": "other"}  # fmt: skip
    made = await kit.as_("community_admin", "POST", url, json=basement)
    assert made.status_code == 201 and made.json()["room_codes"] == ["B1-2", "B1-1"]
    refused = await kit.as_("grid_worker", "POST", url, json={**plan, "units": ["6"]})
    assert refused.status_code == 403

    # the house register as the office keeps it: CSV, Chinese headers, values in words
    sheet = await kit.as_("property_staff", "GET", url.replace("floor-plan", "rooms.csv"))
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    text = sheet.content.decode("utf-8")
    assert text.startswith("\ufeff楼栋,单元,楼层,房号,标准编码,建筑面积（㎡）,用途,出租状态")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 216 + 2  # the header, the plan's rooms, the two basements
    assert "9号楼,3单元,18,1804,DEMO-001-9-3-1804,96.5,住宅,空置" in lines
    assert "9号楼,5单元,-2,B1-2,DEMO-001-9-5-B1-2,,其他,空置" in lines
    outsider = await kit.as_("resident", "GET", url.replace("floor-plan", "rooms.csv"))
    assert outsider.status_code == 403


async def test_a_door_registered_with_its_device_tells_device_ingestion(kit: IdentityKit) -> None:
    """Issue 19 item 5: the door names its device once; DoorChangedV1 carries the link so
    device-ingestion gives the device its door (no patch of the device)."""
    body = {
        "community_id": str(kit.ids["community"]),
        "name": "东门",
        "kind": "gate",
        "device_id": "gate-east-7",
    }
    made = await kit.as_("community_admin", "POST", "/api/v1/doors", json=body)
    assert made.status_code == 201, made.text
    door = made.json()["id"]
    event, headers = await consume_until(
        kit.app.state.settings.kafka_bootstrap_servers,
        "identity.events.v1",
        lambda b, h: b.get("door_id") == door,
    )
    assert headers["ce_type"] == "community.door.changed.v1"
    assert (event["change"], event["device_id"]) == ("registered", "gate-east-7")
    assert event["community_id"] == body["community_id"] and event["aggregate_id"] == door
    gone = await kit.as_("community_admin", "DELETE", f"/api/v1/doors/{door}")
    assert gone.status_code == 204
    removed, _ = await consume_until(
        kit.app.state.settings.kafka_bootstrap_servers,
        "identity.events.v1",
        lambda b, h: b.get("door_id") == door and b.get("change") == "removed",
    )
    assert removed["device_id"] == "gate-east-7"


async def test_a_community_s_division_code_follows_gb_t_2260(kit: IdentityKit) -> None:
    """The county code district platforms and the map read (issue 25 item 5)."""
    community = str(kit.ids["community"])
    url = f"/api/v1/communities/{community}"
    for code, reason in (("99010", "division_code.format"), ("990101", "division_code.province")):
        refused = await kit.as_("platform_admin", "PATCH", url, json={"division_code": code})
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert (error["field"], error["type"]) == ("body.division_code", reason)
    changed = await kit.as_("platform_admin", "PATCH", url, json={"division_code": "330106"})
    assert changed.status_code == 200, changed.text
    assert (await kit.as_("resident", "GET", url)).json()["division_code"] == "330106"
