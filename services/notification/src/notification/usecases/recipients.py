"""Who a request reaches: user ids, household members and role holders, resolved from
the place directory of identity's grants and placements (``sc_core.places``)."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from notification.db.models import PLACES, grant_projection
from sc_contracts.events import Recipients
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places

HOUSEHOLD_ROLES = ("resident", "tenant", "family")
DIRECTORY = Places(PLACES)


async def resolve(uow: UnitOfWork, recipients: Recipients, community_id: str | None) -> list[str]:
    """Account ids of everyone the recipients name, each once, in a stable order.

    A role in a place reaches every holder of that role on the place or anywhere inside
    it (a resident's grant is on their household: "resident @ community" is every
    resident of its households), and the holders over the whole community of the
    request (the property's staff of the community cover its buildings)."""
    # an empty id (another service's event may carry one) names nobody
    found: dict[str, None] = dict.fromkeys(u for u in recipients.user_ids if u.strip())
    g = grant_projection.c
    clauses = []
    if recipients.household_ids:
        clauses.append(
            and_(
                g.scope_type == "household",
                g.scope_id.in_(recipients.household_ids),
                g.role.in_(HOUSEHOLD_ROLES),
            )
        )
    for wanted in recipients.roles_in_scope:
        clauses.append(DIRECTORY.holders_within(wanted.role, wanted.scope_type, wanted.scope_id))
        if community_id:
            clauses.append(
                and_(g.role == wanted.role, g.scope_type == "community", g.scope_id == community_id)
            )
    if clauses:
        rows = await uow.session.execute(
            select(g.account_id).where(or_(*clauses)).order_by(g.account_id).distinct()
        )
        for (account_id,) in rows:
            found.setdefault(account_id, None)
    return list(found)
