"""Legal services over HTTP on PostgreSQL and Kafka (6.5.4 a, c): the office registers a
community lawyer and publishes consultation slots (free, or with a fee recorded and never
charged); residents of the community see them; two residents booking one slot at once:
exactly one wins (the database's unique index decides), the other is told 409; the winner
cancels, the other books; the lawyer records the outcome and names the mediation case,
whose state comes from work-orders' events; the resident rates once; each step is on
``gov.legal.v1`` without the person. Both sides are told in zh-CN and English (a
cancellation's reason as typed, framed in each language's own words). Legal education
articles are notices of the category ``legal``."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from gov_affairs_helpers import Harness, eventually, register
from sc_contracts.events import (
    LegalBookingChangedV1,
    NotificationRequestedV1,
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderStatus,
)
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent

URL = "/api/v1/legal"


async def test_a_consultation_from_slot_to_rating(harness: Harness, community: str) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": 80.0})
    office = h.staff(community, "legal-office-1", "community_admin")
    lawyer_account = f"acc-lawyer-{uuid.uuid4().hex[:6]}"
    lawyer = h.issuer.bearer(lawyer_account, grants=[])
    wang = h.issuer.bearer("acc-legal-101", grants=[Grant("resident", "household", homes["101"])])
    li = h.issuer.bearer("acc-legal-102", grants=[Grant("resident", "household", homes["102"])])
    outsider = h.issuer.bearer("acc-legal-x", grants=[Grant("resident", "household", "h-nowhere")])

    body = {
        "community_id": community,
        "account_id": lawyer_account,
        "name": "张律师",
        "kind": "lawyer",
        "firm": "北京市幸福律师事务所",
        "specialties": ["neighbours", "family"],
        "intro": "执业十年，擅长邻里纠纷与婚姻家庭。",
    }
    refused = await h.client.post(f"{URL}/lawyers", headers=wang, json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "legal.not_office"
    made = await h.client.post(f"{URL}/lawyers", headers=office, json=body)
    assert made.status_code == 201, made.text
    found = made.json()
    assert found["kind_name"] == {"zh": "社区律师", "en": "community lawyer"}
    again = await h.client.post(f"{URL}/lawyers", headers=office, json=body)
    assert again.status_code == 409 and again.json()["code"] == "legal.lawyer_exists"

    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    slots = [
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=30)).isoformat(),
            "place": "社区党群服务中心 法律服务室",
        },
        {
            "starts_at": (start + timedelta(hours=1)).isoformat(),
            "ends_at": (start + timedelta(hours=1, minutes=30)).isoformat(),
            "mode": "phone",
            "fee_fen": 5000,
        },
    ]
    bad = await h.client.post(
        f"{URL}/lawyers/{found['id']}/slots",
        headers=office,
        json={"slots": [{**slots[0], "fee_fen": -1}]},
    )
    assert bad.status_code == 422
    published = await h.client.post(
        f"{URL}/lawyers/{found['id']}/slots", headers=office, json={"slots": slots}
    )
    assert published.status_code == 201, published.text
    first, second = published.json()
    assert first["fee"] == {"zh": "免费", "en": "free"} and first["taken"] is False
    assert second["fee"] == {"zh": "50.00元", "en": "CNY 50.00"}
    assert second["mode_name"]["zh"] == "电话咨询"

    listed = await h.client.get(f"{URL}/slots", headers=li, params={"community_id": community})
    assert listed.status_code == 200, listed.text
    assert [s["id"] for s in listed.json()["items"]] == [first["id"], second["id"]]
    lawyers = await h.client.get(f"{URL}/lawyers", headers=li, params={"community_id": community})
    assert [x["name"] for x in lawyers.json()["items"]] == ["张律师"]
    away = await h.client.get(f"{URL}/slots", headers=outsider, params={"community_id": community})
    assert away.status_code == 403

    # two residents book the one slot at once: exactly one wins
    ask = {"topic": "neighbours", "question": "楼上装修噪音持续到深夜，如何维权？"}
    booked = await asyncio.gather(
        *(
            h.client.post(f"{URL}/slots/{first['id']}/bookings", headers=who, json=ask)
            for who in (wang, li)
        )
    )
    assert sorted(r.status_code for r in booked) == [201, 409], [r.text for r in booked]
    loser = next(r for r in booked if r.status_code == 409)
    assert loser.json()["code"] == "legal.slot_taken"
    assert loser.json()["detail"] == "该咨询时段已被他人预约"
    winner = next(r for r in booked if r.status_code == 201).json()
    winner_headers, other_headers = (
        (wang, li) if winner["resident"] == "acc-legal-101" else (li, wang)
    )
    taken = await h.client.get(
        f"{URL}/slots", headers=li, params={"community_id": community, "free_only": "true"}
    )
    assert [s["id"] for s in taken.json()["items"]] == [second["id"]]
    assert (
        await h.client.get(f"{URL}/bookings/{winner['id']}", headers=other_headers)
    ).status_code == 404
    assert (
        await h.client.post(f"{URL}/slots/{first['id']}/bookings", headers=outsider, json=ask)
    ).status_code == 403

    # the winner cancels, the slot is free again and the other resident books it
    cancelled = await h.client.post(
        f"{URL}/bookings/{winner['id']}/cancel", headers=winner_headers, json={"reason": "临时有事"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status_name"] == {"zh": "已取消", "en": "cancelled"}
    twice = await h.client.post(f"{URL}/bookings/{winner['id']}/cancel", headers=winner_headers)
    assert twice.status_code == 409 and twice.json()["code"] == "legal.not_booked"
    rebooked = await h.client.post(
        f"{URL}/slots/{first['id']}/bookings", headers=other_headers, json=ask
    )
    assert rebooked.status_code == 201, rebooked.text
    booking = rebooked.json()
    url = f"{URL}/bookings/{booking['id']}"
    assert booking["mine"] is True and booking["fee_fen"] == 0

    # the lawyer sees it, records the outcome and names the mediation case
    theirs = (await h.client.get(f"{URL}/bookings", headers=lawyer)).json()
    assert {b["id"] for b in theirs["items"]} == {booking["id"], winner["id"]}
    live = await h.client.get(f"{URL}/bookings", headers=lawyer, params={"status": "booked"})
    assert [b["id"] for b in live.json()["items"]] == [booking["id"]]
    early = await h.client.post(f"{url}/rating", headers=other_headers, json={"stars": 5})
    assert early.status_code == 409 and early.json()["code"] == "legal.not_consulted"
    by_resident = await h.client.post(
        f"{url}/outcome", headers=other_headers, json={"outcome": "x"}
    )
    assert by_resident.status_code == 403
    case = f"wo-{uuid.uuid4().hex[:8]}"
    done = await h.client.post(
        f"{url}/outcome",
        headers=lawyer,
        json={"outcome": "已告知相关法规，建议先行调解，已转社区调解。", "case_id": case},
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["case"] == {
        "work_order_id": case,
        "known": False,
        "status": None,
        "status_name": None,
        "updated_at": None,
    }
    for action, status in (
        ("created", WorkOrderStatus.SUBMITTED),
        ("accept", WorkOrderStatus.ACCEPTED),
    ):
        await h.send(
            WorkOrderChangedV1(
                work_order_id=case,
                case_type="mediation",
                action=action,
                status=status,
                priority=WorkOrderPriority.NORMAL,
                community_id=community,
                source="staff",
                occurred_at=datetime.now(UTC),
            ),
            case,
        )

    async def accepted() -> dict[str, Any] | None:
        seen: dict[str, Any] = (await h.client.get(url, headers=other_headers)).json()
        return seen if seen["case"]["status"] == "accepted" else None

    seen = await eventually(accepted, what="the mediation case's state from work-orders")
    assert seen["case"]["status_name"] == {"zh": "已受理", "en": "accepted"}

    # the resident rates once
    too_many = await h.client.post(f"{url}/rating", headers=other_headers, json={"stars": 6})
    assert too_many.status_code == 422
    assert (
        await h.client.post(f"{url}/rating", headers=lawyer, json={"stars": 5})
    ).status_code == 403
    rated = await h.client.post(
        f"{url}/rating", headers=other_headers, json={"stars": 5, "comment": "耐心专业"}
    )
    assert rated.status_code == 200, rated.text
    assert (rated.json()["rating"], rated.json()["rating_comment"]) == (5, "耐心专业")
    once = await h.client.post(f"{url}/rating", headers=other_headers, json={"stars": 1})
    assert once.status_code == 409 and once.json()["code"] == "legal.already_rated"

    # every step on gov.legal.v1 for integrators: ids, codes, times and stars, no person
    def steps_of(events: list[CloudEvent], booking_id: str) -> list[dict[str, Any]]:
        return [e.data for e in events if e.data.get("booking_id") == booking_id]

    legal_events = await h.read(
        LegalBookingChangedV1,
        lambda found: any(e["action"] == "rated" for e in steps_of(found, booking["id"])),
    )
    assert [(e["action"], e["status"]) for e in steps_of(legal_events, winner["id"])] == [
        ("booked", "booked"),
        ("cancelled", "cancelled"),
    ]
    steps = steps_of(legal_events, booking["id"])
    assert [(e["action"], e["status"], e["case_id"], e["rating"]) for e in steps] == [
        ("booked", "booked", None, None),
        ("consulted", "done", case, None),
        ("rated", "done", case, 5),
    ]
    assert {e["slot_id"] for e in steps} == {first["id"]} and steps[0]["fee_fen"] == 0
    assert legal_events[0].type == "community.legal_booking.changed.v1"
    for private in ("acc-legal-101", "acc-legal-102", "耐心专业", "已告知相关法规"):
        assert private not in str([e.data for e in legal_events])

    # the office sees the community's bookings, the cancelled one too
    all_of_them = (
        await h.client.get(f"{URL}/bookings", headers=office, params={"community_id": community})
    ).json()
    assert {b["status"] for b in all_of_them["items"]} == {"cancelled", "done"}

    told = await h.read(
        NotificationRequestedV1,
        lambda found: sum(1 for e in found if e.data.get("correlation_id") == booking["id"]) >= 3,
    )
    texts = {
        e.data["template"]: e.data for e in told if e.data.get("correlation_id") == booking["id"]
    }
    assert texts["gov.legal.booked"]["recipients"]["user_ids"] == [lawyer_account]
    confirmed = texts["gov.legal.confirmed"]["variables"]
    assert "张律师" in confirmed["body"] and "免费" in confirmed["body"]
    assert confirmed["title_en"] == "Legal consultation booked"
    assert texts["gov.legal.outcome"]["variables"]["title"] == "法律咨询已有结果"
    cancel_told = await h.read(
        NotificationRequestedV1,
        lambda found: any(
            e.data.get("correlation_id") == winner["id"]
            and e.data.get("template") == "gov.legal.cancelled"
            for e in found
        ),
    )
    [cancelled] = [
        e.data["variables"]
        for e in cancel_told
        if e.data.get("template") == "gov.legal.cancelled"
        and e.data["recipients"]["user_ids"] == [lawyer_account]
    ]
    assert cancelled["body"].endswith("的法律咨询预约已取消。取消原因：临时有事")
    # the English text says in English that a reason was given, the reason as typed
    assert cancelled["body_en"].startswith("The legal consultation on ")
    assert cancelled["body_en"].endswith(" was cancelled. The reason given: “临时有事”")


async def test_legal_education_articles_are_notices_of_their_own_category(
    harness: Harness, community: str
) -> None:
    h = harness
    author = h.staff(community, "legal-author-1", "community_admin")
    approver = h.staff(community, "legal-approver-1", "gov_officer")
    ids = []
    for title, category in (("《民法典》走进社区：相邻关系", "legal"), ("社区开放日", "event")):
        made = await h.client.post(
            "/api/v1/notices",
            headers=author,
            json={"community_id": community, "title": title, "body": "……", "category": category},
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    legal = (
        await h.client.get(
            "/api/v1/notices",
            headers=approver,
            params={"community_id": community, "category": "legal"},
        )
    ).json()
    assert [n["id"] for n in legal["items"]] == [ids[0]]
    assert legal["items"][0]["category_name"] == {"zh": "普法宣传", "en": "legal education"}
