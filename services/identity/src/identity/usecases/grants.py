"""Grants: a role over a place. Who may grant which role where, the place's community, the
audit record and ``GrantChangedV1`` of every change; :meth:`Grants.grant` also runs inside
another use case's unit of work (an account created with its grants)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, select, true

from identity.auth.accounts import load_for_grant
from identity.auth.schemas import GrantCreate
from identity.db.auth import Account, Grant
from identity.db.register import Building, Community, Grid, Household, Unit
from identity.roles import COMMUNITY_ADMIN, PLATFORM_ONLY_ROLES
from sc_contracts.events import GrantChange, GrantChangedV1
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, NotFound, Problem

_PLACES: dict[str, type] = {
    "community": Community,
    "grid": Grid,
    "building": Building,
    "unit": Unit,
    "household": Household,
}

# How a refusal names a grant's place and role to a person (never their keys).
_SCOPE_WORDS = {
    "community": "社区",
    "grid": "网格",
    "building": "楼栋",
    "unit": "单元",
    "household": "住户",
}
_ROLE_WORDS = {
    "platform_admin": "平台管理员角色",
    "auditor": "审计员角色",
    "integrator": "数据对接角色",
    "community_admin": "社区管理员角色",
}


async def community_of_scope(uow: UnitOfWork, scope_type: str, scope_id: str) -> uuid.UUID | None:
    """The community a grant's place belongs to; 422 when the place does not exist."""
    if scope_type == "platform":
        if scope_id != "*":
            raise Problem(
                422,
                "grant.invalid_scope",
                "A platform grant's scope_id is '*'",
                zh="平台级授权的范围须为全平台",
            )
        return None
    try:
        place_id = uuid.UUID(scope_id)
    except ValueError:
        place_id = None
    model = _PLACES[scope_type]
    place = await uow.session.get(model, place_id) if place_id else None
    if place is None:
        raise Problem(
            422,
            "grant.unknown_scope",
            f"No {scope_type} with id {scope_id!r}",
            zh=f"找不到授权所指的{_SCOPE_WORDS.get(scope_type, '位置')}",
        )
    return place.id if model is Community else place.community_id


def ensure_may_grant(principal: Principal, role: str, community_id: uuid.UUID | None) -> None:
    """platform_admin grants anything; a community admin grants the community's roles,
    within their communities."""
    if principal.is_platform_admin:
        return
    if role in PLATFORM_ONLY_ROLES or community_id is None:
        raise Forbidden(
            "grant.role_not_grantable",
            f"Only a platform admin may grant {role}",
            zh=f"只有平台管理员可以授予{_ROLE_WORDS.get(role, '该角色')}",
        )
    if str(community_id) not in principal.scope_ids("community", [COMMUNITY_ADMIN]):
        raise Forbidden(
            "auth.out_of_scope",
            "The place is outside your communities",
            zh="该位置不在您管理的社区内",
        )


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """Grants a caller may see: all for a platform admin, else those in their communities."""
    if principal.is_platform_admin:
        return true()
    ids = [uuid.UUID(c) for c in principal.scope_ids("community", [COMMUNITY_ADMIN])]
    return Grant.community_id.in_(ids)


class Grants:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        account_id: uuid.UUID | None = None,
        role: str | None = None,
    ) -> tuple[list[Grant], int]:
        query = select(Grant).where(visible_clause(who.principal))
        if account_id is not None:
            query = query.where(Grant.account_id == account_id)
        if role:
            query = query.where(Grant.role == role)
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(
                uow.session, query.order_by(Grant.created_at, Grant.id), paging
            )
            return list(rows), total

    async def create(self, who: Caller, body: GrantCreate) -> Grant:
        async with self.db.uow() as uow:
            account = await load_for_grant(uow, who.principal, body.account_id)
            row = await self.grant(
                uow,
                who,
                account=account,
                role=body.role,
                scope_type=body.scope_type,
                scope_id=body.scope_id,
            )
            await uow.commit()
            return row

    async def delete(self, who: Caller, grant_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            row = await uow.session.get(Grant, grant_id)
            if row is None:
                raise NotFound("grant.not_found", "No such grant", zh="找不到该授权")
            ensure_may_grant(who.principal, row.role, row.community_id)
            await uow.session.delete(row)
            await record_grant_change(uow, who, row, GrantChange.REVOKED)
            await uow.commit()

    @staticmethod
    async def grant(
        uow: UnitOfWork,
        who: Caller,
        *,
        account: Account,
        role: str,
        scope_type: str,
        scope_id: str,
    ) -> Grant:
        """Give ``account`` the role in ``uow`` (the caller's unit of work commits it)."""
        principal = who.principal
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
            raise Conflict(
                "grant.exists", "The account already holds this grant", zh="该账号已有此授权"
            )
        row = Grant(
            account_id=account.id,
            account_username=account.username,
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            community_id=community_id,
            created_by=principal.subject,
        )
        uow.session.add(row)
        await uow.session.flush()
        await record_grant_change(uow, who, row, GrantChange.GRANTED)
        return row


async def record_grant_change(
    uow: UnitOfWork, who: Caller | None, row: Grant, change: GrantChange
) -> None:
    """The audit record and the ``GrantChangedV1`` of a grant given or revoked (``who``
    None: identity itself, e.g. a tenancy that reached its end date)."""
    now = datetime.now(UTC)
    await uow.audit(
        who,
        f"grant.{change.value}",
        "grant",
        str(row.id),
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
        changed_by=who.subject if who is not None else "identity",
        changed_at=now,
    )
    await uow.publish(data, key=str(row.account_id))
