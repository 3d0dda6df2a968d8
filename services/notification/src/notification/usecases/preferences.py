"""Contact data and preferences per user: each user sets their own, admins set their
community's staff's. Every change is audited; an admin's read of a phone shown in clear
is the audited read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from notification.api.schemas.preferences import PreferenceRead, PreferenceUpdate
from notification.db.models import grant_projection, preference
from notification.domain.access import NOTIFICATION_ADMINS, STAFF_ROLES
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import mask_model

MAX_PUSH_TOKENS = 10


async def _load(uow: UnitOfWork, user_id: str) -> PreferenceRead:
    row = (
        await uow.session.execute(select(preference).where(preference.c.user_id == user_id))
    ).first()
    if row is None:
        return PreferenceRead(user_id=user_id)
    return PreferenceRead(
        user_id=row.user_id,
        locale=row.locale,
        timezone=row.timezone,
        phone=row.phone,
        push_tokens=len(row.push_tokens or []),
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        opt_out=list(row.opt_out or []),
        updated_at=row.updated_at,
    )


async def save(uow: UnitOfWork, user_id: str, body: PreferenceUpdate, actor: str) -> None:
    values: dict[str, Any] = body.model_dump(exclude_unset=True)
    if "opt_out" in values and values["opt_out"] is None:
        values["opt_out"] = []
    if "push_tokens" in values and values["push_tokens"] is None:
        values["push_tokens"] = []
    values.update(updated_by=actor, updated_at=func.now())
    await uow.session.execute(
        insert(preference)
        .values(user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["user_id"], set_=values)
    )


async def _ensure_staff_of(uow: UnitOfWork, principal: Principal, user_id: str) -> None:
    if principal.is_platform_admin:
        return
    communities = sorted(principal.scope_ids("community", NOTIFICATION_ADMINS))
    g = grant_projection.c
    found = await uow.session.scalar(
        select(g.grant_id)
        .where(
            g.account_id == user_id,
            g.community_id.in_(communities),
            g.role.in_(STAFF_ROLES),
        )
        .limit(1)
    )
    if found is None:
        raise Problem(
            403,
            "auth.out_of_scope",
            "You may set the contacts of your community's staff only",
            zh="您只能设置本社区工作人员的联系方式",
        )


def _own(who: Principal, read: PreferenceRead) -> PreferenceRead:
    return mask_model(read, who.grade, self_or_household=True)


class Preferences:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def mine(self, principal: Principal) -> PreferenceRead:
        async with self.db.uow(read_only=True) as uow:
            return _own(principal, await _load(uow, principal.subject))

    async def set_mine(self, who: Caller, body: PreferenceUpdate) -> PreferenceRead:
        async with self.db.uow() as uow:
            await save(uow, who.subject, body, who.subject)
            await uow.audit(
                who,
                "preference.update",
                "notification_preference",
                who.subject,
                detail={"fields": ",".join(sorted(body.model_fields_set))},
            )
            await uow.commit()
            return _own(who.principal, await _load(uow, who.subject))

    async def staff(self, who: Caller, user_id: str) -> PreferenceRead:
        """A staff member's preferences, for an admin of their community."""
        async with self.db.uow(read_only=True) as uow:
            await _ensure_staff_of(uow, who.principal, user_id)
            read = await _load(uow, user_id)
            masked = mask_model(read, who.principal.grade)
            if read.phone and masked.phone == read.phone:  # a phone shown in clear: audited
                await uow.audit(who, "preference.read", "notification_preference", user_id)
                await uow.commit()
        return masked

    async def set_staff(self, who: Caller, user_id: str, body: PreferenceUpdate) -> PreferenceRead:
        async with self.db.uow() as uow:
            await _ensure_staff_of(uow, who.principal, user_id)
            await save(uow, user_id, body, who.subject)
            await uow.audit(
                who,
                "preference.update",
                "notification_preference",
                user_id,
                detail={"fields": ",".join(sorted(body.model_fields_set))},
            )
            await uow.commit()
            return mask_model(await _load(uow, user_id), who.principal.grade)

    async def _tokens(self, uow: UnitOfWork, user_id: str) -> list[str] | None:
        current: list[str] | None = await uow.session.scalar(
            select(preference.c.push_tokens)
            .where(preference.c.user_id == user_id)
            .with_for_update()
        )
        return current

    async def add_push_token(self, who: Caller, token: str) -> PreferenceRead:
        """Register this device's push token: kept once, the newest ten kept."""
        async with self.db.uow() as uow:
            current = await self._tokens(uow, who.subject)
            tokens = [t for t in (current or []) if t != token] + [token]
            update = PreferenceUpdate(push_tokens=tokens[-MAX_PUSH_TOKENS:])
            await save(uow, who.subject, update, who.subject)
            await uow.audit(
                who, "preference.push_token_add", "notification_preference", who.subject
            )
            await uow.commit()
            return _own(who.principal, await _load(uow, who.subject))

    async def remove_push_token(self, who: Caller, token: str) -> PreferenceRead:
        """Forget a push token (log-out on that device); nothing to forget changes nothing."""
        async with self.db.uow() as uow:
            current = await self._tokens(uow, who.subject)
            if current and token in current:
                update = PreferenceUpdate(push_tokens=[t for t in current if t != token])
                await save(uow, who.subject, update, who.subject)
                await uow.audit(
                    who, "preference.push_token_remove", "notification_preference", who.subject
                )
                await uow.commit()
            return _own(who.principal, await _load(uow, who.subject))
