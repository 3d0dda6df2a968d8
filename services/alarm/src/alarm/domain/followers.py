"""Who follows an alarm without being staff of its place: whom its plan told (a special
person's family, the people a notification plan names). They read the alarm and its
timeline, hear of its steps (acknowledged, assigned, cleared), and acknowledge it when
the plan lets them (``notified_may_ack``). Pure: a principal and an alarm row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.dialects.postgresql import array

from sc_core.auth import Principal

HOUSEHOLD_ROLES = frozenset({"resident", "tenant", "family"})


def households_of(principal: Principal) -> frozenset[str]:
    return principal.scope_ids("household", HOUSEHOLD_ROLES)


def is_notified(principal: Principal, alarm: Any) -> bool:
    """The caller was told of this alarm by its plan (by name, or their household)."""
    if principal.subject in (alarm.notified_user_ids or []):
        return True
    return bool(households_of(principal) & set(alarm.notified_household_ids or []))


def may_acknowledge(principal: Principal, alarm: Any) -> bool:
    return bool(alarm.notified_may_ack) and is_notified(principal, alarm)


def notified_clause(
    principal: Principal, users_col: Any, households_col: Any
) -> ColumnElement[bool]:
    """Rows whose plan told the caller (OR it with the staff and household scope)."""
    clauses = [users_col.contains([principal.subject])]
    households = sorted(households_of(principal))
    if households:
        clauses.append(households_col.has_any(array(households)))
    return or_(false(), *clauses)
