"""Open311 GeoReport v2 (issue 25 item 3): a 12345 hotline files a request by its api_key
(form-encoded), follows it, and sees it closed with the staff's reply once staff resolve
the work order through the normal API; JSON and XML; the spec's error list for a bad key,
a place outside every community or on two communities' edge; a client reads only what
it filed."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import defusedxml.ElementTree as SafeXML
import pytest
from sqlalchemy import text

from sc_core.auth import Anonymous
from sc_core.errors import Problem
from wo_helpers import Harness, read_events
from work_orders.domain.open311 import Spot, Unplaceable, locate
from work_orders.usecases.open311 import GeoReport

V2 = "/open311/v2"
_ORIGINS = itertools.count()


def _origin() -> tuple[float, float]:
    """A point of this test alone, a degree of latitude (111 km) from every other's, near
    the equator (a thousandth of a degree is about 111 m either way)."""
    return float(next(_ORIGINS)), 100.0


async def _place(h: Harness, place_id: str, **body: Any) -> None:
    r = await h.client.put(f"/api/v1/open311-places/{place_id}", headers=h.admin(), json=body)
    assert r.status_code == 200, r.text


async def _community(h: Harness, community: str, lat: float, lon: float) -> str:
    """The community (500 m around its point) and its building b-<community> 100 m north
    of it (60 m), with a standard address code; returns that code."""
    await _place(
        h,
        community,
        community_id=community,
        name="幸福里社区",
        longitude=lon,
        latitude=lat,
        radius_m=500,
        agency="幸福里物业服务中心",
    )
    code = f"1101-{community}"
    await _place(
        h,
        f"b-{community}",
        community_id=community,
        building_id=f"b-{community}",
        name="幸福里社区 3号楼",
        address_code=code,
        longitude=lon,
        latitude=lat + 0.0009,
        radius_m=60,
    )
    return code


async def _client(h: Harness, *communities: str, name: str = "市 12345 热线") -> dict[str, Any]:
    r = await h.client.post(
        "/api/v1/open311-clients",
        headers=h.admin(),
        json={"name": name, "community_ids": list(communities)},
    )
    assert r.status_code == 201, r.text
    issued: dict[str, Any] = r.json()
    assert issued["api_key"].startswith(issued["key_prefix"])
    return issued


async def _file(h: Harness, fmt: str = "json", **form: Any) -> Any:
    return await h.client.post(f"{V2}/requests.{fmt}", data=form)


def _error(r: Any, status: int, code: str) -> None:
    """The spec's error list, with the stable code beside the HTTP status."""
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert body[0]["code"] == status and body[0]["error_code"] == code, body
    assert body[0]["description"]


