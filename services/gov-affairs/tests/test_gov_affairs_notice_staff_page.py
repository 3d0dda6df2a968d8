"""The staff's list of a community's notices over HTTP on PostgreSQL and Kafka: every row
carries its own places and read figures (people it is for, of whom have read it) as the
notice's own "who has not read it" page counts them, a draft none; pinned first, then the
newest; the page and the next one hold every notice once (a page is read in a fixed number
of statements since ADR 0066's gov-affairs addendum, not one per row)."""

from __future__ import annotations

from typing import Any

from test_gov_affairs_notices_api import _homes

from gov_affairs_helpers import Harness
from sc_core.auth import Grant


async def test_the_staff_list_counts_each_notice_as_its_own_page(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await _homes(h, community)
    author = h.staff(community, "author-p", "community_admin")
    approver = h.staff(community, "approver-p", "gov_officer")
    b1, b2 = f"{community}-b1", f"{community}-b2"

    async def notice(title: str, places: list[str], *, publish: bool, pinned: bool = False) -> str:
        made = await h.client.post(
            "/api/v1/notices",
            headers=author,
            json={
                "community_id": community,
                "title": title,
                "body": "请相互转告。",
                "places": [{"type": "building", "id": b} for b in places],
                "pinned": pinned,
            },
        )
        assert made.status_code == 201, made.text
        if publish:
            url = f"/api/v1/notices/{made.json()['id']}/steps"
            for who, action in ((author, "submit"), (approver, "approve")):
                r = await h.client.post(url, headers=who, json={"action": action})
                assert r.status_code == 200, r.text
        return str(made.json()["id"])

    both = await notice("两栋楼停电通知", [b1, b2], publish=True)
    one = await notice("1号楼停水通知", [b1], publish=True, pinned=True)
    two = await notice("2号楼电梯检修", [b2], publish=True)
    draft = await notice("草稿：消防演练", [b1], publish=False)
    readers = {
        room: h.issuer.bearer(homes[room][1], grants=[Grant(role, "household", homes[room][0])])
        for room, role in (("101", "resident"), ("102", "tenant"), ("201", "resident"))
    }
    for room, notice_id in (("101", one), ("102", one), ("201", both), ("101", both)):
        got = await h.client.get(f"/api/v1/notices/{notice_id}", headers=readers[room])
        assert got.status_code == 200, got.text

    async def page(**params: Any) -> dict[str, Any]:
        r = await h.client.get(
            "/api/v1/notices", headers=author, params={"community_id": community, **params}
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    whole = await page()
    assert whole["total"] == 4 and whole["total_exact"] is True
    # pinned first, then the newest (a draft by its creation)
    assert [n["id"] for n in whole["items"]] == [one, draft, two, both]
    rows = {n["id"]: n for n in whole["items"]}
    assert {n: (rows[n]["audience"], rows[n]["reads"]) for n in rows} == {
        one: (2, 2),
        both: (3, 2),
        two: (1, 0),
        draft: (None, 0),
    }
    for notice_id in (one, both, two):  # the same figures as the notice's own page
        unread = await h.client.get(f"/api/v1/notices/{notice_id}/unread", headers=author)
        assert unread.status_code == 200, unread.text
        assert (unread.json()["audience"], unread.json()["reads"]) == (
            rows[notice_id]["audience"],
            rows[notice_id]["reads"],
        )
    assert {n: sorted(p["id"] for p in rows[n]["places"]) for n in rows} == {
        one: [b1],
        both: [b1, b2],
        two: [b2],
        draft: [b1],
    }
    # two pages of two: every notice once, in the same order
    first, second = await page(limit=2), await page(limit=2, offset=2)
    assert first["next_offset"] == 2 and second["next_offset"] is None
    assert [n["id"] for n in first["items"] + second["items"]] == [one, draft, two, both]
    assert [(n["audience"], n["reads"]) for n in second["items"]] == [(1, 0), (3, 2)]

    # each resident's board: the published notices for their building, pinned first, then
    # the newest, read through the community's indexes (issue 28), a page at a time
    async def board(room: str, **params: Any) -> list[str]:
        r = await h.client.get("/api/v1/notices", headers=readers[room], params=params)
        assert r.status_code == 200, r.text
        return [n["id"] for n in r.json()["items"]]

    assert await board("101") == [one, both]
    assert await board("201") == [two, both]
    assert await board("101", limit=1) + await board("101", limit=1, offset=1) == [one, both]
    # the board pages by offset: a cursor is said to be wrong, not answered with page 1
    r = await h.client.get("/api/v1/notices", headers=readers["101"], params={"cursor": "eA"})
    assert r.status_code == 400 and r.json()["code"] == "request.bad_cursor", r.text
