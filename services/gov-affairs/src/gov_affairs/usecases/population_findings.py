"""The population sweep's findings of one community and day (split from
:mod:`gov_affairs.usecases.population`): the window's sightings against the keys matched
to registered people, and the active residents against the day each was last seen. The
rules are :mod:`gov_affairs.domain.population`'s."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from gov_affairs.db.models import SightingRow
from gov_affairs.db.population import KnownKeyRow, ResidentRow, SeenRow
from gov_affairs.domain import population as d
from gov_affairs.usecases.population_rows import Rules
from sc_core.db.uow import UnitOfWork


async def findings(
    uow: UnitOfWork, rules: Rules, community: str, day: date
) -> list[tuple[d.Finding, ResidentRow | None]]:
    """The day's findings in a community: keys seen often and carried by nobody
    registered, residents not seen for long (with their residence row)."""
    since = day - timedelta(days=rules.window_days - 1)
    rows = list(
        await uow.session.scalars(
            select(SightingRow).where(
                SightingRow.community_id == community,
                SightingRow.day >= since,
                SightingRow.day <= day,
            )
        )
    )
    known = frozenset(
        await uow.session.scalars(
            select(KnownKeyRow.key_idx).where(
                KnownKeyRow.key_idx.in_(sorted({r.key_idx for r in rows}))
            )
        )
    )
    sightings = [
        d.DaySighting(
            community_id=r.community_id,
            key=r.key_idx,  # the digest: the finding never carries the key itself
            day=r.day,
            count=r.count,
            first=r.first_at,
            last=r.last_at,
            doors=set(r.doors),
        )
        for r in rows
    ]
    out: list[tuple[d.Finding, ResidentRow | None]] = [
        (f, None)
        for f in d.frequent_unregistered(
            sightings,
            day,
            window_days=rules.window_days,
            min_days=rules.min_days,
            registered_keys=known,
        )
    ]
    residents = {
        r.person_id: r
        for r in await uow.session.scalars(
            select(ResidentRow).where(ResidentRow.community_id == community, ResidentRow.active)
        )
    }
    seen = {
        person: day
        for person, day in await uow.session.execute(
            select(SeenRow.person_id, SeenRow.last_seen_on).where(
                SeenRow.person_id.in_(sorted(residents))
            )
        )
    }
    absent = d.absent_residents(
        [d.Resident(r.person_id, r.community_id, r.moved_in_on) for r in residents.values()],
        seen,
        day,
        absent_days=rules.absent_days,
        grace_days=rules.grace_days,
    )
    out += [(f, residents[f.key.removeprefix("person:")]) for f in absent]
    return out