async def test_a_hotline_files_a_request_and_sees_it_closed_with_the_staffs_reply(
    harness: Harness, community: str
) -> None:
    h = harness
    lat, lon = _origin()
    await _community(h, community, lat, lon)
    hotline = await _client(h, community)
    other = await _client(h, community, name="区网格平台")

    services = await h.client.get(f"{V2}/services.json")
    assert services.status_code == 200, services.text
    by_code = {s["service_code"]: s for s in services.json()}
    assert by_code["repair"]["service_name"] == "报事报修"
    assert by_code["repair"]["metadata"] is True and by_code["repair"]["type"] == "realtime"
    assert by_code["complaint"]["metadata"] is False
    assert "alarm_dispatch" not in by_code  # only what a city may file
    english = await h.client.get(f"{V2}/services.json", params={"locale": "en"})
    assert {s["service_code"]: s["service_name"] for s in english.json()}["repair"] != "报事报修"

    # filed as the spec says: form-encoded, near building b-<community>
    filed = await _file(
        h,
        api_key=hotline["api_key"],
        service_code="repair",
        lat=str(lat + 0.0009),
        long=str(lon + 0.0001),
        description="3号楼2单元楼道灯不亮",
        first_name="小明",
        last_name="王",
        phone="13812345678",
        email="wang@example.com",
        **{"attribute[area]": "common"},
    )
    assert filed.status_code == 201, filed.text
    [answer] = filed.json()
    number, token = answer["service_request_id"], answer["token"]
    assert number.startswith("WO") and answer["service_notice"]

    async def seen(key: str, fmt: str = "json") -> Any:
        return await h.client.get(f"{V2}/requests/{number}.{fmt}", params={"api_key": key})

    r = await seen(hotline["api_key"])
    assert r.status_code == 200, r.text
    [request] = r.json()
    assert request["status"] == "open" and request["service_code"] == "repair"
    assert request["service_name"] == "报事报修"
    assert request["status_notes"] == "已收到，等待受理"
    assert request["agency_responsible"] == "幸福里物业服务中心"
    assert request["address"] == "幸福里社区 3号楼"
    assert request["requested_datetime"].endswith("+08:00")
    assert request["expected_datetime"].endswith("+08:00")
    assert request["lat"] == lat + 0.0009

    # staff find the case in their list, in the building the point fell in, and resolve it
    staff = h.staff(community, sub="staff-311")
    listed = await h.client.get("/api/v1/work-orders", headers=staff)
    [case] = [c for c in listed.json()["items"] if c["number"] == number]
    assert case["community_id"] == community and case["building_id"] == f"b-{community}"
    assert case["case_type"] == "repair" and case["source"] == "open311"
    assert case["details"]["attribute_area"] == "common"
    masked = case["details"]["contact_masked"]
    assert "13812345678" not in masked and "wang@example.com" not in masked
    assert "小明" not in masked and "5678" in masked
    await h.step(case["id"], "accept", staff)
    await h.step(case["id"], "resolve", staff, text="已更换楼道灯泡，恢复照明")

    r = await seen(hotline["api_key"])
    [request] = r.json()
    assert request["status"] == "closed"
    assert request["status_notes"] == "已更换楼道灯泡，恢复照明"
    english = await h.client.get(
        f"{V2}/requests/{number}.json",
        params={"api_key": hotline["api_key"]},
        headers={"Accept-Language": "en"},
    )
    assert english.json()[0]["service_name"] != "报事报修"

    # the same answer in XML, as the spec's examples
    xml = await seen(hotline["api_key"], "xml")
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("text/xml")
    root = SafeXML.fromstring(xml.content)
    assert root.tag == "service_requests"
    item = root.find("request")
    assert item is not None
    assert item.findtext("service_request_id") == number
    assert item.findtext("status") == "closed"
    assert item.findtext("status_notes") == "已更换楼道灯泡，恢复照明"

    # the token, the list, and nobody else's reading
    by_token = await h.client.get(
        f"{V2}/tokens/{token}.json", params={"api_key": hotline["api_key"]}
    )
    assert by_token.json() == [{"service_request_id": number, "token": token}]
    mine = await h.client.get(
        f"{V2}/requests.json", params={"api_key": hotline["api_key"], "status": "closed"}
    )
    assert number in [x["service_request_id"] for x in mine.json()]
    still_open = await h.client.get(
        f"{V2}/requests.json", params={"api_key": hotline["api_key"], "status": "open"}
    )
    assert number not in [x["service_request_id"] for x in still_open.json()]
    _error(await seen(other["api_key"]), 404, "open311.request_not_found")
    theirs = await h.client.get(f"{V2}/requests.json", params={"api_key": other["api_key"]})
    assert theirs.status_code == 200 and theirs.json() == []
    _error(
        await h.client.get(f"{V2}/tokens/{token}.json", params={"api_key": other["api_key"]}),
        404,
        "open311.token_unknown",
    )

    # the contact is encrypted at rest; the client's calls are audited under its name
    async with h.db.uow() as uow:
        stored = (
            await uow.session.execute(
                text("SELECT phone, email, last_name FROM open311_requests WHERE token = :t"),
                {"t": uuid.UUID(token)},
            )
        ).one()
    assert all(v and "13812345678" not in v and "wang@" not in v for v in stored)
    audit = await read_events(
        h.settings.kafka_bootstrap_servers,
        h.audit_topic,
        lambda found: any(
            e.data["resource_id"] == case["id"] and e.data["action"] == "workorder.create"
            for e in found
        ),
    )
    [created] = [
        e.data
        for e in audit
        if e.data["resource_id"] == case["id"] and e.data["action"] == "workorder.create"
    ]
    assert created["actor_id"] == f"open311:{hotline['id']}"
    assert created["actor_type"] == "service"


