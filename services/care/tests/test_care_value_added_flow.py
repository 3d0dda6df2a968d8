"""Value-added services (增值服务): the community's caregiver publishes post-operative
care with its price (recorded, never charged); the elder's daughter books it for her
mother, the staff are told; only staff confirm it and mark it done, each step told to the
daughter and the elder in words; she rates it once; strangers see neither the offers of
another community nor anyone's bookings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from care_helpers import Harness, read_events

from sc_contracts.events import NotificationRequestedV1


async def test_a_service_booked_done_and_rated_once(harness: Harness, community: str) -> None:
    h = harness
    pid = f"v-{community}"
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "张桂兰", "birth_date": "1942-11-20", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    elder, daughter = h.user(f"u-{pid}"), h.user(f"u-daughter-{pid}")
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/grants",
        json={"grantee": f"u-daughter-{pid}", "relation": "family", "categories": ["profile"]},
        headers=elder,
    )
    assert r.status_code == 201, r.text
    caregiver = h.user("u-care", role="caregiver", scope=("community", community))
    stranger = h.user("u-x", role="caregiver", scope=("community", f"{community}-x"))

    offer = {"community_id": community, "kind": "post_op_care", "provider": "康宁护理服务中心",
             "title": "术后上门换药", "price_fen": 8000, "price_unit": "per_visit"}  # fmt: skip
    r = await h.client.post("/api/v1/care/service-offers", json=offer, headers=daughter)
    assert r.status_code == 403 and r.json()["code"] == "auth.out_of_scope"
    r = await h.client.post("/api/v1/care/service-offers", json={**offer, "price_fen": -1},
                            headers=caregiver)  # fmt: skip
    assert r.status_code == 422
    r = await h.client.post("/api/v1/care/service-offers", json=offer, headers=caregiver)
    assert r.status_code == 201, r.text
    published = r.json()
    assert (published["price_zh"], published["price_en"]) == ("¥80.00/次", "¥80.00 per visit")
    assert published["kind_zh"] == "术后护理"
    r = await h.client.get(f"/api/v1/care/service-offers?community_id={community}",
                           headers=caregiver)  # fmt: skip
    assert [o["id"] for o in r.json()["items"]] == [published["id"]]
    r = await h.client.get(f"/api/v1/care/service-offers?community_id={community}",
                           headers=stranger)  # fmt: skip
    assert r.status_code == 403

    at = datetime.now(UTC) + timedelta(days=2)
    book = f"/api/v1/care/service-offers/{published['id']}/orders"
    r = await h.client.post(book, json={"person_id": pid, "at": at.isoformat()}, headers=stranger)
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    r = await h.client.post(book, json={"person_id": pid, "at": past}, headers=daughter)
    assert r.status_code == 422 and r.json()["code"] == "care.service_when"
    assert r.json()["messages"]["zh-CN"] == "预约时间须在现在到90天之内。"
    r = await h.client.post(book, json={"person_id": pid, "at": at.isoformat(),
                                        "note": "左膝术后第10天"}, headers=daughter)  # fmt: skip
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "booked" and order["status_zh"] == "已预约"
    assert order["price_fen"] == 8000 and order["person_name"] == "张桂兰"

    one = f"/api/v1/care/service-orders/{order['id']}"
    r = await h.client.post(f"{one}/rating", json={"rating": 5}, headers=daughter)
    assert r.status_code == 409 and r.json()["code"] == "care.order_not_done"
    r = await h.client.post(f"{one}/confirm", headers=daughter)
    assert r.status_code == 403 and r.json()["code"] == "care.service_staff_only"
    r = await h.client.post(f"{one}/confirm", headers=stranger)
    assert r.status_code == 404
    r = await h.client.post(f"{one}/done", headers=caregiver)
    assert r.status_code == 409 and r.json()["code"] == "care.order_transition"
    for action, status in (("confirm", "confirmed"), ("done", "done")):
        r = await h.client.post(f"{one}/{action}", headers=caregiver)
        assert r.status_code == 200 and r.json()["status"] == status, r.text

    # rated once, by who booked it: two ratings at once, one stands
    first, second = await asyncio.gather(
        h.client.post(f"{one}/rating", json={"rating": 4, "comment": "护士很细心"},
                      headers=daughter),
        h.client.post(f"{one}/rating", json={"rating": 1}, headers=elder),
    )  # fmt: skip
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    won = first if first.status_code == 200 else second
    r = await h.client.get("/api/v1/care/service-orders", headers=daughter)
    [mine] = r.json()["items"]
    assert mine["status"] == "rated" and mine["rating"] == won.json()["rating"]
    assert mine["status_zh"] == "已评价"
    r = await h.client.get("/api/v1/care/service-orders", headers=caregiver)
    assert [o["id"] for o in r.json()["items"]] == [order["id"]]
    for other in (stranger, h.user("u-nobody")):
        r = await h.client.get("/api/v1/care/service-orders", headers=other)
        assert r.status_code == 200 and r.json()["items"] == []
    r = await h.client.post(f"{one}/cancel", headers=daughter)
    assert r.status_code == 409 and r.json()["code"] == "care.order_transition"

    # the staff told of the booking; the daughter and the elder of each step, in words
    steps = ("booked", "confirmed", "done")
    wanted = {f"care:service:{order['id']}:{s}" for s in steps}
    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: wanted <= {e.data["request_id"] for e in ev}, settle=2.0,
    )  # fmt: skip
    told = {e.data["request_id"]: e.data for e in found if e.data["request_id"] in wanted}
    booked = told[f"care:service:{order['id']}:booked"]
    assert booked["template"] == "care.service.booked"
    assert {x["role"] for x in booked["recipients"]["roles_in_scope"]} == {
        "caregiver",
        "community_admin",
    }
    assert booked["variables"]["service"] == "术后上门换药"
    assert booked["variables"]["person"] == "张桂兰"
    done = told[f"care:service:{order['id']}:done"]
    assert done["template"] == "care.service.done"
    assert done["recipients"]["user_ids"] == [f"u-daughter-{pid}", f"u-{pid}"]
    assert done["variables"]["provider"] == "康宁护理服务中心"
    assert len([e for e in found if e.data["request_id"] in wanted]) == 3
