"""The population sweep's findings of a batch of communities for a day (split from
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


async def findings_of(
    uow: UnitOfWork, rules: Rules, communities: list[str], day: date
) -> dict[str, list[tuple[d.Finding, ResidentRow | None]]]:
    """The day's findings in each of ``communities`` (one statement per kind of row for
    all of them): keys seen often and carried by nobody registered, residents not seen
    for long (with their residence row)."""
    since = day - timedelta(days=rules.window_days - 1)
    sightings_of: dict[str, list[SightingRow]] = {}
    window = select(SightingRow).where(
        SightingRow.community_id.in_(communities),
        SightingRow.day >= since,
        SightingRow.day <= day,
    )
    for r in await uow.session.scalars(window):
        sightings_of.setdefault(r.community_id, []).append(r)
    # the keys and people of the batch are read by subquery, not bound one by one: a
    # community of 40,000 residents is more than the 32,767 values a statement can bind
    known = (
        frozenset(
            await uow.session.scalars(
                select(KnownKeyRow.key_idx).where(
                    KnownKeyRow.key_idx.in_(window.with_only_columns(SightingRow.key_idx))
                )
            )
        )
        if sightings_of
        else frozenset()
    )
    residents_of: dict[str, dict[str, ResidentRow]] = {}
    living = select(ResidentRow).where(
        ResidentRow.community_id.in_(communities), ResidentRow.active
    )
    for resident in await uow.session.scalars(living):
        residents_of.setdefault(resident.community_id, {})[resident.person_id] = resident
    seen = (
        {
            person: last
            for person, last in await uow.session.execute(
                select(SeenRow.person_id, SeenRow.last_seen_on).where(
                    SeenRow.person_id.in_(living.with_only_columns(ResidentRow.person_id))
                )
            )
        }
        if residents_of
        else {}
    )
    return {
        c: _findings(rules, day, sightings_of.get(c, []), known, residents_of.get(c, {}), seen)
        for c in communities
    }


def _findings(
    rules: Rules,
    day: date,
    rows: list[SightingRow],
    known: frozenset[str],
    residents: dict[str, ResidentRow],
    seen: dict[str, date],
) -> list[tuple[d.Finding, ResidentRow | None]]:
    """One community's findings from its rows (the rules of the domain)."""
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
    absent = d.absent_residents(
        [d.Resident(r.person_id, r.community_id, r.moved_in_on) for r in residents.values()],
        {p: seen[p] for p in residents if p in seen},
        day,
        absent_days=rules.absent_days,
        grace_days=rules.grace_days,
    )
    out += [(f, residents[f.key.removeprefix("person:")]) for f in absent]
    return out
