"""Who sees a case and in which capacity: the reporter side (the household's residents and
the account that reported it) or the staff side (staff roles over its place)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from sc_core.auth import Principal, in_scope, scope_clause
from work_orders.db.models import WorkOrder
from work_orders.domain.states import ASSIGNEE_ACTIONS, RESIDENT_ROLES, STAFF_ROLES, STEPS, Actor


def is_staff_for(principal: Principal, wo: WorkOrder) -> bool:
    return in_scope(
        principal,
        community_id=wo.community_id,
        grid_id=wo.grid_id,
        building_id=wo.building_id,
        roles=STAFF_ROLES,
    )


def is_reporter_for(principal: Principal, wo: WorkOrder) -> bool:
    if wo.reporter_id is not None and wo.reporter_id == principal.subject:
        return True
    households = principal.scope_ids("household", RESIDENT_ROLES)
    return wo.household_id is not None and wo.household_id in households


def is_assignee(principal: Principal, wo: WorkOrder) -> bool:
    """The one handling it, e.g. an outside provider or a department's officer with no
    staff grant here: sees the case and works on it (ASSIGNEE_ACTIONS), nothing more."""
    return wo.assignee_id is not None and wo.assignee_id == principal.subject


def can_see(principal: Principal, wo: WorkOrder) -> bool:
    return (
        is_reporter_for(principal, wo) or is_staff_for(principal, wo) or is_assignee(principal, wo)
    )


def actor_for(principal: Principal, wo: WorkOrder, action: str) -> Actor | None:
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


def staff_clause(principal: Principal) -> ColumnElement[bool]:
    return scope_clause(
        principal,
        community_col=WorkOrder.community_id,
        grid_col=WorkOrder.grid_id,
        building_col=WorkOrder.building_id,
        roles=STAFF_ROLES,
    )


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    parts: list[Any] = [
        staff_clause(principal),
        WorkOrder.reporter_id == principal.subject,
        WorkOrder.assignee_id == principal.subject,
    ]
    households = sorted(principal.scope_ids("household", RESIDENT_ROLES))
    if households:
        parts.append(WorkOrder.household_id.in_(households))
    return or_(*parts)
