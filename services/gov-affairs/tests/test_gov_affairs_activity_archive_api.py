"""What activities still lacked, over HTTP on PostgreSQL and Kafka (6.6): the announced
activity is told to its audience; everyone with a place is reminded the day before, once;
the finished activity is archived with photos uploaded through the service hall (the
staff member's own JPEG or PNG), and its generated summary comes as a PDF with them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from gov_affairs_helpers import Harness, register
from sc_contracts.events import NotificationRequestedV1
from sc_core.auth import Grant


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


async def test_an_activity_told_reminded_archived_with_photos_and_its_summary_pdf(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": 80.0})
    organiser = h.staff(community, "organiser-a1", "community_admin")
    approver = h.staff(community, "approver-a1", "gov_officer")
    people = {
        n: h.issuer.bearer(f"acc-a-{n}", grants=[Grant("resident", "household", homes[n])])
        for n in ("101", "102")
    }
    starts = datetime.now(UTC) + timedelta(hours=3)
    made = await h.client.post(
        "/api/v1/activities",
        headers=organiser,
        json={
            "community_id": community,
            "title": "社区书法交流",
            "description": "书法爱好者交流。",
            "venue": "社区活动室",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 10,
        },
    )
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    assert made.json()["audience"] == {
        "whole_community": True,
        "buildings": [],
        "words": {"zh": "本社区全体居民", "en": "everyone in the community"},
    }
    url = f"/api/v1/activities/{aid}"
    for who, action in ((organiser, "submit"), (approver, "approve"), (organiser, "announce")):
        moved = await h.client.post(f"{url}/steps", headers=who, json={"action": action})
        assert moved.status_code == 200, moved.text
    for n in ("101", "102"):
        signed = await h.client.post(f"{url}/signups", headers=people[n], json={})
        assert signed.status_code == 201, signed.text

    # the day before (within a day of the start): everyone with a place, once
    await h.usecases.activity_archive.remind_due()
    assert await h.usecases.activity_archive.remind_due() == 0

    def about(found: list, template: str) -> list[dict]:  # type: ignore[type-arg]
        return [
            e.data
            for e in found
            if e.data.get("correlation_id") == aid and e.data.get("template") == template
        ]

    told = await h.read(
        NotificationRequestedV1,
        lambda found: (
            bool(about(found, "gov.activity.announced"))
            and bool(about(found, "gov.activity.reminder"))
        ),
    )
    [announced] = about(told, "gov.activity.announced")
    assert {
        (r["role"], r["scope_type"], r["scope_id"])
        for r in announced["recipients"]["roles_in_scope"]
    } == {(role, "community", community) for role in ("resident", "tenant", "family")}
    assert "在社区活动室举办“社区书法交流”，名额10人，欢迎报名。" in announced["variables"]["body"]
    assert announced["variables"]["title_en"] == "Community activity: 社区书法交流"
    [reminder] = about(told, "gov.activity.reminder")
    assert sorted(reminder["recipients"]["user_ids"]) == ["acc-a-101", "acc-a-102"]
    assert reminder["variables"]["title"] == "活动提醒：社区书法交流"

    # finished and archived with photos uploaded through the service hall
    h.usecases.activities.clock = lambda: starts + timedelta(hours=3)
    try:
        finished = await h.client.post(f"{url}/steps", headers=organiser, json={"action": "finish"})
        assert finished.status_code == 200, finished.text
    finally:
        h.usecases.activities.clock = lambda: datetime.now(UTC)
    ids = []
    for colour in ("red", "blue"):
        up = await h.client.post(
            "/api/v1/hall/files",
            headers=organiser,
            files={"file": (f"{colour}.png", png(colour), "image/png")},
        )
        assert up.status_code == 201, up.text
        ids.append(up.json()["id"])
    others = await h.client.post(
        "/api/v1/hall/files",
        headers=approver,
        files={"file": ("x.png", png("green"), "image/png")},
    )
    refused = await h.client.post(
        f"{url}/archive", headers=organiser, json={"photos": [others.json()["id"]]}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "activity.photo_unknown"
    resident_try = await h.client.post(f"{url}/archive", headers=people["101"], json={})
    assert resident_try.status_code == 403
    archived = await h.client.post(
        f"{url}/archive",
        headers=organiser,
        json={"photos": ids, "notes": "活动现场气氛热烈。"},
    )
    assert archived.status_code == 200, archived.text
    assert archived.json()["status_name"]["zh"] == "已归档"
    assert archived.json()["photos"] == ids
    again = await h.client.post(f"{url}/archive", headers=organiser, json={})
    assert again.status_code == 409

    shown = await h.client.get(f"{url}/photos/{ids[0]}", headers=people["102"])
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert shown.content == png("red")
    stray = await h.client.get(f"{url}/photos/{others.json()['id']}", headers=people["102"])
    assert stray.status_code == 404
    summary = (await h.client.get(f"{url}/summary", headers=people["101"])).json()
    assert summary["paragraph"]["zh"].endswith("活动现场气氛热烈。")
    assert [p["id"] for p in summary["photos"]] == ids  # the page's photos, in order
    second = await h.client.get(summary["photos"][1]["url"], headers=people["101"])
    assert second.status_code == 200 and second.content == png("blue")
    pdf = await h.client.get(f"{url}/summary/pdf", headers=people["101"])
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 2000


async def test_an_activity_says_the_buildings_it_is_for_by_name(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"301": 90.0})
    organiser = h.staff(community, "organiser-a2", "community_admin")
    resident = h.issuer.bearer("acc-a-301", grants=[Grant("resident", "household", homes["301"])])
    starts = datetime.now(UTC) + timedelta(days=2)
    made = await h.client.post(
        "/api/v1/activities",
        headers=organiser,
        json={
            "community_id": community,
            "title": "楼道清洁日",
            "description": "一起清洁楼道。",
            "venue": "1号楼门前",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "capacity": 20,
            "building_ids": [f"{community}-b1", f"{community}-b9"],
        },
    )
    assert made.status_code == 201, made.text
    unnamed = {"zh": "一栋尚无住户登记的楼", "en": "a building with no households registered yet"}
    expected = {
        "whole_community": False,
        "buildings": [
            {"id": f"{community}-b1", "name": {"zh": "1号楼", "en": "Building 1"}},
            {"id": f"{community}-b9", "name": unnamed},
        ],
        "words": {
            "zh": "1号楼、一栋尚无住户登记的楼的居民",
            "en": "residents of Building 1, a building with no households registered yet",
        },
    }
    assert made.json()["audience"] == expected
    url = f"/api/v1/activities/{made.json()['id']}"
    moved = await h.client.post(f"{url}/steps", headers=organiser, json={"action": "submit"})
    assert moved.status_code == 200 and moved.json()["audience"] == expected
    listed = await h.client.get(
        "/api/v1/activities", headers=organiser, params={"community_id": community}
    )
    assert [a["audience"] for a in listed.json()["items"]] == [expected]
    one = await h.client.get(url, headers=resident)
    assert one.status_code == 200, one.text
    assert one.json()["audience"]["words"]["zh"] == "1号楼、一栋尚无住户登记的楼的居民"
