"""A household placed in room 502 and the signers of its community, as identity publishes
them: the start of every alteration request test."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    GrantChange,
    GrantChangedV1,
    HouseholdChange,
    HouseholdChangedV1,
    Placement,
)


async def home_and_signers(h: Harness, community: str) -> tuple[str, str, str]:
    """A household in room 502 and the property manager and committee member who sign
    for the community, as identity publishes them."""
    now = datetime.now(UTC)
    household = f"h-{uuid.uuid4().hex[:8]}"
    await h.send(
        HouseholdChangedV1(
            aggregate_id=household,
            household_id=household,
            change=HouseholdChange.CREATED,
            placement=Placement(
                community_id=community,
                building_id=f"{community}-b3",
                unit_id=f"{community}-b3-u2",
                room_id=f"{community}-r502",
                grid_id=f"{community}-g1",
                community_name="幸福里社区",
                building_name="3号楼",
                unit_name="2单元",
                room_number="502",
            ),
            member_count=2,
            status="active",
            changed_by="identity",
            changed_at=now,
        ),
        key=household,
    )
    signers = {"property_manager": f"pm-{uuid.uuid4().hex[:6]}",
               "community_admin": f"ca-{uuid.uuid4().hex[:6]}"}  # fmt: skip
    for role, account in signers.items():
        await h.send(
            GrantChangedV1(
                aggregate_id=account,
                account_id=account,
                grant_id=f"g-{account}",
                change=GrantChange.GRANTED,
                role=role,
                scope_type="community",
                scope_id=community,
                community_id=community,
                changed_by="identity",
                changed_at=now,
            ),
            key=account,
        )
    places = h.usecases.alterations.places
    grants = places.tables.grants
    assert grants is not None

    async def known() -> bool:
        async with h.usecases.alterations.db.uow(read_only=True) as uow:
            held = await uow.session.scalar(
                select(func.count()).select_from(grants).where(grants.c.community_id == community)
            )
            placed = await places.household(uow, household)
        return held == 2 and placed is not None

    await eventually(known, timeout=120, what="the household and the signers from identity")
    return household, signers["property_manager"], signers["community_admin"]
