"""Polls over HTTP on PostgreSQL and Kafka (6.5.1 b): residents of the community vote once
(single or multiple choice), staff and outsiders cannot, nobody sees counts before the
close; once closed the results are published with every ballot (receipt, choices, hash
chain) so anyone recounts and each voter finds their receipt, and VoteClosedV1 carries
the chain's head."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gov_affairs.domain import consultation as c
from gov_affairs_helpers import Harness, owner, register
from sc_contracts.events import VoteClosedV1


async def test_residents_vote_once_and_the_closed_poll_is_recounted_by_anyone(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": 90.0, "201": 60.0})
    staff = h.staff(community, "committee-p", "community_admin")
    now = datetime.now(UTC)
    made = await h.client.post(
        "/api/v1/polls",
        headers=staff,
        json={
            "community_id": community,
            "question": "小区希望增设哪些便民设施？",
            "question_en": "Which amenities should the community add?",
            "options": [
                {"zh": "快递柜", "en": "Parcel lockers"},
                {"zh": "电动车充电桩", "en": "E-bike chargers"},
                {"zh": "健身器材", "en": "Fitness equipment"},
            ],
            "multiple": True,
            "max_choices": 2,
            "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(days=3)).isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    poll = made.json()
    url = f"/api/v1/polls/{poll['id']}"
    assert poll["status_name"]["zh"] == "表决中" and poll["options"][1]["zh"] == "电动车充电桩"

    receipts = []
    for number, choices in (("101", [0, 1]), ("102", [1]), ("201", [1, 2])):
        r = await h.client.post(
            f"{url}/votes", headers=owner(h, homes[number]), json={"choices": choices}
        )
        assert r.status_code == 201, r.text
        assert r.json()["message"]["zh"].startswith("投票成功")
        receipts.append(r.json()["receipt"])
    again = await h.client.post(
        f"{url}/votes", headers=owner(h, homes["101"]), json={"choices": [2]}
    )
    assert again.status_code == 409 and again.json()["code"] == "poll.already_voted"
    assert again.json()["detail"] == "您已经投过票了，每人只能投一次"
    too_many = await h.client.post(
        f"{url}/votes", headers=owner(h, homes["102"], "family"), json={"choices": [0, 1, 2]}
    )
    assert too_many.status_code == 422 and too_many.json()["code"] == "poll.too_many_choices"
    staff_vote = await h.client.post(f"{url}/votes", headers=staff, json={"choices": [0]})
    assert staff_vote.status_code == 403 and staff_vote.json()["code"] == "poll.not_eligible"
    outsider = h.staff("c-other", "someone", "community_admin")
    assert (await h.client.get(url, headers=outsider)).status_code == 403

    open_now = (await h.client.get(url, headers=owner(h, homes["201"]))).json()
    assert open_now["results"] is None and open_now["ballots"] == 3 and open_now["voted"]
    early = await h.client.get(f"{url}/ballots", headers=staff)
    assert early.status_code == 409 and early.json()["code"] == "poll.still_open"

    assert await h.usecases.polls.close_due(now + timedelta(days=4)) >= 1
    closed = (await h.client.get(url, headers=owner(h, homes["102"]))).json()
    assert closed["status_name"]["zh"] == "已结束"
    assert [(r["option"]["zh"], r["votes"]) for r in closed["results"]] == [
        ("快递柜", 1),
        ("电动车充电桩", 3),
        ("健身器材", 1),
    ]
    page = (await h.client.get(f"{url}/ballots", headers=owner(h, homes["102"]))).json()
    entries = [
        c.BallotEntry(b["seq"], b["receipt"], tuple(b["choices"]), b["prev"], b["hash"])
        for b in page["items"]
    ]
    assert page["total"] == 3 and c.verify_chain(entries) and c.head(entries) == page["head"]
    assert sorted(e.receipt for e in entries) == sorted(receipts)
    assert "voter" not in page["items"][0]
    events = await h.read(
        VoteClosedV1, lambda found: any(e.data["vote_id"] == poll["id"] for e in found)
    )
    event = next(e.data for e in events if e.data["vote_id"] == poll["id"])
    assert (event["kind"], event["ballots"], event["head"]) == ("poll", 3, page["head"])
    late = await h.client.post(
        f"{url}/votes", headers=owner(h, homes["102"], "tenant"), json={"choices": [0]}
    )
    assert late.status_code == 409 and late.json()["code"] == "poll.closed"
