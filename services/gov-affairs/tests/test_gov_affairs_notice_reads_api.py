"""A caller's own read receipts of notices over HTTP on PostgreSQL and Kafka: the
residents' app asks which notices of its board page the caller has read; opening a notice
marks it, once; nobody learns another's receipts; a request is bounded."""

from __future__ import annotations

import uuid

from test_gov_affairs_notices_api import _homes

from gov_affairs_helpers import Harness
from sc_core.auth import Grant


async def test_a_resident_reads_her_own_read_marks(harness: Harness, community: str) -> None:
    h = harness
    homes = await _homes(h, community)
    author = h.staff(community, "author-r", "community_admin")
    approver = h.staff(community, "approver-r", "gov_officer")
    reader = h.issuer.bearer(
        homes["101"][1], grants=[Grant("resident", "household", homes["101"][0])], name="王秀英"
    )
    neighbour = h.issuer.bearer(
        homes["201"][1], grants=[Grant("resident", "household", homes["201"][0])], name="张建国"
    )
    ids = []
    for title in ("停水通知", "停电通知"):
        made = await h.client.post(
            "/api/v1/notices",
            headers=author,
            json={"community_id": community, "title": title, "body": "请提前做好准备。"},
        )
        assert made.status_code == 201, made.text
        url = f"/api/v1/notices/{made.json()['id']}"
        for who, action in ((author, "submit"), (approver, "approve")):
            r = await h.client.post(f"{url}/steps", headers=who, json={"action": action})
            assert r.status_code == 200, r.text
        ids.append(made.json()["id"])

    async def marks(who: dict[str, str], *notices: str) -> list[str]:
        r = await h.client.get(
            "/api/v1/notice-reads", headers=who, params={"notice_id": list(notices)}
        )
        assert r.status_code == 200, r.text
        return [m["notice_id"] for m in r.json()["items"]]

    assert await marks(reader, *ids) == []
    for _ in range(2):  # read twice: one receipt
        assert (await h.client.get(f"/api/v1/notices/{ids[0]}", headers=reader)).status_code == 200
    r = await h.client.get("/api/v1/notice-reads", headers=reader, params={"notice_id": ids})
    assert r.status_code == 200, r.text
    (mark,) = r.json()["items"]
    assert mark["notice_id"] == ids[0] and mark["read_at"]
    # the neighbour's marks are her own: the resident's receipt is not among them
    assert await marks(neighbour, *ids) == []
    assert (await h.client.get(f"/api/v1/notices/{ids[1]}", headers=neighbour)).status_code == 200
    assert await marks(neighbour, *ids) == [ids[1]]
    assert await marks(reader, *ids) == [ids[0]]
    # an unknown notice is simply unread
    assert await marks(reader, str(uuid.uuid4())) == []

    # bounded: at least one notice, at most 100, each an id
    none = await h.client.get("/api/v1/notice-reads", headers=reader)
    assert none.status_code == 422
    many = [str(uuid.uuid4()) for _ in range(101)]
    r = await h.client.get("/api/v1/notice-reads", headers=reader, params={"notice_id": many})
    assert r.status_code == 422
    bad = await h.client.get("/api/v1/notice-reads", headers=reader, params={"notice_id": "x"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert (
        await h.client.get("/api/v1/notice-reads", params={"notice_id": ids})
    ).status_code == 401
