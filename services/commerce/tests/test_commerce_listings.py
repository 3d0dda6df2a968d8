"""Housing listings through commerce's API, on a real PostgreSQL and Kafka (one app for the
module): an owner lists the flat, the property reviews and publishes it, a neighbour reads
it with the contact masked and reveals it for a purpose (audited), the owner withdraws it;
a tenant cannot list the flat, nor anyone for a household the register names no owner of;
the property lists for an owner (published at once); lists paged and scoped."""

from __future__ import annotations

import uuid
from typing import Any

from test_commerce_api import assert_problem

from commerce_helpers import Harness
from sc_contracts.events import AuditRecordedV1, ListingChangedV1
from sc_core.auth import Grant

L = "/api/v1/commerce/listings"


def flat(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "rent",
        "title": "南北通透  两居室，拎包入住",
        "place_label": "1号楼1单元101室",
        "description": "精装修，家电齐全，近地铁。",
        "layout": "两室一厅",
        "area_m2": 89.5,
        "price_fen": 350_000,
        "contact_name": "张先生",
        "contact_phone": "13800000001",
    }
    body.update(changes)
    return body


def hh() -> str:
    return f"hh-{uuid.uuid4().hex[:8]}"


async def test_an_owner_lists_the_flat_the_property_publishes_a_neighbour_reveals_the_phone(
    harness: Harness, community: str
) -> None:
    h = harness
    home, neighbour = hh(), hh()
    for household in (home, neighbour):
        await h.place(household, community)
    await h.register_person(home, community, "owner")
    owner = h.resident(home, "owner-1")

    r = await h.client.post(L, json=flat(), headers=owner)
    assert r.status_code == 201, r.text
    x = r.json()
    assert x["status"] == "pending" and x["status_label"]["zh-CN"] == "待审核"
    assert x["title"] == "南北通透 两居室，拎包入住" and not x["on_behalf"]
    assert x["kind_label"] == {"zh-CN": "出租", "en": "For rent"}
    assert x["price_label"] == {"zh-CN": "月租 3,500 元", "en": "3,500 yuan a month"}
    assert x["area_label"]["zh-CN"] == "89.5 平方米"
    assert x["contact_phone"] == "13800000001" and x["mine"]  # the owner's own
    assert x["household_id"] == home
    # one open listing of a kind per room
    assert_problem(await h.client.post(L, json=flat(), headers=owner), 409, "commerce.listing_open")

    # not yet visible to the neighbours; the owner may not publish it
    other = h.resident(neighbour, "neighbour-1")
    assert_problem(
        await h.client.get(f"{L}/{x['id']}", headers=other), 404, "commerce.listing_not_found"
    )
    assert_problem(
        await h.client.post(f"{L}/{x['id']}/publish", headers=owner),
        403,
        "commerce.not_listing_moderator",
    )
    staff = h.staff(community)
    assert_problem(
        await h.client.post(f"{L}/{x['id']}/reject", json={"note": " "}, headers=staff),
        422,
        "commerce.reject_reason_required",
    )
    r = await h.client.post(f"{L}/{x['id']}/publish", headers=staff)
    assert r.status_code == 200 and r.json()["status_label"]["zh-CN"] == "已发布"
    assert r.json()["contact_phone"] == "138****0001" and r.json()["contact_masked"]
    assert r.json()["household_id"] == home  # the community's staff know whose flat it is

    # the neighbour finds it published, masked, and reveals it for a purpose (audited)
    r = await h.client.get(L, params={"kind": "rent"}, headers=other)
    [seen] = [i for i in r.json()["items"] if i["id"] == x["id"]]
    assert seen["contact_phone"] == "138****0001" and not seen["mine"]
    # whose flat it is stays private: a neighbour never sees the owner's household
    assert seen["household_id"] is None
    r = await h.client.get(f"{L}/{x['id']}", headers=other)
    assert r.status_code == 200 and r.json()["household_id"] is None
    assert home not in r.text
    assert_problem(
        await h.client.post(
            f"{L}/{x['id']}/reveal", json={"field": "title", "purpose": "联系看房"}, headers=other
        ),
        422,
        "commerce.not_revealable",
    )
    r = await h.client.post(
        f"{L}/{x['id']}/reveal",
        json={"field": "contact_phone", "purpose": "联系业主看房"},
        headers=other,
    )
    assert r.status_code == 200 and r.json()["contact_phone"] == "13800000001"
    assert r.json()["household_id"] is None and home not in r.text

    def reveals(found: list[Any]) -> list[Any]:
        return [
            e.data
            for e in found
            if e.data["resource_id"] == x["id"] and e.data["action"] == "commerce.listing.reveal"
        ]

    audits = reveals(await h.read(AuditRecordedV1, lambda found: bool(reveals(found))))
    assert [(a["actor_id"], a["detail"]["purpose"]) for a in audits] == [
        ("neighbour-1", "联系业主看房")
    ]
    # someone of another community sees nothing
    stranger = h.resident("hh-elsewhere", "stranger")
    r = await h.client.get(L, headers=stranger)
    assert x["id"] not in [i["id"] for i in r.json()["items"]]

    # the neighbour may not withdraw it; the owner does; it is gone from the community's list
    assert_problem(
        await h.client.post(f"{L}/{x['id']}/withdraw", headers=other),
        403,
        "commerce.not_listing_owner",
    )
    r = await h.client.post(f"{L}/{x['id']}/withdraw", headers=owner)
    assert r.json()["status_label"] == {"zh-CN": "已撤回", "en": "Withdrawn"}
    assert_problem(
        await h.client.post(f"{L}/{x['id']}/withdraw", headers=owner),
        409,
        "commerce.listing_step_refused",
    )
    r = await h.client.get(L, headers=other)
    assert x["id"] not in [i["id"] for i in r.json()["items"]]
    r = await h.client.get(L, params={"mine": True}, headers=owner)
    assert [i["id"] for i in r.json()["items"]] == [x["id"]]
    # a status and a kind filter the list, each alone and together
    r = await h.client.get(L, params={"mine": True, "status": "withdrawn"}, headers=owner)
    assert [i["id"] for i in r.json()["items"]] == [x["id"]]
    r = await h.client.get(L, params={"mine": True, "status": "published"}, headers=owner)
    assert r.json()["items"] == []
    r = await h.client.get(L, params={"mine": True, "kind": x["kind"]}, headers=owner)
    assert [i["id"] for i in r.json()["items"]] == [x["id"]]

    events = await h.read(
        ListingChangedV1,
        lambda found: len([e for e in found if e.data["listing_id"] == x["id"]]) >= 3,
    )
    changes = [e.data["change"] for e in events if e.data["listing_id"] == x["id"]]
    assert changes == ["submitted", "published", "withdrawn"]
    assert all("contact_phone" not in e.data for e in events)


