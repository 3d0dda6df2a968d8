"""A gov-affairs list's ``next_cursor`` leads to the next page, not the first again.

Every list pages through ``sc_core.paging.fetch_page``, which offers a ``next_cursor`` when
the page is full; 25 of gov-affairs' lists passed only the limit and offset on, so a client
following the cursor (the gateway's integrators, the console's "more") got page 1 again,
for ever. Topics (6.5.1 b) stand for them all: the same two lines changed in each.
"""

from __future__ import annotations

from gov_affairs_helpers import Harness


async def test_following_next_cursor_walks_the_topics_once_each(
    harness: Harness, community: str
) -> None:
    h = harness
    staff = h.staff(community, "committee-c", "community_admin")
    titles = [f"议题 {n}" for n in range(5)]
    for title in titles:
        made = await h.client.post(
            "/api/v1/topics",
            headers=staff,
            json={"community_id": community, "title": title, "body": "请大家发表意见。"},
        )
        assert made.status_code == 201, made.text

    seen: list[str] = []
    params: dict[str, str | int] = {"community_id": community, "limit": 2}
    for _ in range(len(titles)):  # a bound, not a wait: 3 pages are expected
        page = await h.client.get("/api/v1/topics", headers=staff, params=params)
        assert page.status_code == 200, page.text
        seen += [t["title"] for t in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        params = {"community_id": community, "limit": 2, "cursor": cursor}

    assert seen == list(reversed(titles))  # newest first, each once

    by_offset = await h.client.get(
        "/api/v1/topics", headers=staff, params={"community_id": community, "limit": 2, "offset": 2}
    )
    assert [t["title"] for t in by_offset.json()["items"]] == [titles[2], titles[1]]
