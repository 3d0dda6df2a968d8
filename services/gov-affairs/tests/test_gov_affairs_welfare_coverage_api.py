"""Welfare coverage over HTTP on a real PostgreSQL and Kafka (issue 23 item 3, ADR 0059):
the statistics of the welfare register carry each place's registered population (identity's
placement events, moved-out residents no longer counted) and the beneficiaries per 1,000
residents in words; a grid of fewer than five residents shows neither (suppressed, as the
exchange's population dataset is)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from test_gov_affairs_hall_api import _apply, _id, _upload

from gov_affairs.db.population import ResidentRow
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    HouseholdChange,
    HouseholdChangedV1,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    ResidencyEndedV1,
)


def _place(community: str, grid: str) -> Placement:
    return Placement(
        community_id=community,
        building_id=f"{community}-{grid}-b",
        unit_id=f"{community}-{grid}-u",
        room_id=f"{community}-{grid}-r",
        grid_id=grid,
    )


async def _household(h: Harness, community: str, household: str, grid: str) -> None:
    await h.send(
        HouseholdChangedV1(
            aggregate_id=household,
            household_id=household,
            change=HouseholdChange.CREATED,
            placement=_place(community, grid),
            member_count=1,
            status="active",
            changed_by="identity",
            changed_at=datetime.now(UTC),
        ),
        key=household,
    )


async def _residents(h: Harness, community: str, grid: str, n: int) -> list[str]:
    people = []
    for _ in range(n):
        person = f"p-{uuid.uuid4().hex[:10]}"
        await h.send(
            PersonRegisteredV1(
                aggregate_id=person,
                person_id=person,
                household_id=f"hh-{community}-{grid}",
                relation=HouseholdRelation.FAMILY,
                placement=_place(community, grid),
                registered_by="grid-worker",
                registered_at=datetime.now(UTC),
            ),
            key=person,
        )
        people.append(person)
    return people


async def _counted(h: Harness, community: str, n: int) -> None:
    async def arrived() -> bool:
        async with h.usecases.welfare.db.uow(read_only=True) as uow:
            found = await uow.session.scalar(
                select(func.count())
                .select_from(ResidentRow)
                .where(ResidentRow.community_id == community, ResidentRow.active)
            )
        return found == n

    await eventually(arrived, timeout=120, what=f"{n} registered residents of {community}")


async def test_coverage_per_thousand_residents_and_small_grids_suppressed(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.staff(community, f"admin-{community}", "community_admin")
    # grid A: seven registered, one moves out; grid B: three
    big = await _residents(h, community, "g-a", 7)
    await _residents(h, community, "g-b", 3)
    await h.send(
        ResidencyEndedV1(
            aggregate_id=big[0],
            person_id=big[0],
            residency_id=f"res-{big[0]}",
            household_id=f"hh-{community}-g-a",
            placement=_place(community, "g-a"),
            moved_out_on=date.today().isoformat(),
            recorded_by="grid-worker",
        ),
        key=big[0],
    )
    await _counted(h, community, 9)

    # one elder of each grid is granted the old-age allowance at once (即办)
    for grid, name, born in (("g-a", "王秀英", "19400212"), ("g-b", "陈秀兰", "19380301")):
        household = f"hh-{community}-{grid}"
        await _household(h, community, household, grid)
        elder = h.resident(household, sub=f"elder-{household}")
        form = {
            "name": name,
            "id_number": _id(born),
            "hukou_local": True,
            "on_behalf": False,
            "phone": "13812345678",
            "bank_account": "6222020200112233445",
        }
        materials = await _upload(h, elder, "id_card", "hukou_book", "bank_card")
        granted = await _apply(
            h, elder, {"item_code": "old_age_allowance", "data": form, "materials": materials}
        )
        assert granted["status"] == "approved", granted

    month = datetime.now(UTC).strftime("%Y-%m")
    r = await h.client.get(
        "/api/v1/welfare/statistics",
        headers=admin,
        params={"community_id": community, "by": "grid", "month": month},
    )
    assert r.status_code == 200, r.text
    rows = {s["place_id"]: s for s in r.json()}
    a, b = rows["g-a"], rows["g-b"]
    assert (a["active"], a["population"], a["coverage_per_thousand"]) == (1, 6, "166.7")
    assert a["suppressed"] is False
    assert a["coverage_words"] == {
        "zh": "每千名居民166.7人（1/6）",
        "en": "166.7 per 1,000 residents (1 of 6)",
    }
    # three residents: a rate would point at them
    assert (b["active"], b["population"], b["coverage_per_thousand"]) == (1, None, None)
    assert b["suppressed"] is True
    assert b["coverage_words"] == {
        "zh": "登记居民不足5人，不计算覆盖率",
        "en": "Fewer than 5 registered residents: coverage not shown",
    }

    whole = await h.client.get(
        "/api/v1/welfare/statistics",
        headers=admin,
        params={"community_id": community, "by": "community", "month": month},
    )
    [c] = whole.json()
    assert (c["place_id"], c["active"], c["population"]) == (community, 2, 9)
    assert (c["coverage_per_thousand"], c["suppressed"]) == ("222.2", False)
