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

from sqlalchemy.ext.asyncio import AsyncSession

from identity.register.person_list import covering_shape, covering_statement
from identity.scope import Scope


async def covering_roles(
    session: AsyncSession, scope: Scope, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """For each person, the caller's roles (any, not only this endpoint's) whose grants
    cover one of the person's residencies (one statement kept per shape of the caller's
    grants, :mod:`identity.register.person_list`)."""
    out: dict[uuid.UUID, frozenset[str]] = {i: frozenset() for i in person_ids}
    if not person_ids or not scope.principal.roles:
        return out
    shape, values = covering_shape(scope)
    rows = await session.execute(covering_statement(shape), {**values, "person_ids": list(out)})
    roles = [role for role, _ in shape]
    for person_id, *flags in rows:
        out[person_id] = frozenset(role for role, flag in zip(roles, flags, strict=True) if flag)
    return out
