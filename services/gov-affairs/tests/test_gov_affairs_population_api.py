"""Population checks over Kafka, PostgreSQL and HTTP (6.5.2 a): gate passages fed through
the broker are folded into day sightings kept as keyed digests (no face template id or
card number in clear at rest); the daily sweep, once per community and day, flags a face
seen on five days by nobody registered (with its days and doors) and a resident
registered long ago and never seen, for the grid worker and the community police (told
through the notification service), but not a face a device matched to a resident, nor a
card seen twice, nor a resident who passed yesterday; the flags are scoped to the
caller's grids and communities and worked like a case (assign, note, close with what was
found, reopen); the next day's sweep adds a new day to the open flag instead of a
second one."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text

from gov_affairs.db.models import FlagRow, SightingRow
from gov_affairs.db.population import ResidentRow, SeenRow
from gov_affairs.domain.population import CHINA
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    HouseholdRelation,
    NotificationRequestedV1,
    PassageDirection,
    PassageMethod,
    PassageRecordedV1,
    PersonRegisteredV1,
    Placement,
    PopulationFlagChangedV1,
)
from sc_core.auth import Grant


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHINA)


async def _register(h: Harness, community: str, person: str, since: datetime) -> str:
    household = f"h-{uuid.uuid4().hex[:8]}"
    await h.send(
        PersonRegisteredV1(
            aggregate_id=person,
            person_id=person,
            household_id=household,
            relation=HouseholdRelation.OWNER,
            placement=Placement(
                community_id=community,
                building_id=f"{community}-b1",
                unit_id=f"{community}-b1-u1",
                room_id=f"{community}-r101",
                grid_id=f"{community}-g1",
                community_name="幸福里社区",
                building_name="1号楼",
                unit_name="1单元",
                room_number="101",
            ),
            registered_by="grid-1",
            registered_at=since,
        ),
        key=person,
    )
    return household


async def _pass(h: Harness, community: str, at: datetime, door: str, **who: Any) -> None:
    await h.send(
        PassageRecordedV1(
            passage_id=f"ps-{uuid.uuid4().hex[:12]}",
            device_id=f"dev-{door}",
            door_id=door,
            community_id=community,
            direction=PassageDirection.IN,
            method=PassageMethod.CARD if "card_no" in who else PassageMethod.FACE,
            ts=at,
            **who,
        ),
        key=f"dev-{door}",
    )


async def _rows(h: Harness, model: Any, *where: Any) -> int:
    async with h.usecases.population.db.uow(read_only=True) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model).where(*where)))


async def test_passages_to_flags_worked_like_a_case(harness: Harness, community: str) -> None:
    h = harness
    today = datetime.now(UTC).astimezone(CHINA).date()
    long_ago = datetime.now(UTC) - timedelta(days=100)
    absent, present = f"p-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    face_x, face_b = f"face-{uuid.uuid4().hex[:10]}", f"face-{uuid.uuid4().hex[:10]}"
    card = f"card-{uuid.uuid4().hex[:8]}"
    await _register(h, community, absent, long_ago)
    await _register(h, community, present, long_ago)
    # the resident who passes: a device matched her face yesterday, then saw it unmatched
    await _pass(h, community, _at(today - timedelta(days=1), 8), "gate-east", person_id=present,
                face_id=face_b)  # fmt: skip
    for back in range(1, 6):
        day = today - timedelta(days=back)
        door = "gate-east" if back % 2 else "gate-north"
        await _pass(h, community, _at(day, 9), door, face_id=face_x)
        await _pass(h, community, _at(day, 19), "gate-east", face_id=face_x)
        await _pass(h, community, _at(day, 10), "gate-east", face_id=face_b)
    for back in (1, 2):
        await _pass(h, community, _at(today - timedelta(days=back)), "gate-east", card_no=card)

    async def folded() -> bool:
        sightings = await _rows(h, SightingRow, SightingRow.community_id == community)
        residents = await _rows(h, ResidentRow, ResidentRow.community_id == community)
        seen = await _rows(h, SeenRow, SeenRow.person_id == present)
        return sightings == 12 and residents == 2 and seen == 1

    await eventually(folded, timeout=120, what="the passages and residents folded")

    # no face template id or card number in clear at rest
    async with h.usecases.population.db.uow(read_only=True) as uow:
        for table in ("sightings", "population_known_keys"):
            dump = await uow.session.scalar(text(f"select string_agg(t::text, '|') from {table} t"))
            assert dump and face_x not in dump and face_b not in dump and card not in dump

    now = datetime.now(UTC)
    assert await h.usecases.population.sweep(now) == 1
    assert await h.usecases.population.sweep(now) == 0  # that day is checked once
    assert await _rows(h, FlagRow, FlagRow.community_id == community) == 2

    police = h.staff(community, f"police-{uuid.uuid4().hex[:6]}", "police")
    worker = h.grid_worker(f"{community}-g1", f"gw-{uuid.uuid4().hex[:6]}")
    other_worker = h.grid_worker(f"{community}-g9", f"gw-{uuid.uuid4().hex[:6]}")
    listed = await h.client.get(
        f"/api/v1/population-flags?community_id={community}", headers=police
    )
    assert listed.status_code == 200, listed.text
    flags = {f["kind"]: f for f in listed.json()["items"]}
    assert set(flags) == {"unregistered_frequent", "absent_resident"}
    seen_often = flags["unregistered_frequent"]
    assert seen_often["kind_name"]["zh"] == "入住未登记"
    assert "近14天内有5天出入小区但未登记" in seen_often["summary"]["zh"]
    assert [e["day"] for e in seen_often["evidence"]] == [
        (today - timedelta(days=back)).isoformat() for back in range(5, 0, -1)
    ]
    assert {e["count"] for e in seen_often["evidence"]} == {2}
    assert {tuple(e["doors"]) for e in seen_often["evidence"]} == {
        ("gate-east",),
        ("gate-east", "gate-north"),
    }
    gone = flags["absent_resident"]
    assert (gone["person_id"], gone["grid_id"], gone["status_name"]["zh"]) == (
        absent,
        f"{community}-g1",
        "待处理",
    )
    as_worker = (await h.client.get("/api/v1/population-flags", headers=worker)).json()
    assert {f["id"] for f in as_worker["items"]} == {seen_often["id"], gone["id"]}
    assert (await h.client.get("/api/v1/population-flags", headers=other_worker)).json()[
        "items"
    ] == []
    resident = h.issuer.bearer("acc-res", grants=[Grant("resident", "household", "h-x")])
    assert (await h.client.get("/api/v1/population-flags", headers=resident)).status_code == 403
    assert (
        await h.client.get(f"/api/v1/population-flags/{gone['id']}", headers=other_worker)
    ).status_code == 404

    # told to the grid worker and the community police
    requests = await h.read(
        NotificationRequestedV1,
        lambda found: (
            sum(
                1
                for e in found
                if e.data["template"] == "gov.flag.opened" and e.data["community_id"] == community
            )
            >= 2
        ),
    )
    told = [
        e.data
        for e in requests
        if e.data["template"] == "gov.flag.opened" and e.data["community_id"] == community
    ]
    about_absent = next(r for r in told if r["correlation_id"] == gone["id"])
    assert {(s["role"], s["scope_id"]) for s in about_absent["recipients"]["roles_in_scope"]} == {
        ("police", community),
        ("grid_worker", f"{community}-g1"),
    }
    assert about_absent["variables"]["title"] == "人口核查：离开未注销"
    assert about_absent["variables"]["body"].startswith(
        "幸福里社区 1号楼1单元101室：已99天没有出入记录"
    )

    # worked like a case
    url = f"/api/v1/population-flags/{gone['id']}/steps"
    elsewhere = await h.client.post(
        url, headers=worker, json={"action": "assign", "assignee": "someone-else"}
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["code"] == "flag.assignee_out_of_scope"
    mine = await h.client.post(url, headers=worker, json={"action": "assign"})
    assert mine.status_code == 200, mine.text
    assert mine.json()["assignee"] == mine.json()["timeline"][-1]["actor"]
    noted = await h.client.post(
        url, headers=worker, json={"action": "note", "note": "电话联系未接通，已上门"}
    )
    assert noted.json()["status_name"]["zh"] == "正在核查"
    bare = await h.client.post(url, headers=worker, json={"action": "close"})
    assert bare.status_code == 422 and bare.json()["code"] == "flag.resolution_required"
    closed = await h.client.post(
        url,
        headers=worker,
        json={"action": "close", "resolution": "moved_out_recorded", "note": "已搬离，办理迁出"},
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["resolution_name"]["zh"]) == (
        "closed",
        "已办理迁出",
    )
    assert [t["action"] for t in closed.json()["timeline"]] == [
        "open",
        "assign",
        "note",
        "resolve",
        "close",
    ]
    again = await h.client.post(url, headers=police, json={"action": "close"})
    assert again.status_code == 409 and again.json()["code"] == "flag.bad_state"
    reopened = await h.client.post(url, headers=police, json={"action": "reopen", "note": "复核"})
    assert reopened.json()["status"] == "in_progress" and reopened.json()["resolution"] is None

    # the next day: a new day joins the open flag, no second flag
    await _pass(h, community, _at(today, 9), "gate-west", face_id=face_x)

    async def sixth_day() -> bool:
        return await _rows(h, SightingRow, SightingRow.community_id == community) == 13

    await eventually(sixth_day, timeout=120, what="today's passage folded")
    assert await h.usecases.population.sweep(now + timedelta(days=1)) == 1
    assert await _rows(h, FlagRow, FlagRow.community_id == community) == 2
    grown = (
        await h.client.get(f"/api/v1/population-flags/{seen_often['id']}", headers=police)
    ).json()
    assert len(grown["evidence"]) == 6 and grown["evidence"][-1]["doors"] == ["gate-west"]
    assert "近14天内有6天" in grown["summary"]["zh"]
    changes = await h.read(
        PopulationFlagChangedV1,
        lambda found: any(
            e.data["flag_id"] == seen_often["id"] and e.data["evidence_days"] == 6 for e in found
        ),
    )
    assert {e.data["kind"] for e in changes if e.data["community_id"] == community} == {
        "unregistered_frequent",
        "absent_resident",
    }
