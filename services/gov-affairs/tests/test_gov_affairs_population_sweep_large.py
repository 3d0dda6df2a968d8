"""The population sweep checks a community larger than a statement can bind (asyncpg
sends at most 32,767 values): the seeded district's communities of 10,000 residents
each failed every sweep with ``the number of query arguments cannot exceed 32767``, the
batch's residents and their last-seen days having been bound one by one. Here one
community of 33,000 residents, all seen yesterday, is checked, and none is flagged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from gov_affairs.db.models import FlagRow
from gov_affairs.db.population import SweepRow
from gov_affairs.domain.population import CHINA
from gov_affairs_helpers import Harness

RESIDENTS = 33_000


async def test_a_community_of_33000_residents_is_checked(harness: Harness) -> None:
    population = harness.usecases.population
    now = datetime.now(UTC)
    yesterday = now.astimezone(CHINA).date() - timedelta(days=1)
    community = f"c-large-{uuid.uuid4().hex[:8]}"
    async with population.db.uow() as uow:
        # registered long ago, every one of them through a gate yesterday
        await uow.session.execute(
            text(
                "INSERT INTO population_residents (person_id, household_id, community_id,"
                " moved_in_on, active, updated_at)"
                " SELECT :c || '-p' || g, :c || '-h' || g, :c, :since, true, now()"
                " FROM generate_series(1, :n) AS g"
            ),
            {"c": community, "since": yesterday - timedelta(days=400), "n": RESIDENTS},
        )
        await uow.session.execute(
            text(
                "INSERT INTO population_seen (person_id, last_seen_on)"
                " SELECT :c || '-p' || g, :day FROM generate_series(1, :n) AS g"
            ),
            {"c": community, "day": yesterday, "n": RESIDENTS},
        )
        await uow.commit()

    assert await population.sweep(now) >= 1

    async with population.db.uow(read_only=True) as uow:
        swept = await uow.session.scalar(
            select(SweepRow.flags_opened).where(
                SweepRow.community_id == community, SweepRow.day == yesterday
            )
        )
        flags = await uow.session.scalar(
            select(func.count()).select_from(FlagRow).where(FlagRow.community_id == community)
        )
    assert swept == 0  # checked for the day
    assert flags == 0  # everyone was seen
