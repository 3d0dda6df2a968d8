"""Photos of housing listings and the agencies beside a listing, through commerce's API on a
real PostgreSQL and Kafka: an owner uploads photos (checked on their content), lists the
flat with them, the neighbours see them once it is published; only one's own unused
uploads go on a listing; unused uploads are held to a quota and expire; the community's
agencies are listed beside a listing nearest to the flat first, with the distance in words."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_commerce_api import assert_problem
from test_commerce_listings import L, flat, hh

from commerce_helpers import Harness, make_settings, start_harness
from sc_core.auth.testing import LocalIssuer

UP = "/api/v1/commerce/listing-photos"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(200)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
PDF = b"%PDF-1.7\n" + bytes(50)


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    settings = make_settings(
        module_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        photo_unlinked_max_count=3,
        photo_max_bytes=4096,
    )
    async for h in start_harness(settings, issuer):
        yield h


async def upload(
    h: Harness, who: dict[str, str], data: bytes = JPEG, name: str = "a.jpg"
) -> dict[str, Any]:
    r = await h.client.post(UP, files={"file": (name, data, "image/jpeg")}, headers=who)
    assert r.status_code == 201, r.text
    found: dict[str, Any] = r.json()
    return found


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_an_owner_lists_the_flat_with_photos_the_neighbours_see_them_once_published(
    harness: Harness, community: str
) -> None:
    h = harness
    home, neighbour = hh(), hh()
    for household in (home, neighbour):
        await h.place(household, community)
    await h.register_person(home, community, "owner")
    owner = h.resident(home, f"owner-{home}")
    other = h.resident(neighbour, f"neighbour-{neighbour}")

    # checked on the content, whatever the name says
    for bad in (PDF, b"hello, not a photo"):
        assert_problem(
            await h.client.post(UP, files={"file": ("a.jpg", bad, "image/jpeg")}, headers=owner),
            415,
            "attachment.type_not_allowed",
        )
    assert_problem(
        await h.client.post(UP, files={"file": ("a.jpg", b"", "image/jpeg")}, headers=owner),
        422,
        "attachment.empty",
    )
    big = JPEG + bytes(5000)
    assert_problem(
        await h.client.post(UP, files={"file": ("a.jpg", big, "image/jpeg")}, headers=owner),
        413,
        "attachment.too_large",
    )
    first = await upload(h, owner)
    second = await upload(h, owner, PNG, "b.png")
    assert first["content_type"] == "image/jpeg" and second["content_type"] == "image/png"
    # before it is on a listing only the uploader sees it
    r = await h.client.get(first["url"], headers=owner)
    assert r.status_code == 200 and r.content == JPEG
    assert r.headers["content-type"] == "image/jpeg"
    assert_problem(await h.client.get(first["url"], headers=other), 404, "commerce.photo_not_found")
    # nobody puts another's upload on their listing
    theirs = await upload(h, other)
    body = flat(photo_ids=[first["id"], theirs["id"]], latitude=31.2304, longitude=121.4737)
    assert_problem(await h.client.post(L, json=body, headers=owner), 422, "commerce.photo_unusable")

    body = flat(photo_ids=[second["id"], first["id"]], latitude=31.2304, longitude=121.4737)
    r = await h.client.post(L, json=body, headers=owner)
    assert r.status_code == 201, r.text
    x = r.json()
    assert [p["id"] for p in x["photos"]] == [second["id"], first["id"]]
    assert x["latitude"] == 31.2304 and x["longitude"] == 121.4737
    # a photo on a listing is no longer an upload to reuse, nor its preview
    sale = flat(kind="sale", price_fen=285_000_000, photo_ids=[first["id"]])
    assert_problem(await h.client.post(L, json=sale, headers=owner), 422, "commerce.photo_unusable")
    assert_problem(await h.client.get(first["url"], headers=owner), 404, "commerce.photo_not_found")

    # the neighbours see neither the listing nor its photos before it is published
    shown = x["photos"][0]["url"]
    assert shown == f"{L}/{x['id']}/photos/{second['id']}"
    assert_problem(await h.client.get(shown, headers=other), 404, "commerce.listing_not_found")
    r = await h.client.post(f"{L}/{x['id']}/publish", headers=h.staff(community))
    assert r.status_code == 200 and len(r.json()["photos"]) == 2
    r = await h.client.get(shown, headers=other)
    assert r.status_code == 200 and r.content == PNG
    assert r.headers["content-type"] == "image/png"
    r = await h.client.get(L, params={"kind": "rent"}, headers=other)
    [seen] = [i for i in r.json()["items"] if i["id"] == x["id"]]
    assert [p["url"] for p in seen["photos"]] == [p["url"] for p in x["photos"]]
    # someone of another community sees none of it
    stranger = h.resident("hh-elsewhere", "stranger")
    assert_problem(await h.client.get(shown, headers=stranger), 404, "commerce.listing_not_found")
    # a photo asked for under another listing's id is not found
    assert_problem(
        await h.client.get(f"{L}/{x['id']}/photos/{uuid.uuid4()}", headers=other),
        404,
        "commerce.photo_not_found",
    )

    # the owner adds a photo later; a neighbour may not
    third = await upload(h, owner)
    assert_problem(
        await h.client.post(
            f"{L}/{x['id']}/photos", json={"photo_ids": [theirs["id"]]}, headers=other
        ),
        403,
        "commerce.not_listing_editor",
    )
    r = await h.client.post(
        f"{L}/{x['id']}/photos", json={"photo_ids": [third["id"]]}, headers=owner
    )
    assert r.status_code == 200, r.text
    assert [p["id"] for p in r.json()["photos"]] == [second["id"], first["id"], third["id"]]
    assert_problem(
        await h.client.post(f"{L}/{x['id']}/photos", json={"photo_ids": []}, headers=owner),
        422,
        "request.validation_failed",
    )
    # a position needs both halves
    half = flat(kind="sale", price_fen=285_000_000, latitude=31.2)
    assert_problem(
        await h.client.post(L, json=half, headers=owner), 422, "request.validation_failed"
    )


async def test_unused_uploads_are_held_to_a_quota_and_expire(
    harness: Harness, community: str
) -> None:
    h = harness
    home = hh()
    await h.place(home, community)
    await h.register_person(home, community, "owner")
    owner = h.resident(home, f"owner-{home}")
    root = Path(h.settings.attachment_dir)
    ups = [await upload(h, owner) for _ in range(3)]
    body = assert_problem(
        await h.client.post(UP, files={"file": ("a.jpg", JPEG, "image/jpeg")}, headers=owner),
        429,
        "attachment.quota_exceeded",
    )
    assert body["max_count"] == 3
    # one goes on a listing: the other two stay unused and expire a day later
    r = await h.client.post(L, json=flat(photo_ids=[ups[0]["id"]]), headers=owner)
    assert r.status_code == 201, r.text
    before = len(files_under(root))
    expired = await h.usecases.listing_photos.expire_unlinked(
        now=datetime.now(UTC) + timedelta(days=2)
    )
    assert expired >= 2
    assert len(files_under(root)) <= before - 2
    for gone in ups[1:]:
        assert_problem(
            await h.client.get(gone["url"], headers=owner), 404, "commerce.photo_not_found"
        )
    # the listing keeps its photo, and the owner may upload again
    r = await h.client.get(r.json()["photos"][0]["url"], headers=owner)
    assert r.status_code == 200 and r.content == JPEG
    await upload(h, owner)


async def test_agencies_beside_a_listing_nearest_first_in_words(
    harness: Harness, community: str
) -> None:
    h = harness
    home, neighbour = hh(), hh()
    for household in (home, neighbour):
        await h.place(household, community)
    await h.register_person(home, community, "owner")
    staff = h.staff(community)

    async def point(kind: str, name: str, lat: float, lng: float, where: str = community) -> str:
        body = {
            "community_id": where,
            "kind": kind,
            "name": name,
            "address": "幸福路 1 号",
            "latitude": lat,
            "longitude": lng,
        }
        r = await h.client.post(
            "/api/v1/commerce/service-points", json=body, headers=h.staff(where)
        )
        assert r.status_code == 201, r.text
        found: str = r.json()["id"]
        return found

    far = await point("agency", "安居房产中介", 31.2404, 121.4737)  # about 1.1 km north
    near = await point("agency", "链家（幸福里店）", 31.2310, 121.4740)  # about 70 m
    await point("repair_station", "便民维修站", 31.2305, 121.4738)
    await point("agency", "别处的中介", 31.2304, 121.4737, where=f"c-{uuid.uuid4().hex[:8]}")

    body = flat(household_id=home, latitude=31.2304, longitude=121.4737)
    r = await h.client.post(L, json=body, headers=staff)
    assert r.status_code == 201, r.text
    placed = r.json()["id"]
    other = h.resident(neighbour, f"neighbour-{neighbour}")
    r = await h.client.get(f"{L}/{placed}/agencies", headers=other)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["id"] for i in items] == [near, far] and r.json()["total"] == 2
    assert items[0]["distance_label"] == {"zh-CN": "70 米", "en": "70 m"}
    assert items[1]["distance_label"] == {"zh-CN": "1.1 公里", "en": "1.1 km"}
    assert items[0]["kind_label"] == {"zh-CN": "服务机构", "en": "Agency"}

    # a listing without its position: the community's agencies by name, no distance
    sale = flat(household_id=home, kind="sale", price_fen=285_000_000)
    r = await h.client.post(L, json=sale, headers=staff)
    unplaced = r.json()["id"]
    r = await h.client.get(f"{L}/{unplaced}/agencies", headers=other)
    items = r.json()["items"]
    assert {i["id"] for i in items} == {near, far}
    assert all(i["distance_label"] is None for i in items)
    # the agencies of a listing one does not see are not shown
    stranger = h.resident("hh-elsewhere", "stranger")
    assert_problem(
        await h.client.get(f"{L}/{placed}/agencies", headers=stranger),
        404,
        "commerce.listing_not_found",
    )
