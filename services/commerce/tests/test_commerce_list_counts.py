"""A list's count is its scope's parts counted once each (ADR 0066): a caller who is both
the staff of a community and the owner of merchants and shops sees the community's and
their own, each once, in the list's order, and the page's total says so."""

from __future__ import annotations

import uuid
from typing import Any

from test_commerce_api import M, shop
from test_commerce_shops import S, storefront, verified_merchant

from commerce_helpers import Harness
from sc_core.auth import Grant


def both(h: Harness, sub: str, community: str, elsewhere: str) -> dict[str, str]:
    """Staff of ``community`` and a merchant in it and ``elsewhere``."""
    return h.issuer.bearer(
        sub,
        grants=[
            Grant("property_staff", "community", community),
            Grant("merchant", "community", community),
            Grant("merchant", "community", elsewhere),
        ],
    )


async def whole(h: Harness, url: str, headers: dict[str, str], **params: Any) -> list[Any]:
    """Every page of ``url`` two at a time; each page's total is the whole list's."""
    items: list[Any] = []
    while True:
        r = await h.client.get(
            url, params={**params, "limit": 2, "offset": len(items)}, headers=headers
        )
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        assert page["total_exact"] is True
        if page["next_offset"] is None:
            assert page["total"] == len(items)
            return items
        assert page["total"] == 3 and page["next_offset"] == len(items)


async def test_merchants_of_my_community_and_mine_elsewhere_counted_once(
    harness: Harness, community: str
) -> None:
    h = harness
    elsewhere = f"c-{uuid.uuid4().hex[:10]}"
    me = both(h, f"m-{uuid.uuid4().hex[:6]}", community, elsewhere)
    other = f"o-{uuid.uuid4().hex[:6]}"
    made = {}
    for name, where, headers in (
        ("mine-here", community, me),
        ("mine-there", elsewhere, me),
        ("theirs-here", community, h.merchant(community, other)),
        ("theirs-there", elsewhere, h.merchant(elsewhere, other)),
    ):
        r = await h.client.post(M, json=shop(where, name=name), headers=headers)
        assert r.status_code == 201, r.text
        made[name] = r.json()["id"]

    listed = await whole(h, M, me)
    # newest first; mine here is both the community's and mine, listed once
    assert [m["id"] for m in listed] == [made["theirs-here"], made["mine-there"], made["mine-here"]]
    staff = [m["id"] for m in await whole(h, M, h.staff(community, "staff-x"))]
    assert staff == [made["theirs-here"], made["mine-here"]]


async def test_shops_of_my_community_and_mine_elsewhere_counted_once(
    harness: Harness, community: str
) -> None:
    h = harness
    elsewhere = f"c-{uuid.uuid4().hex[:10]}"
    sub = f"m-{uuid.uuid4().hex[:6]}"
    me = both(h, sub, community, elsewhere)
    opened = {}
    for name, where, owner in (
        ("甲 mine-here", community, sub),
        ("乙 mine-there", elsewhere, sub),
        ("丙 theirs-here", community, f"o-{uuid.uuid4().hex[:6]}"),
        ("丁 theirs-there", elsewhere, f"o-{uuid.uuid4().hex[:6]}"),
    ):
        merchant = await verified_merchant(h, where, owner)
        headers = me if owner == sub else h.merchant(where, owner)
        r = await h.client.post(S, json=storefront(merchant, name=name), headers=headers)
        assert r.status_code == 201, r.text
        opened[name] = r.json()["id"]

    # by name (the database's C collation: code points, as Python sorts)
    expected = [opened[n] for n in sorted(n for n in opened if n != "丁 theirs-there")]
    assert [s["id"] for s in await whole(h, S, me)] == expected
    # a filter on the flag names the merchant (staff or owner): the same shops
    assert [s["id"] for s in await whole(h, S, me, flagged="false")] == expected
    staff = [s["id"] for s in await whole(h, S, h.staff(community, "staff-x"))]
    assert staff == [opened[n] for n in sorted(["甲 mine-here", "丙 theirs-here"])]
