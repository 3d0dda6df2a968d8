"""CAP 1.2 warnings (6.2.2) on PostgreSQL and Kafka: the city platform's client posts a
typhoon warning; the elder in a building inside its polygon and the elder in the district
its geocode names are told once in plain words (the daughter too), the elder outside and
a young neighbour are not; the area no machine can place is listed for staff; the same
alert again changes nothing; its Cancel marks it cancelled and tells the same elders it
is lifted; Test and Exercise alerts reach no resident; an Exercise tells the staff of
each community it reaches, marked as an exercise."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from care_cap_samples import cancel, cap_time, typhoon
from care_helpers import Harness, eventually, read_events, send_model

from sc_contracts.events import HouseholdChangedV1, NotificationRequestedV1, Placement
from sc_core.auth import Grant

CAP = {"Content-Type": "application/cap+xml"}


async def _home(h: Harness, community: str, building: str, lat: float | None,
                lng: float | None, code: str) -> str:  # fmt: skip
    hh = f"h-{building}"
    placement = Placement(
        community_id=community, building_id=building, unit_id=f"u-{building}",
        room_id=f"r-{building}", community_name="海滨社区", building_name=f"{building[-1]}号楼",
        unit_name="1单元", room_number="101", building_lat=lat, building_lng=lng,
        community_division_code=code,
    )  # fmt: skip
    event = HouseholdChangedV1(
        aggregate_id=hh, household_id=hh, change="created", placement=placement,
        member_count=1, status="active", changed_by="u-admin", changed_at=datetime.now(UTC),
    )  # fmt: skip
    await send_model(h.settings.kafka_bootstrap_servers, h.topic(HouseholdChangedV1.topic),
                     event, hh)  # fmt: skip
    return hh


async def _person(h: Harness, community: str, hh: str, pid: str, born: str) -> None:
    async def opened() -> bool:
        r = await h.client.post(
            "/api/v1/care/people",
            json={"name": "陈桂兰", "birth_date": born, "gender": "female", "household_id": hh,
                  "person_id": pid, "user_id": f"u-{pid}"},
            headers=h.doctor(community),
        )  # fmt: skip
        return r.status_code == 201  # once the place directory knows the household

    assert await eventually(opened)


async def test_a_typhoon_warning_reaches_the_elders_inside(harness: Harness) -> None:
    h = harness
    tag = uuid.uuid4().hex[:8]
    nanshan, futian = f"c-ns-{tag}", f"c-ft-{tag}"
    inside = await _home(h, nanshan, f"b-{tag}-1", 22.53, 113.93, "440305")
    outside = await _home(h, nanshan, f"b-{tag}-2", 22.70, 114.20, "440305")
    district = await _home(h, futian, f"b-{tag}-3", None, None, "440304")
    old_in, young_in, old_out, old_ft = (f"p-{tag}-{n}" for n in ("in", "young", "out", "ft"))
    await _person(h, nanshan, inside, old_in, "1941-05-12")
    await _person(h, nanshan, inside, young_in, "1990-03-01")
    await _person(h, nanshan, outside, old_out, "1938-10-01")
    await _person(h, futian, district, old_ft, "1950-01-20")
    r = await h.client.post(
        f"/api/v1/care/people/{old_in}/grants",
        json={"grantee": f"u-daughter-{tag}", "relation": "family", "categories": ["vitals"],
              "notify": True},
        headers=h.user(f"u-{old_in}"),
    )  # fmt: skip
    assert r.status_code == 201, r.text

    city = h.issuer.bearer(
        f"svc-city-{tag}", grants=[Grant("integrator", "community", nanshan),
                                   Grant("integrator", "community", futian)],
    )  # fmt: skip
    sent = datetime.now(UTC)
    document = typhoon(f"SZ-TY-{tag}", sent=sent)
    r = await h.client.post("/api/v1/care/warnings", content=document.encode(),
                            headers={**city, **CAP})  # fmt: skip
    assert r.status_code == 201, r.text
    w = r.json()
    assert (w["state"], w["audience"], w["title"], w["title_en"]) == (
        "active", "residents", "台风橙色预警", "Typhoon: orange warning",
    )  # fmt: skip
    assert w["state_text"] == "生效中" and w["audience_text"] == "已推送给辖区老人"
    places = {p["building_id"]: p for p in w["places"]}
    assert sorted(places) == [f"b-{tag}-1", f"b-{tag}-3"]
    assert places[f"b-{tag}-1"]["name"] == "海滨社区 1号楼"
    assert w["untargeted_areas"] == ["深圳湾沿岸低洼地带"]
    assert sorted(t["person_id"] for t in w["told"]) == sorted([old_in, old_ft])
    assert {t["name"] for t in w["told"]} == {"陈**"}
    assert "老人请留在室内" in w["body"] and "Elders should stay indoors" in w["body_en"]

    topic = h.topic(NotificationRequestedV1.topic)
    prefix = f"care:warning:{w['id']}:"
    found = await read_events(
        h.settings.kafka_bootstrap_servers, topic,
        lambda ev: sum(e.data["request_id"].startswith(prefix) for e in ev) >= 2,
    )  # fmt: skip
    told = {e.data["request_id"]: e.data for e in found if e.data["request_id"].startswith(prefix)}
    assert set(told) == {prefix + old_in, prefix + old_ft}
    mine = told[prefix + old_in]
    assert mine["template"] == "care.warning" and mine["severity"] == "urgent"
    assert mine["recipients"]["user_ids"] == [f"u-{old_in}", f"u-daughter-{tag}"]
    assert mine["variables"]["title_zh"] == "台风橙色预警"
    assert "请注意：老人请留在室内" in mine["variables"]["body_zh"]
    assert mine["variables"]["title_en"] == "Typhoon: orange warning"

    # the same alert again: what it became, nobody told twice
    r = await h.client.post("/api/v1/care/warnings", content=document.encode(),
                            headers={**city, **CAP})  # fmt: skip
    assert r.status_code == 200 and r.json()["id"] == w["id"]
    r = await h.client.post(
        "/api/v1/care/warnings",
        content=document.replace("10级以上大风", "12级以上大风").encode(),
        headers={**city, **CAP},
    )  # fmt: skip
    assert r.status_code == 409 and r.json()["code"] == "care.warning_changed"
    assert r.json()["messages"]["zh-CN"] == "该发送方已用此标识发布过内容不同的预警"

    # staff of the community read it; another community's do not
    admin = h.user(f"u-admin-{tag}", "community_admin", ("community", nanshan))
    r = await h.client.get("/api/v1/care/warnings", headers=admin)
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [w["id"]]
    stranger = h.user(f"u-admin-x-{tag}", "community_admin", ("community", f"c-x-{tag}"))
    r = await h.client.get("/api/v1/care/warnings", headers=stranger)
    assert r.status_code == 200 and r.json()["items"] == []
    r = await h.client.get(f"/api/v1/care/warnings/{w['id']}", headers=stranger)
    assert r.status_code == 404 and r.json()["code"] == "care.warning_not_found"

    # the Cancel: marked cancelled, the same elders told it is lifted
    r = await h.client.post(
        "/api/v1/care/warnings",
        content=cancel(f"SZ-TY-{tag}-C", f"SZ-TY-{tag}", cap_time(sent)).encode(),
        headers={**city, **CAP},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["msg_type_text"] == "解除" and c["title"] == "台风预警已解除"
    assert sorted(t["person_id"] for t in c["told"]) == sorted([old_in, old_ft])
    r = await h.client.get(f"/api/v1/care/warnings/{w['id']}", headers=admin)
    assert r.json()["state"] == "cancelled" and r.json()["changed_by"] == c["id"]
    assert r.json()["state_text"] == "已解除"
    lifted = f"care:warning:{c['id']}:"
    found = await read_events(
        h.settings.kafka_bootstrap_servers, topic,
        lambda ev: sum(e.data["request_id"].startswith(lifted) for e in ev) >= 2,
    )  # fmt: skip
    words = [e.data["variables"] for e in found if e.data["request_id"].startswith(lifted)]
    assert len(words) == 2 and words[0]["title_zh"] == "台风预警已解除"
    assert words[0]["body_zh"] == "深圳市气象台已解除台风预警。"
    assert len([e for e in found if e.data["request_id"].startswith(prefix)]) == 2

    # a Test and an Exercise are kept, and reach no resident
    kept = {}
    for status, heard in (("Test", "none"), ("Exercise", "staff")):
        r = await h.client.post(
            "/api/v1/care/warnings",
            content=typhoon(f"SZ-TY-{tag}-{status}", status=status).encode(),
            headers={**city, **CAP},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        assert r.json()["audience"] == heard and r.json()["told"] == []
        assert sorted(p["building_id"] for p in r.json()["places"]) == sorted(places)
        kept[status] = r.json()
    assert kept["Exercise"]["audience_text"] == "演练：仅工作人员可见"

    # the Exercise tells each reached community's staff, marked as an exercise; no elder
    drill = f"care:warning:{kept['Exercise']['id']}:"
    found = await read_events(
        h.settings.kafka_bootstrap_servers, topic,
        lambda ev: sum(e.data["request_id"].startswith(drill) for e in ev) >= 2,
    )  # fmt: skip
    staff = {e.data["request_id"]: e.data for e in found if e.data["request_id"].startswith(drill)}
    assert set(staff) == {f"{drill}staff:{nanshan}", f"{drill}staff:{futian}"}
    ns = staff[f"{drill}staff:{nanshan}"]
    assert ns["template"] == "care.warning.exercise" and ns["community_id"] == nanshan
    assert ns["recipients"]["user_ids"] == [] and ns["recipients"]["household_ids"] == []
    assert {(x["role"], x["scope_id"]) for x in ns["recipients"]["roles_in_scope"]} == {
        (role, nanshan) for role in ("community_admin", "grid_worker", "doctor", "caregiver")
    }
    assert ns["variables"]["count"] == "1"  # the elder inside; not the young one
    assert ns["variables"]["title_zh"] == "台风橙色预警"
    test_id = kept["Test"]["id"]
    assert not [e for e in found if e.data["request_id"].startswith(f"care:warning:{test_id}")]
