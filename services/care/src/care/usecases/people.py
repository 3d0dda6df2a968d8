"""The people whose records an account may read a part of: themselves, their wards, and
those whose consent grants them that part (for lists scoped to "mine and my family's")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BindParameter, CompoundSelect, String, bindparam, cast, func, select, union

from care.db.models import CarePerson, ConsentGrant
from care.domain import consent as c
from care.usecases.common import grant_of, subject_of
from sc_core.db.uow import UnitOfWork

MAX_PEOPLE = 200


def reachable() -> CompoundSelect:
    """Ids of the records the account (bind parameter ``account``) is the person of, a
    guardian of, or granted a part of (consent still decides each). A UNION, not one OR:
    each part walks its own index (``user_id``, the GIN index on ``guardians``, the grants'
    ``grantee``), where the OR read every record (116 ms at 100,000 records; ADR 0061)."""
    account: BindParameter[str] = bindparam("account", type_=String)
    return union(
        select(CarePerson.id).where(CarePerson.user_id == account),
        select(CarePerson.id).where(
            CarePerson.guardians.contains(func.jsonb_build_array(cast(account, String)))
        ),
        select(ConsentGrant.person_id).where(
            ConsentGrant.grantee == account, ConsentGrant.revoked_at.is_(None)
        ),
    )


# Built once and run with {"account": ...}: building the UNION and keying it anew on every
# call was ~4 % of an empty family page's CPU (py-spy; ADR 0066, session 14's addendum).
CANDIDATES = select(CarePerson.id).where(CarePerson.id.in_(reachable())).limit(MAX_PEOPLE)


async def visible_people(
    uow: UnitOfWork, account: str, category: c.Category, at: datetime
) -> list[str]:
    """Ids of the records whose ``category`` ``account`` may read at ``at`` (consent
    decides each; at most :data:`MAX_PEOPLE`)."""
    candidates = list(await uow.session.scalars(CANDIDATES, {"account": account}))
    if not candidates:
        return []
    # the records and their grants in one query each, not two per person (up to 400
    # round trips for an account granted 200 records: ADR 0066)
    rows = await uow.session.scalars(select(CarePerson).where(CarePerson.id.in_(candidates)))
    people = {r.id: r for r in rows}
    grants: dict[str, list[c.Grant]] = {}
    found = await uow.session.scalars(
        select(ConsentGrant).where(ConsentGrant.person_id.in_(candidates))
    )
    for g in found:
        grants.setdefault(g.person_id, []).append(grant_of(g))
    return [
        person_id
        for person_id in candidates
        if person_id in people
        and c.decide(
            subject_of(people[person_id]), grants.get(person_id, []), account, category, at
        ).allowed
    ]
