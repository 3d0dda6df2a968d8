"""Party affairs over HTTP on PostgreSQL and Kafka (6.5.2 b): the community's office sets
up a committee and a branch under it; the branch's secretary keeps its members (name, ID
number, phone, joining date encrypted at rest) and reads them in full, as does the
committee's secretary above it; the community's other staff read them masked, residents not
at all, and every read leaves an audit record; 三会一课 are recorded with attendance;
residents give opinions the officers answer."""

from __future__ import annotations

from sqlalchemy import text

from gov_affairs_helpers import Harness, register
from sc_contracts.events import AuditRecordedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent

ID_NUMBER = "11010519491231002X"  # GB 11643 with its check character


async def test_members_are_the_officers_to_read_and_meetings_and_opinions_are_kept(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"301": 90.0})
    office = h.staff(community, "gov-party-1", "gov_officer")
    property_manager = h.staff(community, "pm-party-1", "property_manager")
    secretary = h.issuer.bearer("acc-sec-branch")  # an officer needs no grant of the place
    above = h.issuer.bearer("acc-sec-committee")
    sun = h.issuer.bearer("acc-party-sun", grants=[Grant("resident", "household", homes["301"])])

    committee = await h.client.post(
        "/api/v1/party-orgs",
        headers=office,
        json={
            "community_id": community,
            "title": "幸福里社区党委",
            "officers": ["acc-sec-committee"],
        },
    )
    assert committee.status_code == 201, committee.text
    branch = await h.client.post(
        "/api/v1/party-orgs",
        headers=office,
        json={
            "community_id": community,
            "title": "幸福里社区第一党支部",
            "parent_id": committee.json()["id"],
            "officers": ["acc-sec-branch"],
        },
    )
    assert branch.status_code == 201, branch.text
    url = f"/api/v1/party-orgs/{branch.json()['id']}"
    by_resident = await h.client.post(
        "/api/v1/party-orgs", headers=sun, json={"community_id": community, "title": "自建支部"}
    )
    assert by_resident.status_code == 403

    added = await h.client.post(
        f"{url}/members",
        headers=secretary,
        json={
            "name": "周建国",
            "id_number": ID_NUMBER.lower(),
            "phone": "13812345678",
            "joined_on": "1975-07-01",
        },
    )
    assert added.status_code == 201, added.text
    zhou = added.json()
    assert (zhou["name"], zhou["id_number"], zhou["masked"]) == ("周建国", ID_NUMBER, False)
    second = await h.client.post(
        f"{url}/members",
        headers=office,
        json={
            "name": "吴丽",
            "id_number": "110105198503070043",
            "phone": "13900001111",
            "joined_on": "2010-06-30",
        },
    )
    assert second.status_code == 201, second.text
    bad_id = await h.client.post(
        f"{url}/members",
        headers=secretary,
        json={
            "name": "错号",
            "id_number": ID_NUMBER[:-1] + "1",
            "phone": "13812345678",
            "joined_on": "1975-07-01",
        },
    )
    assert bad_id.status_code == 422
    by_manager = await h.client.post(
        f"{url}/members",
        headers=property_manager,
        json={
            "name": "某某",
            "id_number": ID_NUMBER,
            "phone": "13812345678",
            "joined_on": "2000-01-01",
        },
    )
    assert by_manager.status_code == 403 and by_manager.json()["code"] == "party.not_an_officer"

    # at rest: no plaintext in the table
    async with h.usecases.party.db.uow(read_only=True) as uow:
        raw = (
            await uow.session.execute(
                text("SELECT name, id_number, phone, joined FROM party_members WHERE id = :id"),
                {"id": zhou["id"]},
            )
        ).one()
    assert not {"周建国", ID_NUMBER, "13812345678", "1975-07-01"} & set(raw)

    full = (await h.client.get(f"{url}/members", headers=above)).json()
    assert [(m["name"], m["phone"], m["masked"]) for m in full["items"]] == [
        ("周建国", "13812345678", False),
        ("吴丽", "13900001111", False),
    ]
    masked = (await h.client.get(f"{url}/members", headers=property_manager)).json()
    first = masked["items"][0]
    assert (first["name"], first["id_number"], first["phone"], first["joined_on"]) == (
        "周*国",
        "110***********002X",
        "138****5678",
        "1975-**-**",
    )
    assert all(m["masked"] for m in masked["items"])
    assert (await h.client.get(f"{url}/members", headers=sun)).status_code == 403

    def reads(events: list[CloudEvent]) -> list[tuple[str | None, str]]:
        return [
            (e.data.get("actor_id"), e.data["detail"].get("shown", ""))
            for e in events
            if e.data.get("action") == "party.member_read"
            and e.data.get("resource_id") == branch.json()["id"]
        ]

    audited = await h.read(AuditRecordedV1, lambda evs: len(reads(evs)) >= 2)
    assert ("acc-sec-committee", "full") in reads(audited)
    assert ("pm-party-1", "masked") in reads(audited)

    # 三会一课 with attendance
    wu = second.json()["id"]
    lecture = await h.client.post(
        f"{url}/meetings",
        headers=secretary,
        json={
            "kind": "party_lecture",
            "held_on": "2026-11-15",
            "topic": "学习党的二十届三中全会精神",
            "attended": [zhou["id"]],
            "excused": [{"member_id": wu, "reason": "出差"}],
        },
    )
    assert lecture.status_code == 201, lecture.text
    assert lecture.json()["kind_name"] == {"zh": "党课", "en": "party lecture"}
    assert lecture.json()["attendance"] == {
        "members": 2,
        "attended": 1,
        "excused": 1,
        "absent": 0,
        "percent": 50,
    }
    stranger = await h.client.post(
        f"{url}/meetings",
        headers=secretary,
        json={
            "kind": "branch_assembly",
            "held_on": "2026-11-20",
            "topic": "支部党员大会",
            "attended": ["00000000-0000-0000-0000-000000000001"],
        },
    )
    assert stranger.status_code == 422 and stranger.json()["code"] == "party.unknown_member"
    listed = (await h.client.get(f"{url}/meetings", headers=property_manager)).json()
    assert [m["topic"] for m in listed["items"]] == ["学习党的二十届三中全会精神"]
    assert (await h.client.get(f"{url}/meetings", headers=sun)).status_code == 403

    # residents' opinions, answered by the officers
    said = await h.client.post(
        f"{url}/feedback", headers=sun, json={"text": "建议党员志愿者周末到楼道清理杂物。"}
    )
    assert said.status_code == 201, said.text
    opinion = said.json()
    by_sun = await h.client.post(
        f"{url}/feedback/{opinion['id']}/answer", headers=sun, json={"text": "我自己回复"}
    )
    assert by_sun.status_code == 403
    answered = await h.client.post(
        f"{url}/feedback/{opinion['id']}/answer",
        headers=secretary,
        json={"text": "已安排本周六开展楼道清理。"},
    )
    assert answered.status_code == 200, answered.text
    own = (await h.client.get(f"{url}/feedback", headers=sun)).json()
    assert [(f["text"], f["answer"], f["mine"]) for f in own["items"]] == [
        ("建议党员志愿者周末到楼道清理杂物。", "已安排本周六开展楼道清理。", True)
    ]
    neighbour = h.issuer.bearer(
        "acc-party-zheng", grants=[Grant("resident", "household", homes["301"])]
    )
    assert (await h.client.get(f"{url}/feedback", headers=neighbour)).json()["items"] == []
    seen = (await h.client.get(url, headers=sun)).json()
    assert (seen["title"], seen["i_keep_it"], seen["officers"]) == (
        "幸福里社区第一党支部",
        False,
        [],
    )
    assert (await h.client.get(url, headers=above)).json()["i_keep_it"] is True
    outsider = h.issuer.bearer("acc-party-x", grants=[Grant("resident", "household", "h-far")])
    assert (await h.client.get(url, headers=outsider)).status_code == 403
