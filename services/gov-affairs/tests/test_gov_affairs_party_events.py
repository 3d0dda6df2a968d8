"""Party affairs on ``gov.party.v1`` over PostgreSQL and Kafka (6.5.2 b, ADR 0055): a 三会一课
meeting recorded through the API is published with its kind, organisation, community, day
and attendance counts; a resident's opinion given and then answered is published as ids and
times. No event carries a member's name, ID number, phone or id, an officer, the resident,
the meeting's topic or an opinion's text."""

from __future__ import annotations

import json

from gov_affairs_helpers import Harness, register
from sc_contracts.events import PartyMeetingRecordedV1, PartyOpinionChangedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent


async def test_meetings_and_opinions_are_published_without_a_person(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"502": 88.0})
    office = h.staff(community, "gov-party-ev", "gov_officer")
    secretary = h.issuer.bearer("acc-sec-events")
    resident = h.issuer.bearer(
        "acc-party-qian", grants=[Grant("resident", "household", homes["502"])]
    )
    made = await h.client.post(
        "/api/v1/party-orgs",
        headers=office,
        json={
            "community_id": community,
            "title": "幸福里社区第二党支部",
            "officers": ["acc-sec-events"],
        },
    )
    assert made.status_code == 201, made.text
    org_id = made.json()["id"]
    url = f"/api/v1/party-orgs/{org_id}"
    people = [
        ("钱志明", "110105196203150034", "13811112222"),
        ("孙秀英", "110105197008200029", "13933334444"),
        ("李卫东", "110105198811110019", "13755556666"),
    ]
    members = []
    for name, id_number, phone in people:
        added = await h.client.post(
            f"{url}/members",
            headers=secretary,
            json={"name": name, "id_number": id_number, "phone": phone, "joined_on": "1990-07-01"},
        )
        assert added.status_code == 201, added.text
        members.append(added.json()["id"])

    topic = "学习《中国共产党章程》第三章"
    meeting = await h.client.post(
        f"{url}/meetings",
        headers=secretary,
        json={
            "kind": "branch_assembly",
            "held_on": "2026-11-20",
            "topic": topic,
            "attended": [members[0]],
            "excused": [{"member_id": members[1], "reason": "住院治疗"}],
        },
    )
    assert meeting.status_code == 201, meeting.text

    opinion_text, answer_text = "希望支部组织党员为独居老人送餐。", "下周起每周三安排两名党员送餐。"
    said = await h.client.post(f"{url}/feedback", headers=resident, json={"text": opinion_text})
    assert said.status_code == 201, said.text
    opinion_id = said.json()["id"]
    answered = await h.client.post(
        f"{url}/feedback/{opinion_id}/answer", headers=secretary, json={"text": answer_text}
    )
    assert answered.status_code == 200, answered.text

    def of_org(found: list[CloudEvent], kind: str) -> list[dict[str, object]]:
        return [e.data for e in found if e.type == kind and e.data.get("org_id") == org_id]

    meetings = of_org(
        await h.read(
            PartyMeetingRecordedV1,
            lambda found: bool(of_org(found, PartyMeetingRecordedV1.event_type)),
        ),
        PartyMeetingRecordedV1.event_type,
    )
    assert len(meetings) == 1
    recorded = meetings[0]
    assert recorded["meeting_id"] == meeting.json()["id"]
    assert (recorded["community_id"], recorded["kind"], recorded["held_on"]) == (
        community,
        "branch_assembly",
        "2026-11-20",
    )
    assert (
        recorded["members"],
        recorded["attended"],
        recorded["excused"],
        recorded["absent"],
    ) == (3, 1, 1, 1)

    opinions = of_org(
        await h.read(
            PartyOpinionChangedV1,
            lambda found: len(of_org(found, PartyOpinionChangedV1.event_type)) >= 2,
        ),
        PartyOpinionChangedV1.event_type,
    )
    assert [(o["opinion_id"], o["action"]) for o in opinions] == [
        (opinion_id, "given"),
        (opinion_id, "answered"),
    ]
    assert opinions[0]["answered_at"] is None
    assert opinions[1]["answered_at"] is not None
    assert opinions[0]["given_at"] == opinions[1]["given_at"]

    # nobody in them: no member, officer, resident, topic or text
    said_aloud = json.dumps(meetings + opinions, ensure_ascii=False)
    for secret in [
        *members,
        *(value for person in people for value in person),
        "acc-sec-events",
        "acc-party-qian",
        "住院治疗",
        topic,
        opinion_text,
        answer_text,
    ]:
        assert secret not in said_aloud, secret
