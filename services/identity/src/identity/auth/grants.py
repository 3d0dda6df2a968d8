"""Granting and revoking roles over places: who may, where the place is, the event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import select

from identity.db.auth import Account, Grant
from identity.db.register import Building, Community, Grid, Household, Unit
from identity.roles import COMMUNITY_ADMIN, PLATFORM_ONLY_ROLES
from sc_contracts.events import GrantChange, GrantChangedV1
from sc_core.audit import Auditor
from sc_core.auth import Principal
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, Problem

_PLACES: dict[str, type] = {
    "community": Community,
    "grid": Grid,
    "building": Building,
    "unit": Unit,
    "household": Household,
}


async def community_of_scope(uow: UnitOfWork, scope_type: str, scope_id: str) -> uuid.UUID | None:
    """The community a grant's place belongs to; 422 when the place does not exist."""
    if scope_type == "platform":
        if scope_id != "*":
            raise Problem(422, "grant.invalid_scope", "A platform grant's scope_id is '*'")
        return None
    try:
        place_id = uuid.UUID(scope_id)
    except ValueError:
        place_id = None
    model = _PLACES[scope_type]
    place = await uow.session.get(model, place_id) if place_id else None
    if place is None:
        raise Problem(422, "grant.unknown_scope", f"No {scope_type} with id {scope_id!r}")
    return place.id if model is Community else place.community_id


def ensure_may_grant(principal: Principal, role: str, community_id: uuid.UUID | None) -> None:
    """platform_admin grants anything; a community admin grants the community's roles,
    within their communities."""
    if principal.is_platform_admin:
        return
    if role in PLATFORM_ONLY_ROLES or community_id is None:
        raise Forbidden("grant.role_not_grantable", f"Only a platform admin may grant {role}")
    if str(community_id) not in principal.scope_ids("community", [COMMUNITY_ADMIN]):
        raise Forbidden("auth.out_of_scope", "The place is outside your communities")


async def grant(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request | None,
    *,
    account: Account,
    role: str,
    scope_type: str,
    scope_id: str,
) -> Grant:
    community_id = await community_of_scope(uow, scope_type, scope_id)
    ensure_may_grant(principal, role, community_id)
    exists = await uow.session.scalar(
        select(Grant.id).where(
            Grant.account_id == account.id,
            Grant.role == role,
            Grant.scope_type == scope_type,
            Grant.scope_id == scope_id,
        )
    )
    if exists:
        raise Conflict("grant.exists", "The account already holds this grant")
    row = Grant(
        account_id=account.id,
        role=role,
        scope_type=scope_type,
        scope_id=scope_id,
        community_id=community_id,
        created_by=principal.subject,
    )
    uow.session.add(row)
    await uow.session.flush()
    await _record(uow, auditor, principal, request, row, GrantChange.GRANTED)
    return row


async def revoke(
    uow: UnitOfWork, auditor: Auditor, principal: Principal, request: Request | None, row: Grant
) -> None:
    ensure_may_grant(principal, row.role, row.community_id)
    await uow.session.delete(row)
    await _record(uow, auditor, principal, request, row, GrantChange.REVOKED)


async def _record(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request | None,
    row: Grant,
    change: GrantChange,
) -> None:
    now = datetime.now(UTC)
    await auditor.within(
        uow,
        action=f"grant.{change.value}",
        resource_type="grant",
        resource_id=str(row.id),
        principal=principal,
        request=request,
        community_id=str(row.community_id) if row.community_id else None,
        detail={
            "account_id": str(row.account_id),
            "role": row.role,
            "scope": f"{row.scope_type}:{row.scope_id}",
        },
    )
    data = GrantChangedV1(
        aggregate_id=str(row.account_id),
        account_id=str(row.account_id),
        grant_id=str(row.id),
        change=change,
        role=row.role,
        scope_type=row.scope_type,
        scope_id=row.scope_id,
        community_id=str(row.community_id) if row.community_id else None,
        changed_by=principal.subject,
        changed_at=now,
    )
    await uow.publish(data, key=str(row.account_id))
