"""Which of the caller's roles cover a person, read in one statement for a page of persons.

A person's masking grade is decided by the roles whose grants cover one of the places the
person lived (current or past residencies, :meth:`identity.scope.Scope.grade`). Reading
every residency of every person on the page and testing each place in Python grew with the
history: the seeded district's 100,000 residencies of 7 persons took 20 s a page. Here each
role is one ``EXISTS`` per person, which stops at the first residency the role covers: the
same roles (``Scope.clause`` is ``Scope.covers`` as SQL), at the cost of a few index
entries however long a person's history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.register import Person, Residency
from identity.scope import Scope


async def covering_roles(
    session: AsyncSession, scope: Scope, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """For each person, the caller's roles (any, not only this endpoint's) whose grants
    cover one of the person's residencies."""
    roles = sorted(scope.principal.roles)
    out: dict[uuid.UUID, frozenset[str]] = {i: frozenset() for i in person_ids}
    if not person_ids or not roles:
        return out
    covered = [
        exists()
        .where(
            Residency.person_id == Person.id,
            scope.clause(
                community_col=Residency.community_id,
                building_col=Residency.building_id,
                unit_col=Residency.unit_id,
                household_col=Residency.household_id,
                roles=[role],
            ),
        )
        .label(f"r{i}")
        for i, role in enumerate(roles)
    ]
    rows = await session.execute(select(Person.id, *covered).where(Person.id.in_(list(out))))
    for person_id, *flags in rows:
        out[person_id] = frozenset(role for role, flag in zip(roles, flags, strict=True) if flag)
    return out