async def test_only_a_registered_owner_s_flat_is_listed_and_the_property_lists_for_one(
    harness: Harness, community: str
) -> None:
    h = harness
    rented, owned, unknown = hh(), hh(), hh()
    for household in (rented, owned, unknown):
        await h.place(household, community)
    await h.register_person(rented, community, "tenant")
    await h.register_person(owned, community, "owner")

    # a tenant holds no owner's grant: refused, whatever household it names
    tenant = h.issuer.bearer("tenant-1", grants=[Grant("tenant", "household", rented)])
    assert_problem(
        await h.client.post(L, json=flat(), headers=tenant), 403, "commerce.not_room_owner"
    )
    body = flat(household_id=rented)
    assert_problem(
        await h.client.post(L, json=body, headers=tenant), 403, "commerce.not_room_owner"
    )
    # the property cannot list a household the register names no owner of
    staff = h.staff(community)
    assert_problem(
        await h.client.post(L, json=flat(household_id=rented), headers=staff),
        409,
        "commerce.owner_unverified",
    )
    assert_problem(
        await h.client.post(L, json=flat(household_id=unknown), headers=staff),
        409,
        "commerce.owner_unverified",
    )
    # nor list anything in another community
    assert_problem(
        await h.client.post(L, json=flat(household_id=owned), headers=h.staff("c-other")),
        403,
        "commerce.not_room_owner",
    )
    # the property lists the owner's flat for sale on their behalf: published at once
    sale = flat(household_id=owned, kind="sale", price_fen=285_000_000)
    r = await h.client.post(L, json=sale, headers=staff)
    assert r.status_code == 201, r.text
    x = r.json()
    assert x["on_behalf"] and x["status"] == "published"
    assert x["price_label"] == {"zh-CN": "售价 285 万元", "en": "asking 2,850,000 yuan"}
    assert x["contact_phone"] == "138****0001"  # staff see it masked too
    # the owner sees it as theirs, the tenant as a neighbour; the staff page their community's
    r = await h.client.get(L, params={"mine": True}, headers=h.resident(owned, "owner-2"))
    assert [i["id"] for i in r.json()["items"]] == [x["id"]]
    r = await h.client.get(L, params={"kind": "sale"}, headers=tenant)
    assert [i["id"] for i in r.json()["items"]] == [x["id"]]
    r = await h.client.get(L, params={"limit": 1}, headers=staff)
    assert r.json()["total"] == 1 and len(r.json()["items"]) == 1

    # bad input is problem+json, never a 500
    for bad in (
        flat(price_fen=0),
        flat(price_fen="很多"),
        flat(contact_phone="12345"),
        flat(kind="swap"),
        flat(area_m2=-1),
        flat(title="\x00"),
    ):
        bad["household_id"] = owned
        assert_problem(
            await h.client.post(L, json=bad, headers=staff), 422, "request.validation_failed"
        )
    assert_problem(
        await h.client.get(f"{L}/not-a-uuid", headers=staff), 422, "request.validation_failed"
    )
    assert_problem(
        await h.client.get(L, params={"status": "x"}, headers=staff),
        422,
        "request.validation_failed",
    )
