"""Consultation topics over HTTP on PostgreSQL (6.5.1 b): the committee opens a topic,
residents comment (named masked), a comment with advertising waits for a moderator and is
hidden with a reason its author reads, outsiders can neither read nor comment."""

from __future__ import annotations

from gov_affairs_helpers import Harness, register
from sc_core.auth import Grant


async def test_residents_discuss_and_a_moderator_hides_an_advert_saying_why(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": 80.0})
    staff = h.staff(community, "committee-t", "community_admin")
    wang = h.issuer.bearer(
        "acc-wang", grants=[Grant("resident", "household", homes["101"])], name="王秀英"
    )
    li = h.issuer.bearer("acc-li", grants=[Grant("tenant", "household", homes["102"])], name="李明")
    made = await h.client.post(
        "/api/v1/topics",
        headers=staff,
        json={
            "community_id": community,
            "title": "小区停车位如何分配更公平？",
            "body": "地面车位共 120 个，请大家谈谈分配办法。",
        },
    )
    assert made.status_code == 201, made.text
    topic = made.json()
    url = f"/api/v1/topics/{topic['id']}"
    assert topic["status_name"] == {"zh": "讨论中", "en": "open"}
    body = {"community_id": community, "title": "我也想开个议题", "body": "……"}
    by_wang = await h.client.post("/api/v1/topics", headers=wang, json=body)
    assert by_wang.status_code == 403 and by_wang.json()["code"] == "auth.out_of_scope"

    said = await h.client.post(f"{url}/comments", headers=wang, json={"text": "建议按摇号分配。"})
    assert said.status_code == 201 and said.json()["status_name"]["zh"] == "已公开"
    advert = await h.client.post(
        f"{url}/comments", headers=li, json={"text": "低价代开发票，加微信 abc123"}
    )
    assert advert.status_code == 201 and advert.json()["status_name"]["zh"] == "待审核"
    outsider = h.issuer.bearer("acc-x", grants=[Grant("resident", "household", "h-elsewhere")])
    refused = await h.client.post(f"{url}/comments", headers=outsider, json={"text": "路过"})
    assert refused.status_code == 403

    seen_by_wang = (await h.client.get(f"{url}/comments", headers=wang)).json()
    assert [(c["author_name"], c["text"]) for c in seen_by_wang["items"]] == [
        ("王*英", "建议按摇号分配。")
    ]
    seen_by_staff = (await h.client.get(f"{url}/comments", headers=staff)).json()
    assert seen_by_staff["total"] == 2
    pending = next(c for c in seen_by_staff["items"] if c["status"] == "pending")
    assert pending["author_name"] == "李*"

    moderate = f"{url}/comments/{pending['id']}/moderate"
    no_reason = await h.client.post(moderate, headers=staff, json={"decision": "hide"})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "topic.reason_required"
    assert no_reason.json()["detail"] == "隐藏意见须说明理由，发表者会看到"
    by_resident = await h.client.post(moderate, headers=wang, json={"decision": "show", "note": ""})
    assert by_resident.status_code == 403
    hidden = await h.client.post(
        moderate, headers=staff, json={"decision": "hide", "note": "含广告内容"}
    )
    assert hidden.status_code == 200 and hidden.json()["status_name"]["zh"] == "已隐藏"
    own = (await h.client.get(f"{url}/comments", headers=li)).json()
    mine = next(c for c in own["items"] if c["mine"])
    assert (mine["status_name"]["zh"], mine["moderation_note"]) == ("已隐藏", "含广告内容")
    assert len((await h.client.get(f"{url}/comments", headers=wang)).json()["items"]) == 1
    assert (await h.client.get(url, headers=outsider)).status_code == 403
    listed = (
        await h.client.get("/api/v1/topics", headers=li, params={"community_id": community})
    ).json()
    assert [t["title"] for t in listed["items"]] == ["小区停车位如何分配更公平？"]
