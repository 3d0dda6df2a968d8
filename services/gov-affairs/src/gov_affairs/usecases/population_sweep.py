"""The population check's daily sweep (人口核查 6.5.2 a; split from
:mod:`gov_affairs.usecases.population`): once per community and Beijing day, across
restarts and replicas (a claimed ``population_sweeps`` row), the day that ended is checked
and each finding opens a flag or adds its new days to the key's open flag.

Communities are checked in batches of :data:`BATCH` (ADR 0066, session 14's addendum):
one transaction claims a batch in one ``INSERT ... ON CONFLICT DO NOTHING RETURNING``,
reads the batch's sightings, known keys, residents and last-seen days in one statement
each, and writes one audit record per community checked. One transaction and about nine
statements per community kept the service busy for hours over the seeded 90,000
communities of one resident each, and its lists waited behind it (4.5 s p50 in the walk).
What is found, flagged, told and audited per community is unchanged."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select, union, update
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.models import FlagRow, SightingRow
from gov_affairs.db.population import ResidentRow, SweepRow
from gov_affairs.domain import population as d
from gov_affairs.usecases.population_findings import findings_of
from gov_affairs.usecases.population_rows import (
    CHINA,
    Rules,
    digest,
    domain_of,
    publish,
    tell,
    write,
)
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places

BATCH = 200
"""Communities claimed and checked in one transaction."""


class PopulationSweep:
    """The sweeping half of :class:`gov_affairs.usecases.population.Population`."""

    db: Database
    places: Places
    rules: Rules
    clock: Callable[[], datetime]

    async def sweep(self, now: datetime | None = None) -> int:
        """Check the day that ended in each community not checked for it yet; the number
        of communities checked by this call."""
        now = now or self.clock()
        day = now.astimezone(CHINA).date() - timedelta(days=1)
        since = day - timedelta(days=self.rules.window_days - 1)
        # the communities with sightings or residents, less those checked for the day
        # already: one statement, so a tick after the day's check costs one read, not a
        # claim attempt (a transaction) per community
        seen = union(
            select(SightingRow.community_id.label("community_id")).where(SightingRow.day >= since),
            select(ResidentRow.community_id.label("community_id")).where(ResidentRow.active),
        ).subquery()
        checked = exists().where(SweepRow.community_id == seen.c.community_id, SweepRow.day == day)
        async with self.db.uow(read_only=True) as uow:
            communities = list(
                await uow.session.scalars(
                    select(seen.c.community_id).where(~checked).order_by(seen.c.community_id)
                )
            )
        done = 0
        for start in range(0, len(communities), BATCH):
            done += await self._sweep_batch(communities[start : start + BATCH], day, now)
        return done

    async def _sweep_batch(self, communities: list[str], day: date, now: datetime) -> int:
        """Claim and check a batch of communities for ``day``; the number claimed (those
        another replica, or a run before a restart, checked already are left out)."""
        async with self.db.uow() as uow:
            claimed = sorted(
                await uow.session.scalars(
                    insert(SweepRow)
                    .values(
                        [
                            {
                                "community_id": c,
                                "day": day,
                                "swept_at": now,
                                "flags_opened": 0,
                                "flags_updated": 0,
                            }
                            for c in communities
                        ]
                    )
                    .on_conflict_do_nothing()
                    .returning(SweepRow.community_id)
                )
            )
            if not claimed:
                return 0
            found = await findings_of(uow, self.rules, claimed, day)
            for community in claimed:
                opened = updated = 0
                for finding, where in found.get(community, []):
                    changed = await self._raise(uow, finding, where, now)
                    opened += changed == "opened"
                    updated += changed == "evidence"
                if opened or updated:  # the claimed row says 0 and 0 otherwise
                    await uow.session.execute(
                        update(SweepRow)
                        .where(SweepRow.community_id == community, SweepRow.day == day)
                        .values(flags_opened=opened, flags_updated=updated)
                    )
                await uow.audit(
                    None,
                    "population.sweep",
                    "population_sweep",
                    f"{community}:{day.isoformat()}",
                    community_id=community,
                    detail={"opened": opened, "updated": updated},
                )
            await uow.commit()
        return len(claimed)

    async def _raise(
        self, uow: UnitOfWork, f: d.Finding, resident: ResidentRow | None, now: datetime
    ) -> str | None:
        """Open a flag for the finding, or add its new days to the key's open flag."""
        idx = f.key if resident is None else digest(f.key)
        row = await uow.session.scalar(
            select(FlagRow)
            .where(
                FlagRow.community_id == f.community_id,
                FlagRow.kind == f.kind,
                FlagRow.key_idx == idx,
                FlagRow.status != "closed",
            )
            .with_for_update()
        )
        if row is not None:
            before = domain_of(row)
            after = d.add_evidence(before, f, now)
            if after is before:
                return None
            write(row, after, now)
            await publish(uow, row, now)
            return "evidence"
        flag = d.open_flag(f, now)
        row = FlagRow(
            id=uuid.uuid4(),
            community_id=f.community_id,
            grid_id=resident.grid_id if resident else None,
            building_id=resident.building_id if resident else None,
            person_id=resident.person_id if resident else None,
            household_id=resident.household_id if resident else None,
            room_id=resident.room_id if resident else None,
            kind=f.kind,
            key_idx=idx,
            opened_at=now,
        )
        write(row, flag, now)
        uow.session.add(row)
        await uow.session.flush()
        await publish(uow, row, now)
        await tell(uow, self.places, row, now)
        return "opened"
