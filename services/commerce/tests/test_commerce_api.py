"""commerce through its API, against a real PostgreSQL and Kafka (one app for the module):
merchants registered, verified and read with the phone masked; service points listed
nearest first within the caller's community and booked; recycling drop-offs credited and
the credit statement read; every error problem+json with a stable code in zh-CN and en."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from commerce_helpers import Harness, eventually
from sc_contracts.events import (
    MerchantChangedV1,
    RecyclingDropOffRecordedV1,
    ServiceBookingRequestedV1,
    TelemetryRecordedV1,
)
from sc_core.validators import uscc_check_char

M = "/api/v1/commerce/merchants"
P = "/api/v1/commerce/service-points"


def uscc() -> str:
    """A fresh valid unified social credit code (GB 32100 check character)."""
    body = "91110105" + "".join(str(uuid.uuid4().int % 10**9).zfill(9))
    return body + uscc_check_char(body)


def shop(community: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "community_id": community,
        "name": "幸福里  便民维修店",
        "credit_code": uscc(),
        "licence_no": "JY11105000012345",
        "category": "repair",
        "address": "幸福里社区 3号楼底商 102",
        "opening_hours": [{"days": [1, 2, 3, 4, 5], "opens": "08:00", "closes": "20:00"}],
        "phone": "13812345678",
    }
    body.update(changes)
    return body


def assert_problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code
    if code.startswith("commerce."):
        assert body["messages"]["zh-CN"] == body["detail"] and body["messages"]["en"]
    return body


async def test_a_merchant_registers_is_verified_and_is_seen_masked(
    harness: Harness, community: str
) -> None:
    h = harness
    owner = h.merchant(community, "m-owner")
    # a wrong check character is refused with the validator's code
    bad = shop(community, credit_code="91110000600037341M")
    r = await h.client.post(M, json=bad, headers=owner)
    body = assert_problem(r, 422, "request.validation_failed")
    assert "uscc.check_digit" in str(body)
    assert_problem(
        await h.client.post(M, json=shop(community), headers=h.merchant("c-other", "m-x")),
        403,
        "commerce.not_merchant_here",
    )

    r = await h.client.post(M, json=shop(community), headers=owner)
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["name"] == "幸福里 便民维修店" and m["status"] == "pending"
    assert m["status_label"] == {"zh-CN": "待审核", "en": "Awaiting verification"}
    assert m["category_label"]["zh-CN"] == "家电与房屋维修"
    assert m["opening_hours_text"]["zh-CN"] == "周一至周五 08:00-20:00"
    assert m["phone"] == "13812345678" and not m["phone_masked"]  # the owner's own
    again = shop(community, credit_code=m["credit_code"])
    assert_problem(
        await h.client.post(M, json=again, headers=owner), 409, "commerce.merchant_exists"
    )

    # staff see it masked, reveal it for a purpose (audited), verify it
    staff = h.staff(community)
    r = await h.client.get(f"{M}/{m['id']}", headers=staff)
    assert r.json()["phone"] == "138****5678" and r.json()["phone_masked"]
    r = await h.client.get(f"{M}/{m['id']}", params={"reveal_phone": True}, headers=staff)
    assert r.json()["phone"] == "13812345678"
    listed = await h.client.get(M, params={"status": "pending"}, headers=staff)
    assert m["id"] in [x["id"] for x in listed.json()["items"]]
    assert_problem(
        await h.client.post(f"{M}/{m['id']}/verify", headers=owner), 403, "commerce.not_verifier"
    )
    assert_problem(
        await h.client.post(f"{M}/{m['id']}/verify", headers=h.staff("c-other")),
        404,
        "commerce.merchant_not_found",
    )
    r = await h.client.post(f"{M}/{m['id']}/verify", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "verified"
    assert_problem(
        await h.client.post(f"{M}/{m['id']}/reject", json={"note": "x"}, headers=staff),
        409,
        "commerce.already_reviewed",
    )

    # a resident of the community sees the verified shop, masked; others do not
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    r = await h.client.get(M, headers=h.resident(household))
    [seen] = [x for x in r.json()["items"] if x["id"] == m["id"]]
    assert seen["phone"] == "138****5678"
    r = await h.client.get(M, headers=h.resident("hh-elsewhere"))
    assert m["id"] not in [x["id"] for x in r.json()["items"]]

    # a change of registered facts sends it back to verification; hours alone do not
    hours = {"opening_hours": [{"days": [6, 7], "opens": "09:00", "closes": "18:00"}]}
    r = await h.client.patch(f"{M}/{m['id']}", json=hours, headers=owner)
    assert r.json()["status"] == "verified"
    assert r.json()["opening_hours_text"]["en"] == "Sat-Sun 09:00-18:00"
    r = await h.client.patch(f"{M}/{m['id']}", json={"address": "3号楼底商 104"}, headers=owner)
    assert r.json()["status"] == "pending"
    assert_problem(
        await h.client.patch(f"{M}/{m['id']}", json={"name": "x"}, headers=staff),
        403,
        "commerce.not_owner",
    )
    assert_problem(
        await h.client.post(f"{M}/{m['id']}/reject", json={}, headers=staff),
        422,
        "commerce.reject_reason_required",
    )

    events = await h.read(
        MerchantChangedV1,
        lambda found: sum(e.data["merchant_id"] == m["id"] for e in found) >= 4,
    )
    changes = [e.data["change"] for e in events if e.data["merchant_id"] == m["id"]]
    assert changes == ["registered", "verified", "updated", "updated"]
    assert all("phone" not in e.data for e in events)


async def test_residents_find_nearby_points_and_book_a_repair(
    harness: Harness, community: str
) -> None:
    h = harness
    staff = h.staff(community)
    spots = [
        ("repair_station", "幸福里便民维修站", 39.9090, 116.3975),
        ("recycling_point", "3号楼再生资源回收点", 39.9100, 116.3975),
        ("agency", "幸福里房屋中介", 39.9300, 116.3975),
    ]
    ids = {}
    for kind, name, lat, lng in spots:
        r = await h.client.post(
            P,
            json={
                "community_id": community,
                "kind": kind,
                "name": name,
                "address": "幸福里社区",
                "latitude": lat,
                "longitude": lng,
                "services": ["家电维修", "管道疏通"] if kind == "repair_station" else [],
            },
            headers=staff,
        )
        assert r.status_code == 201, r.text
        ids[kind] = r.json()["id"]
    other = "c-" + uuid.uuid4().hex[:10]
    r = await h.client.post(
        P,
        json={
            "community_id": other,
            "kind": "agency",
            "name": "别处",
            "address": "别处",
            "latitude": 39.9087,
            "longitude": 116.3975,
        },
        headers=h.staff(other),
    )
    assert r.status_code == 201
    assert_problem(
        await h.client.post(
            P,
            json={
                "community_id": community,
                "kind": "agency",
                "name": "x",
                "address": "x",
                "latitude": 1,
                "longitude": 1,
            },
            headers=h.resident("hh-x"),
        ),
        403,
        "commerce.not_point_staff",
    )

    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)
    near = {"lat": 39.9087, "lng": 116.3975, "limit": 2}
    r = await h.client.get(P, params=near, headers=resident)
    page = r.json()
    assert [p["name"] for p in page["items"]] == ["幸福里便民维修站", "3号楼再生资源回收点"]
    assert page["total"] == 3 and page["next_offset"] == 2  # the other community's is not listed
    assert page["items"][0]["distance_label"] == {"zh-CN": "30 米", "en": "30 m"}
    r = await h.client.get(P, params={**near, "radius_m": 500, "kind": "agency"}, headers=resident)
    assert r.json()["items"] == []
    assert_problem(
        await h.client.get(P, params={"lat": 39.9}, headers=resident),
        422,
        "commerce.location_incomplete",
    )

    when = "2026-12-05T14:00:00+08:00"
    r = await h.client.post(
        f"{P}/{ids['repair_station']}/bookings",
        json={"service": "厨房水龙头漏水", "preferred_at": when},
        headers=resident,
    )
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["status_label"]["zh-CN"] == "已预约，等待安排"
    assert_problem(
        await h.client.post(
            f"{P}/{ids['recycling_point']}/bookings",
            json={"service": "x", "preferred_at": when},
            headers=resident,
        ),
        422,
        "commerce.not_bookable",
    )
    for headers in (resident, staff):
        r = await h.client.get("/api/v1/commerce/bookings", headers=headers)
        assert booking["id"] in [b["id"] for b in r.json()["items"]]
    r = await h.client.get("/api/v1/commerce/bookings", headers=h.staff(other))
    assert booking["id"] not in [b["id"] for b in r.json()["items"]]

    events = await h.read(
        ServiceBookingRequestedV1,
        lambda found: any(e.data["booking_id"] == booking["id"] for e in found),
    )
    [event] = [e for e in events if e.data["booking_id"] == booking["id"]]
    assert event.data["household_id"] == household and event.data["building_id"] == "b-7"
    assert event.data["point_kind"] == "repair_station"


async def test_drop_offs_earn_credits_on_a_paged_statement(
    harness: Harness, community: str
) -> None:
    h = harness
    staff = h.staff(community)
    r = await h.client.post(
        P,
        json={
            "community_id": community,
            "kind": "recycling_point",
            "name": "回收点",
            "address": "幸福里社区 东门",
            "latitude": 39.91,
            "longitude": 116.39,
        },
        headers=staff,
    )
    point = r.json()["id"]
    household, elsewhere = f"hh-{uuid.uuid4().hex[:8]}", f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    await h.place(elsewhere, "c-" + uuid.uuid4().hex[:10])

    drop = "/api/v1/commerce/recycling/drop-offs"
    for category, grams in (("paper", 2500), ("plastic", 1000), ("metal", 500)):
        r = await h.client.post(
            drop,
            json={
                "service_point_id": point,
                "household_id": household,
                "category": category,
                "weight_g": grams,
            },
            headers=staff,
        )
        assert r.status_code == 201, r.text
    assert r.json()["credits"] == 10 and r.json()["weight_label"]["zh-CN"] == "0.5 千克"
    assert_problem(
        await h.client.post(
            drop,
            json={
                "service_point_id": point,
                "household_id": elsewhere,
                "category": "paper",
                "weight_g": 100,
            },
            headers=staff,
        ),
        422,
        "commerce.household_elsewhere",
    )
    assert_problem(
        await h.client.post(
            drop,
            json={
                "service_point_id": point,
                "household_id": household,
                "category": "paper",
                "weight_g": 100,
            },
            headers=h.resident(household),
        ),
        404,
        "commerce.point_not_found",
    )

    url = f"/api/v1/commerce/recycling/households/{household}/credits"
    for headers in (h.resident(household), staff):
        r = await h.client.get(url, params={"limit": 2}, headers=headers)
        s = r.json()
        assert (s["balance"], s["total_weight_g"]) == (25 + 15 + 10, 4000)
        assert s["drop_offs"]["total"] == 3 and len(s["drop_offs"]["items"]) == 2
        assert s["drop_offs"]["items"][0]["category_label"] == {"zh-CN": "金属", "en": "Metal"}
    for headers in (h.resident(elsewhere), h.staff("c-other")):
        assert_problem(
            await h.client.get(url, headers=headers), 403, "commerce.statement_forbidden"
        )

    events = await h.read(
        RecyclingDropOffRecordedV1,
        lambda found: sum(e.data["household_id"] == household for e in found) >= 3,
    )
    assert sorted(e.data["credits"] for e in events if e.data["household_id"] == household) == [
        10,
        15,
        25,
    ]


async def test_a_bin_beside_a_recycling_point_shows_its_fill_level_from_telemetry(
    harness: Harness, community: str
) -> None:
    h = harness
    staff = h.staff(community)
    made = {}
    for kind in ("recycling_point", "repair_station"):
        body = {
            "community_id": community,
            "kind": kind,
            "name": f"{kind}",
            "address": "幸福里社区 西门",
            "latitude": 39.905,
            "longitude": 116.40,
        }
        made[kind] = (await h.client.post(P, json=body, headers=staff)).json()["id"]
    point = made["recycling_point"]
    device = f"bin-{uuid.uuid4().hex[:8]}"
    bin_body = {"device_id": device, "label": "可回收物桶"}
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    assert_problem(
        await h.client.post(f"{P}/{point}/bins", json=bin_body, headers=h.resident(household)),
        404,
        "commerce.point_not_found",
    )
    assert_problem(
        await h.client.post(f"{P}/{made['repair_station']}/bins", json=bin_body, headers=staff),
        422,
        "commerce.not_recycling_point",
    )
    r = await h.client.post(f"{P}/{point}/bins", json=bin_body, headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["fill_label"] == {"zh-CN": "暂无读数", "en": "No reading yet"}
    assert_problem(
        await h.client.post(f"{P}/{point}/bins", json=bin_body, headers=staff),
        409,
        "commerce.bin_exists",
    )

    # device-ingestion's readings: the newest counts, an older one arriving late does not
    def reading(level: float, minutes_ago: int) -> TelemetryRecordedV1:
        at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        return TelemetryRecordedV1(
            device_id=device,
            device_type="waste_bin",
            community_id=community,
            ts=at,
            values={"fillingLevel": level, "wasteType": "recyclable"},
            received_at=at,
        )

    await h.send(reading(0.95, 1), key=device)

    async def full() -> dict[str, Any] | None:
        r = await h.client.get(f"{P}/{point}", headers=h.resident(household))
        [b] = r.json()["bins"]
        return b if b["fill_level"] is not None else None

    b = await eventually(full)
    assert b["fill_label"] == {"zh-CN": "95%，已满待清运", "en": "95%, full, awaiting collection"}
    assert b["waste_type_label"]["zh-CN"] == "可回收物" and b["label"] == "可回收物桶"
    # a reading older than the one kept (redelivered, or late) changes nothing
    async with h.app.state.runtime.db.uow() as uow:
        await h.usecases.bins.on_telemetry([reading(0.2, 30)], uow)
        await uow.commit()
    r = await h.client.get(P, params={"kind": "recycling_point"}, headers=staff)
    [p] = [x for x in r.json()["items"] if x["id"] == point]
    assert p["bins"][0]["fill_label"]["zh-CN"] == "95%，已满待清运"
