"""The population sweep checks communities in batches (ADR 0066, session 14's addendum) on
PostgreSQL and Kafka, with what each community gets unchanged: five communities in batches
of two, each with a resident registered long ago and never seen (flagged), one with a
resident seen yesterday too (not flagged); every community is claimed once for the day,
its sweep row counts its own flags, and it leaves one audit record of its own on the
audit topic; a second sweep of the day checks nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from gov_affairs.db.models import FlagRow
from gov_affairs.db.population import SeenRow, SweepRow
from gov_affairs.domain.population import CHINA
from gov_affairs.usecases import population_sweep
from gov_affairs_helpers import Harness
from sc_contracts.events import AuditRecordedV1, HouseholdRelation, PersonRegisteredV1, Placement
from sc_core.bus.cloudevents import CloudEvent


def _registered(community: str, person: str, since: datetime) -> PersonRegisteredV1:
    return PersonRegisteredV1(
        aggregate_id=person,
        person_id=person,
        household_id=f"h-{uuid.uuid4().hex[:8]}",
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
    )


async def test_communities_checked_in_batches_each_as_alone(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    population = h.usecases.population
    monkeypatch.setattr(population_sweep, "BATCH", 2)
    now = datetime.now(UTC)
    yesterday = now.astimezone(CHINA).date() - timedelta(days=1)
    tag = uuid.uuid4().hex[:8]
    communities = [f"c-sweep-{tag}-{i}" for i in range(5)]
    absent = {c: f"p-absent-{c}" for c in communities}
    present = f"p-present-{tag}"
    async with population.db.uow() as uow:
        for c in communities:
            await population.on_resident(_registered(c, absent[c], now - timedelta(days=100)), uow)
        await population.on_resident(
            _registered(communities[2], present, now - timedelta(days=100)), uow
        )
        uow.session.add(SeenRow(person_id=present, last_seen_on=yesterday))
        await uow.commit()

    assert await population.sweep(now) == 5
    assert await population.sweep(now) == 0  # each community is checked once a day

    async with population.db.uow(read_only=True) as uow:
        flags = (
            await uow.session.execute(
                select(FlagRow.community_id, FlagRow.person_id).where(
                    FlagRow.community_id.in_(communities)
                )
            )
        ).all()
        sweeps = (
            await uow.session.execute(
                select(SweepRow.community_id, SweepRow.flags_opened, SweepRow.flags_updated).where(
                    SweepRow.community_id.in_(communities), SweepRow.day == yesterday
                )
            )
        ).all()
    assert sorted(flags) == sorted((c, absent[c]) for c in communities)
    assert sorted(sweeps) == sorted((c, 1, 0) for c in communities)

    def swept(found: list[CloudEvent]) -> list[CloudEvent]:
        return [
            e
            for e in found
            if e.data.get("action") == "population.sweep"
            and e.data.get("community_id") in communities
        ]

    audited = swept(await h.read(AuditRecordedV1, lambda found: len(swept(found)) >= 5))
    assert sorted(e.data["resource_id"] for e in audited) == sorted(
        f"{c}:{yesterday.isoformat()}" for c in communities
    )
    assert all(e.data["detail"] == {"opened": "1", "updated": "0"} for e in audited)
