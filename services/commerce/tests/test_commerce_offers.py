"""Offers and opt-in pushes through commerce's API, on a real PostgreSQL and Kafka (one
app for the module): a merchant publishes offers; residents of the shop's community opt
in and out; each offer is pushed through notification to the opted-in residents only,
in-app and by push at severity info (notification holds a push through the resident's
quiet hours), and no resident gets more than the weekly cap of one shop's offers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from test_commerce_api import assert_problem
from test_commerce_shops import S, storefront, verified_merchant

from commerce_helpers import Harness
from sc_contracts.events import NotificationRequestedV1


def offer(**changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title_zh": "周末生鲜特惠",
        "title_en": "Weekend fresh food deal",
        "text": "有机青菜、土鸡蛋全场八折",
        "discount_pct": 20,
        "valid_from": now.isoformat(),
        "valid_to": (now + timedelta(days=3)).isoformat(),
    }
    body.update(changes)
    return body


async def test_an_offer_reaches_opted_in_residents_only_and_at_most_the_weekly_cap(
    harness: Harness, community: str
) -> None:
    h = harness
    mid = await verified_merchant(h, community, "m-offers", category="grocery")
    owner = h.merchant(community, "m-offers")
    r = await h.client.post(S, json=storefront(mid, name="幸福里生鲜"), headers=owner)
    sid = r.json()["id"]
    OFF = f"{S}/{sid}/offers"
    SUB = f"{S}/{sid}/subscription"
    households = [f"hh-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for household in households:
        await h.place(household, community)
    a, b, c = (h.resident(x) for x in households)

    # A and B opt in, B opts out again, C never opts in
    r = await h.client.get(SUB, headers=a)
    assert r.json()["opted_in"] is False and r.json()["pushes_per_week"] == 2
    for who in (a, b):
        r = await h.client.put(SUB, json={"opted_in": True}, headers=who)
        assert r.status_code == 200, r.text
        assert r.json()["opted_in_label"]["zh-CN"] == "已订阅优惠推送"
    r = await h.client.put(SUB, json={"opted_in": False}, headers=b)
    assert r.json()["opted_in"] is False
    assert (await h.client.get(SUB, headers=a)).json()["opted_in"] is True
    # staff hold no household here; another community's resident does not see the shop
    assert_problem(
        await h.client.put(SUB, json={"opted_in": True}, headers=h.staff(community)),
        403,
        "commerce.subscribe_household_required",
    )
    elsewhere = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(elsewhere, f"c-{uuid.uuid4().hex[:10]}")
    assert_problem(
        await h.client.put(SUB, json={"opted_in": True}, headers=h.resident(elsewhere)),
        404,
        "commerce.shop_not_found",
    )

    # only the merchant publishes; a price or a discount, dates that make sense
    assert_problem(
        await h.client.post(OFF, json=offer(), headers=h.staff(community)),
        403,
        "commerce.not_shop_owner",
    )
    assert_problem(
        await h.client.post(OFF, json=offer(price_fen=990), headers=owner),
        422,
        "commerce.offer_price_or_discount",
    )
    assert_problem(
        await h.client.post(OFF, json=offer(discount_pct=None), headers=owner),
        422,
        "commerce.offer_price_or_discount",
    )
    past = datetime.now(UTC) - timedelta(days=1)
    assert_problem(
        await h.client.post(OFF, json=offer(valid_to=past.isoformat()), headers=owner),
        422,
        "commerce.offer_dates",
    )

    ids = []
    for n in range(3):
        r = await h.client.post(OFF, json=offer(title_zh=f"周末特惠{n + 1}"), headers=owner)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
        if n < 2:  # the cap is two a week: A gets the first two
            assert (r.json()["pushed_count"], r.json()["capped_count"]) == (1, 0)
        else:
            assert (r.json()["pushed_count"], r.json()["capped_count"]) == (0, 1)
    assert r.json()["deal_label"] == {"zh-CN": "8折", "en": "20% off"}

    # residents read the offers (not the merchant's counts)
    r = await h.client.get(OFF, headers=c)
    items = r.json()["items"]
    assert len(items) == 3 and items[0]["pushed_count"] is None
    assert items[0]["title"]["en"] == "Weekend fresh food deal"

    def pushed(found: list[Any]) -> list[Any]:
        return [e.data for e in found if e.data.get("correlation_id") in ids]

    notices = pushed(await h.read(NotificationRequestedV1, lambda found: len(pushed(found)) >= 2))
    assert sorted(n["correlation_id"] for n in notices) == sorted(ids[:2])
    for notice in notices:
        assert notice["recipients"]["user_ids"] == [f"res-{households[0]}"]
        assert notice["severity"] == "info"  # quiet hours hold it (critical alone bypasses)
        assert notice["channels"] == ["inapp", "push"]
        assert notice["template"] == "generic.message"
        assert notice["variables"]["title"].startswith("幸福里生鲜：周末特惠")
        assert "8折" in notice["variables"]["body"] and sid not in notice["variables"]["body"]
        assert notice["variables"]["body_en"].startswith("Weekend fresh food deal, 20% off")
