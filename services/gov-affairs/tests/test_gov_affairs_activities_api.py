"""Community activities over HTTP on PostgreSQL and Kafka (6.6): planned, approved by
someone other than the organiser, announced; residents sign up up to the capacity and then
wait in order, a cancelled place goes to the first waiting; check-in with the venue's QR
code; only those who came rate; the finished activity's summary says who came and how
they rated it, and ActivityChangedV1 carries the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gov_affairs_helpers import Harness, register
from sc_contracts.events import ActivityChangedV1
from sc_core.auth import Grant


async def test_an_activity_from_plan_to_its_summary(harness: Harness, community: str) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": 80.0, "201": 70.0})
    organiser = h.staff(community, "organiser-1", "community_admin")
    approver = h.staff(community, "approver-1", "gov_officer")
    people = {
        n: h.issuer.bearer(f"acc-{n}", grants=[Grant("resident", "household", homes[n])], name=name)
        for n, name in (("101", "王秀英"), ("102", "李明"), ("201", "张建国"))
    }
    starts = datetime.now(UTC) + timedelta(minutes=20)
    made = await h.client.post(
        "/api/v1/activities",
        headers=organiser,
        json={
            "community_id": community,
            "title": "重阳节敬老包饺子",
            "description": "与社区老人一起包饺子。",
            "venue": "社区活动室（2号楼一层）",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 2,
        },
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/activities/{made.json()['id']}"
    assert made.json()["status_name"]["zh"] == "策划中"

    async def step(who: dict[str, str], action: str) -> int:
        return (
            await h.client.post(f"{url}/steps", headers=who, json={"action": action})
        ).status_code

    assert await step(organiser, "submit") == 200
    own = await h.client.post(f"{url}/steps", headers=organiser, json={"action": "approve"})
    assert own.status_code == 403 and own.json()["detail"] == "活动须由策划人以外的人审核"
    assert await step(approver, "approve") == 200
    early = await h.client.post(f"{url}/signups", headers=people["101"], json={})
    assert early.status_code == 422 and early.json()["code"] == "activity.not_open"
    assert await step(organiser, "announce") == 200

    first = await h.client.post(f"{url}/signups", headers=people["101"], json={})
    assert first.status_code == 201 and first.json()["mine"]["status_name"]["zh"] == "已报名"
    assert (
        await h.client.post(f"{url}/signups", headers=people["102"], json={})
    ).status_code == 201
    third = (await h.client.post(f"{url}/signups", headers=people["201"], json={})).json()
    assert third["mine"]["status_name"]["zh"] == "候补中"
    assert third["mine"]["waiting_position"] == 1 and (third["taken"], third["waiting"]) == (2, 1)
    twice = await h.client.post(f"{url}/signups", headers=people["101"], json={})
    assert twice.status_code == 409 and twice.json()["code"] == "activity.already_signed_up"
    await h.client.post(f"{url}/signups/cancel", headers=people["102"])
    promoted = (await h.client.get(url, headers=people["201"])).json()
    assert (
        promoted["mine"]["status"] == "confirmed" and promoted["mine"]["waiting_position"] is None
    )

    code = (await h.client.get(f"{url}/check-in-code", headers=organiser)).json()["code"]
    assert (await h.client.get(f"{url}/check-in-code", headers=people["101"])).status_code == 403
    wrong = await h.client.post(f"{url}/check-in", headers=people["101"], json={"code": "x"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "activity.bad_check_in_code"
    came = await h.client.post(f"{url}/check-in", headers=people["101"], json={"code": code})
    assert came.status_code == 200 and came.json()["mine"]["checked_in"] is True

    # the activity has taken place (the use case's clock, not a wait)
    h.usecases.activities.clock = lambda: starts + timedelta(hours=1)
    try:
        rated = await h.client.post(
            f"{url}/rating", headers=people["101"], json={"stars": 5, "comment": "饺子很好吃"}
        )
        assert rated.status_code == 200, rated.text
        absent = await h.client.post(f"{url}/rating", headers=people["201"], json={"stars": 1})
        assert absent.status_code == 422 and absent.json()["code"] == "activity.not_attended"
        not_yet = await h.client.get(f"{url}/summary", headers=organiser)
        assert not_yet.status_code == 409
        assert await step(organiser, "finish") == 200
    finally:
        h.usecases.activities.clock = lambda: datetime.now(UTC)
    summary = (await h.client.get(f"{url}/summary", headers=people["201"])).json()
    assert summary["title"]["zh"] == "重阳节敬老包饺子活动小结"
    assert "在社区活动室（2号楼一层）举办了“重阳节敬老包饺子”活动" in summary["paragraph"]["zh"]
    assert (
        "共有2人报名，实到1人，到场率50%。1位居民参与评价，平均5.0分" in summary["paragraph"]["zh"]
    )
    assert summary["comments"] == ["饺子很好吃"]
    events = await h.read(
        ActivityChangedV1,
        lambda found: any(e.data["status"] == "finished" for e in found),
    )
    done = next(e.data for e in events if e.data["status"] == "finished")
    assert (done["signed_up"], done["came"], done["average_rating"]) == (2, 1, 5.0)