async def test_a_bad_key_is_403_and_a_place_in_no_community_or_two_is_400(
    harness: Harness, community: str
) -> None:
    h = harness
    lat, lon = _origin()
    await _community(h, community, lat, lon)
    neighbour = f"c-{uuid.uuid4().hex[:10]}"
    # a second community whose reach overlaps the first's eastern edge
    await _place(
        h,
        neighbour,
        community_id=neighbour,
        name="和平里社区",
        longitude=lon + 0.008,
        latitude=lat,
        radius_m=500,
    )
    hotline = await _client(h, community)
    form = {"service_code": "complaint", "description": "夜间施工噪音"}

    _error(
        await _file(h, api_key="o311_nope", lat=str(lat), long=str(lon), **form),
        403,
        "open311.key_invalid",
    )
    _error(await _file(h, lat=str(lat), long=str(lon), **form), 403, "open311.key_invalid")
    refused = await _file(h, "xml", api_key="o311_nope", lat=str(lat), long=str(lon), **form)
    assert refused.status_code == 403
    errors = SafeXML.fromstring(refused.content)
    assert errors.tag == "errors"
    assert errors.findtext("error/code") == "403"
    assert errors.findtext("error/error_code") == "open311.key_invalid"
    listed = await h.client.get(f"{V2}/requests.json", params={"api_key": "wrong"})
    _error(listed, 403, "open311.key_invalid")

    key = hotline["api_key"]
    _error(
        await _file(h, api_key=key, lat=str(lat + 0.5), long=str(lon), **form),
        400,
        "open311.place_unknown",
    )
    _error(
        await _file(h, api_key=key, lat=str(lat), long=str(lon + 0.004), **form),
        400,
        "open311.place_ambiguous",
    )
    _error(await _file(h, api_key=key, **form), 400, "open311.location_required")
    _error(
        await _file(h, api_key=key, lat="north", long=str(lon), **form),
        400,
        "open311.location_invalid",
    )
    _error(
        await _file(h, api_key=key, address_id="0000-none", **form), 400, "open311.address_unknown"
    )
    # the neighbour's community is not this key's
    _error(
        await _file(h, api_key=key, lat=str(lat), long=str(lon + 0.012), **form),
        403,
        "open311.community_forbidden",
    )
    _error(
        await _file(h, api_key=key, lat=str(lat), long=str(lon), service_code="alarm_dispatch"),
        400,
        "open311.service_unknown",
    )
    english = await h.client.post(
        f"{V2}/requests.json",
        data={"api_key": key, "lat": str(lat + 0.5), "long": str(lon), **form},
        headers={"Accept-Language": "en"},
    )
    assert english.json()[0]["description"] == "The location is in no community served here"

    # revoked: refused from then on
    r = await h.client.post(f"/api/v1/open311-clients/{hotline['id']}/revoke", headers=h.admin())
    assert r.status_code == 200 and r.json()["active"] is False
    _error(
        await _file(h, api_key=key, lat=str(lat), long=str(lon), **form), 403, "open311.key_invalid"
    )


async def test_a_hotline_ticket_by_address_code_carries_the_citys_ticket_number(
    harness: Harness, community: str
) -> None:
    h = harness
    lat, lon = _origin()
    code = await _community(h, community, lat, lon)
    key = (await _client(h, community))["api_key"]

    definition = await h.client.get(f"{V2}/services/hotline_ticket.json")
    assert definition.status_code == 200, definition.text
    [attribute] = definition.json()["attributes"]
    assert attribute["code"] == "ticket_no" and attribute["required"] is True
    xml = SafeXML.fromstring((await h.client.get(f"{V2}/services/repair.xml")).content)
    assert xml.tag == "service_definition"
    assert xml.findtext("attributes/attribute/code") == "area"
    assert {v.findtext("key") for v in xml.iterfind("attributes/attribute/values/value")} == {
        "indoor",
        "common",
        "outdoor",
    }
    _error(await h.client.get(f"{V2}/services/nothing.json"), 404, "open311.service_unknown")

    form = {"api_key": key, "service_code": "hotline_ticket", "address_id": code}
    _error(
        await _file(h, description="小区门口占道经营", **form), 400, "open311.attribute_required"
    )
    filed = await _file(
        h,
        "xml",
        description="小区门口占道经营",
        **form,
        **{"attribute[ticket_no]": "2026120400123"},
    )
    assert filed.status_code == 201, filed.text
    number = SafeXML.fromstring(filed.content).findtext("request/service_request_id")
    assert number is not None and number.startswith("WO")

    staff = h.staff(community, sub="grid-311", role="grid_worker")
    listed = await h.client.get("/api/v1/work-orders", headers=staff)
    [case] = [c for c in listed.json()["items"] if c["number"] == number]
    assert case["external_ref"] == "2026120400123"
    assert case["building_id"] == f"b-{community}" and case["priority"] == "high"


