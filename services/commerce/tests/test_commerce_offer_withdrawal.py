"""Offers as events, withdrawn, and the weekly push cap under concurrency, through
commerce's API on a real PostgreSQL and Kafka: a published offer and a withdrawn one go
out as ``ShopOfferChangedV1`` on ``commerce.shops.v1``; the merchant withdraws an offer
and residents no longer see it; two offers published at the same instant never push a
resident past the cap (2 of a shop's offers in 7 days)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from test_commerce_api import assert_problem
from test_commerce_offers import offer
from test_commerce_shops import S, storefront, verified_merchant

from commerce_helpers import Harness
from sc_contracts.events import NotificationRequestedV1, ShopOfferChangedV1


async def a_shop_with_a_subscriber(
    h: Harness, community: str, owner_id: str
) -> tuple[str, dict[str, str], str, dict[str, str]]:
    mid = await verified_merchant(h, community, owner_id, category="grocery")
    owner = h.merchant(community, owner_id)
    r = await h.client.post(S, json=storefront(mid, name="幸福里果蔬"), headers=owner)
    assert r.status_code == 201, r.text
    sid: str = r.json()["id"]
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)
    r = await h.client.put(f"{S}/{sid}/subscription", json={"opted_in": True}, headers=resident)
    assert r.status_code == 200, r.text
    return sid, owner, household, resident


async def test_the_merchant_withdraws_an_offer_and_residents_no_longer_see_it(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, owner, _, resident = await a_shop_with_a_subscriber(h, community, "m-withdraw")
    OFF = f"{S}/{sid}/offers"
    r = await h.client.post(OFF, json=offer(title_zh="限时特惠"), headers=owner)
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    assert r.json()["withdrawn_at"] is None and r.json()["withdrawn_label"] is None
    kept = (await h.client.post(OFF, json=offer(title_zh="会员日"), headers=owner)).json()["id"]

    # only the merchant withdraws; an offer of no one is not found
    for who in (resident, h.staff(community)):
        assert_problem(
            await h.client.post(f"{OFF}/{oid}/withdraw", headers=who),
            403,
            "commerce.not_shop_owner",
        )
    assert_problem(
        await h.client.post(f"{OFF}/{uuid.uuid4()}/withdraw", headers=owner),
        404,
        "commerce.offer_not_found",
    )
    r = await h.client.post(f"{OFF}/{oid}/withdraw", headers=owner)
    assert r.status_code == 200, r.text
    assert r.json()["withdrawn_at"] is not None
    assert r.json()["withdrawn_label"] == {
        "zh-CN": "商户已撤回该优惠",
        "en": "Withdrawn by the shop",
    }
    r = await h.client.post(f"{OFF}/{oid}/withdraw", headers=owner)
    assert_problem(r, 409, "commerce.offer_withdrawn")
    assert r.json()["messages"]["zh-CN"] == "这条优惠已经撤回"

    # residents see the one kept; the merchant and the staff both, the withdrawn marked
    r = await h.client.get(OFF, headers=resident)
    assert [o["id"] for o in r.json()["items"]] == [kept]
    for who in (owner, h.staff(community)):
        r = await h.client.get(OFF, headers=who)
        shown = {o["id"]: o["withdrawn_at"] is not None for o in r.json()["items"]}
        assert shown == {oid: True, kept: False}, r.text

    # both changes are events on the shop's topic, keyed by shop
    def mine(found: list[Any]) -> list[Any]:
        return [e for e in found if e.data.get("shop_id") == sid]

    events = mine(await h.read(ShopOfferChangedV1, lambda found: len(mine(found)) >= 3))
    assert [(e.data["offer_id"], e.data["change"]) for e in events] == [
        (oid, "published"),
        (kept, "published"),
        (oid, "withdrawn"),
    ]
    assert events[0].data["pushed_count"] == 1 and events[0].data["title_zh"] == "限时特惠"
    assert events[0].data["discount_pct"] == 20 and events[0].data["price_fen"] is None
    assert {e.subject for e in events} == {sid}


async def test_two_offers_published_at_once_never_push_past_the_weekly_cap(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, owner, household, _ = await a_shop_with_a_subscriber(h, community, "m-concurrent")
    OFF = f"{S}/{sid}/offers"
    r = await h.client.post(OFF, json=offer(title_zh="第一条"), headers=owner)
    assert (r.json()["pushed_count"], r.json()["capped_count"]) == (1, 0)
    first = r.json()["id"]

    # one push is left this week; two offers at the same instant share it
    answers = await asyncio.gather(
        *(h.client.post(OFF, json=offer(title_zh=f"同时{n}"), headers=owner) for n in (1, 2))
    )
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    counts = sorted((a.json()["pushed_count"], a.json()["capped_count"]) for a in answers)
    assert counts == [(0, 1), (1, 0)]
    ids = [first] + [a.json()["id"] for a in answers]
    pushed_id = next(a.json()["id"] for a in answers if a.json()["pushed_count"] == 1)

    # notification was asked for exactly two pushes to the resident, never a third
    def pushed(found: list[Any]) -> list[Any]:
        return [e.data for e in found if e.data.get("correlation_id") in ids]

    notices = pushed(await h.read(NotificationRequestedV1, lambda found: len(pushed(found)) >= 2))
    assert sorted(n["correlation_id"] for n in notices) == sorted([first, pushed_id])
    assert all(n["recipients"]["user_ids"] == [f"res-{household}"] for n in notices)
    # a third offer finds the cap reached
    r = await h.client.post(OFF, json=offer(title_zh="第三条"), headers=owner)
    assert (r.json()["pushed_count"], r.json()["capped_count"]) == (0, 1)
