"""Residents spend recycling credits (积分兑换, 6.4 c) through commerce's API on a real
PostgreSQL and Kafka: staff of the point's community redeem a household's credits at a
recycling point, never past its balance (two desks at once included); each redemption is
audited; the household's statement shows what was earned, spent and is left."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from test_commerce_api import assert_problem

from commerce_helpers import Harness
from sc_contracts.events import AuditRecordedV1

P = "/api/v1/commerce/service-points"
DROP = "/api/v1/commerce/recycling/drop-offs"
REDEEM = "/api/v1/commerce/recycling/redemptions"


async def point(h: Harness, community: str, kind: str = "recycling_point") -> str:
    body = {
        "community_id": community,
        "kind": kind,
        "name": "回收点" if kind == "recycling_point" else "维修站",
        "address": "幸福里社区 东门",
        "latitude": 39.91,
        "longitude": 116.39,
    }
    r = await h.client.post(P, json=body, headers=h.staff(community))
    assert r.status_code == 201, r.text
    found: str = r.json()["id"]
    return found


async def test_staff_redeem_credits_never_past_the_balance_and_the_statement_shows_it(
    harness: Harness, community: str
) -> None:
    h = harness
    staff = h.staff(community)
    recycling, repair = await point(h, community), await point(h, community, "repair_station")
    household, elsewhere = f"hh-{uuid.uuid4().hex[:8]}", f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    await h.place(elsewhere, "c-" + uuid.uuid4().hex[:10])
    for category, grams in (("paper", 2500), ("plastic", 1000)):  # 25 + 15 credits
        body = {
            "service_point_id": recycling,
            "household_id": household,
            "category": category,
            "weight_g": grams,
        }
        r = await h.client.post(DROP, json=body, headers=staff)
        assert r.status_code == 201, r.text

    def spend(credits: Any, item: Any = "洗衣液一瓶", **changes: Any) -> dict[str, Any]:
        body = {
            "service_point_id": recycling,
            "household_id": household,
            "credits": credits,
            "item": item,
        }
        body.update(changes)
        return body

    r = await h.client.post(REDEEM, json=spend(30, "  洗衣液   一瓶 "), headers=staff)
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["credits"], first["item"], first["balance_after"]) == (30, "洗衣液 一瓶", 10)

    # past the balance: refused, with the balance said
    body = assert_problem(
        await h.client.post(REDEEM, json=spend(11), headers=staff),
        409,
        "commerce.credits_insufficient",
    )
    assert body["balance"] == 10
    # two desks at once for the last 10 credits: one of them
    answers = await asyncio.gather(
        *(h.client.post(REDEEM, json=spend(10, "垃圾袋一卷"), headers=staff) for _ in range(2))
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    [won] = [a.json() for a in answers if a.status_code == 201]
    assert won["balance_after"] == 0

    # only the staff of the point's community, only at a recycling point, only its households
    assert_problem(
        await h.client.post(REDEEM, json=spend(1), headers=h.resident(household)),
        404,
        "commerce.point_not_found",
    )
    assert_problem(
        await h.client.post(REDEEM, json=spend(1), headers=h.staff("c-other")),
        404,
        "commerce.point_not_found",
    )
    assert_problem(
        await h.client.post(REDEEM, json=spend(1, service_point_id=repair), headers=staff),
        422,
        "commerce.not_recycling_point",
    )
    assert_problem(
        await h.client.post(REDEEM, json=spend(1, household_id=elsewhere), headers=staff),
        422,
        "commerce.household_elsewhere",
    )
    for bad in (spend(0), spend(-5), spend("很多"), spend(1, ""), spend(1, "\x00"), spend(1, x=1)):
        assert_problem(
            await h.client.post(REDEEM, json=bad, headers=staff), 422, "request.validation_failed"
        )

    # the statement: earned, spent, what is left, the redemptions newest first
    url = f"/api/v1/commerce/recycling/households/{household}/credits"
    for headers in (h.resident(household), staff):
        s = (await h.client.get(url, headers=headers)).json()
        assert (s["earned"], s["spent"], s["balance"]) == (40, 40, 0)
        assert s["redemptions"]["total"] == 2
        assert [x["item"] for x in s["redemptions"]["items"]] == ["垃圾袋一卷", "洗衣液 一瓶"]
        assert s["drop_offs"]["total"] == 2
    s = (await h.client.get(url, params={"limit": 1}, headers=staff)).json()
    assert len(s["redemptions"]["items"]) == 1 and s["redemptions"]["total"] == 2

    # every redemption is audited with the balance after it
    def redeemed(found: list[Any]) -> list[Any]:
        return [
            e.data
            for e in found
            if e.data["action"] == "commerce.credits.redeem"
            and e.data["detail"].get("household_id") == household
        ]

    audits = redeemed(await h.read(AuditRecordedV1, lambda found: len(redeemed(found)) >= 2))
    assert sorted((a["detail"]["credits"], a["detail"]["balance_after"]) for a in audits) == [
        ("10", "0"),
        ("30", "10"),
    ]
    assert {a["actor_id"] for a in audits} == {"staff-1"}