async def test_values_past_their_bounds_are_the_specs_400_naming_the_field(
    harness: Harness, community: str
) -> None:
    """Issue 30: the schema states each field's bound; a value past it is refused in the
    spec's error list (never problem+json, never a 500), and a value at it still files."""
    h = harness
    lat, lon = _origin()
    await _community(h, community, lat, lon)
    key = (await _client(h, community))["api_key"]
    form = {"api_key": key, "service_code": "complaint", "lat": str(lat), "long": str(lon)}

    too_long = await _file(h, **form, description="噪" * 4001)
    _error(too_long, 400, "open311.field_invalid")
    assert "4000" in too_long.json()[0]["description"]
    english = await h.client.post(
        f"{V2}/requests.json", data={**form, "description": "x" * 4001}, params={"locale": "en"}
    )
    _error(english, 400, "open311.field_invalid")
    assert english.json()[0]["description"].startswith("description is too long")
    _error(await _file(h, **{**form, "lat": "91"}), 400, "open311.location_invalid")
    _error(await _file(h, **{**form, "long": "east"}), 400, "open311.location_invalid")
    _error(await _file(h, **{**form, "phone": "1" * 33}), 400, "open311.field_invalid")
    one = {k: v for k, v in form.items() if k != "long"}
    _error(await _file(h, **one), 400, "open311.location_invalid")
    refused = await _file(h, "xml", **{**form, "lat": "-90.5"})
    assert refused.status_code == 400, refused.text
    errors = SafeXML.fromstring(refused.content)
    assert errors.findtext("error/error_code") == "open311.location_invalid"

    for params in (
        {"end_date": "9999-12-31"},
        {"start_date": "0001-01-01T00:00:00+08:00"},
    ):
        listed = await h.client.get(f"{V2}/requests.json", params={"api_key": key, **params})
        _error(listed, 400, "open311.date_invalid")
    _error(
        await h.client.get(f"{V2}/requests.json", params={"api_key": key, "status": "o" * 33}),
        400,
        "open311.field_invalid",
    )
    _error(await h.client.get(f"{V2}/services/{'x' * 65}.json"), 400, "open311.field_invalid")
    _error(
        await h.client.get(f"{V2}/tokens/{'t' * 65}.json", params={"api_key": key}),
        400,
        "open311.field_invalid",
    )

    filed = await _file(h, **form, description="噪" * 4000)
    assert filed.status_code == 201, filed.text
    [request] = (
        await h.client.get(
            f"{V2}/requests/{filed.json()[0]['service_request_id']}.json", params={"api_key": key}
        )
    ).json()
    assert request["description"] == "噪" * 4000


async def test_calls_past_the_rate_are_refused_per_key(harness: Harness, community: str) -> None:
    """Counted per key and window in the database (so across replicas)."""
    h = harness
    key = (await _client(h, community))["api_key"]
    geo = h.usecases.georeport
    strict = GeoReport(h.db, geo.places, geo.lifecycle, rate_limit=2, rate_window_s=10**7)
    who = Anonymous("198.51.100.9")
    for _ in range(2):
        assert (await strict.admit(who, key)).client.name == "市 12345 热线"
    with pytest.raises(Problem) as refused:
        await strict.admit(who, key)
    assert refused.value.status == 429 and refused.value.code == "open311.rate_limited"
    assert int(refused.value.headers["Retry-After"]) >= 1


def test_a_point_goes_to_the_nearest_building_in_reach_and_two_communities_are_ambiguous() -> None:
    community = Spot("c-1", "c-1", None, "社区", 116.4, 39.9, 500)
    near = Spot("b-1", "c-1", "b-1", "1号楼", 116.4, 39.9009, 60)
    far = Spot("b-2", "c-1", "b-2", "2号楼", 116.4, 39.9018, 60)
    other = Spot("c-2", "c-2", None, "另一社区", 116.408, 39.9, 500)
    assert locate([community, near, far], 39.9010, 116.4) == near
    assert locate([community, near, far], 39.8990, 116.4) == community
    with pytest.raises(Unplaceable) as ambiguous:
        locate([community, other], 39.9, 116.404)
    assert ambiguous.value.kind == "ambiguous" and ambiguous.value.communities == ["c-1", "c-2"]
    with pytest.raises(Unplaceable) as outside:
        locate([community], 40.5, 116.4)
    assert outside.value.kind == "outside"
