"""Who sees a case and in which capacity: the reporter side (the household's residents and
the account that reported it) or the staff side (staff roles over its place). Pure: the
same rules as WHERE clauses are in :mod:`work_orders.db.cases`."""

from __future__ import annotations

from typing import Protocol

from sc_core.auth import Principal, in_scope
from work_orders.domain.states import ASSIGNEE_ACTIONS, RESIDENT_ROLES, STAFF_ROLES, STEPS, Actor


class Placed(Protocol):
    """What the rules read of a case."""

    community_id: str
    grid_id: str | None
    building_id: str | None
    household_id: str | None
    reporter_id: str | None
    assignee_id: str | None


def is_staff_for(principal: Principal, wo: Placed) -> bool:
    return in_scope(
        principal,
        community_id=wo.community_id,
        grid_id=wo.grid_id,
        building_id=wo.building_id,
        roles=STAFF_ROLES,
    )


def is_reporter_for(principal: Principal, wo: Placed) -> bool:
    if wo.reporter_id is not None and wo.reporter_id == principal.subject:
        return True
    households = principal.scope_ids("household", RESIDENT_ROLES)
    return wo.household_id is not None and wo.household_id in households


def is_assignee(principal: Principal, wo: Placed) -> bool:
    """The one handling it, e.g. an outside provider or a department's officer with no
    staff grant here: sees the case and works on it (ASSIGNEE_ACTIONS), nothing more."""
    return wo.assignee_id is not None and wo.assignee_id == principal.subject


def can_see(principal: Principal, wo: Placed) -> bool:
    return (
        is_reporter_for(principal, wo) or is_staff_for(principal, wo) or is_assignee(principal, wo)
    )


def actor_for(principal: Principal, wo: Placed, action: str) -> Actor | None:
    """The capacity in which ``principal`` may take ``action`` on ``wo``."""
    allowed = STEPS[action].actors
    if "reporter" in allowed and is_reporter_for(principal, wo):
        return "reporter"
    if "staff" in allowed and is_staff_for(principal, wo):
        return "staff"
    if "staff" in allowed and action in ASSIGNEE_ACTIONS and is_assignee(principal, wo):
        return "staff"
    if is_reporter_for(principal, wo):
        return "reporter"
    if is_staff_for(principal, wo):
        return "staff"
    return None
