"""Contact data and preferences per user: locale, phone (encrypted, masked), push tokens,
quiet hours and channel opt-outs. Each user sets their own; admins set their staff's."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from notification.api.deps import ADMINS, NOTIFICATION_ADMINS
from notification.db.models import grant_projection, preference
from notification.domain.rules import INTERRUPTING, parse_hhmm
from sc_core.api import AuditorDep, UnitOfWorkDep
from sc_core.auth import CurrentPrincipal, Principal
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import Sensitive, mask_model

router = APIRouter(tags=["preferences"])
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,22}[0-9]$")
UserId = Annotated[str, Path(min_length=1, max_length=128)]
# Roles whose contacts an admin of their community may set (staff, not residents).
STAFF_ROLES = ("property_staff", "property_manager", "grid_worker", "community_admin", "police")


class PreferenceUpdate(BaseModel):
    """Fields left out keep their value; null clears one."""

    locale: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    timezone: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=24)
    push_tokens: list[Annotated[str, Field(min_length=1, max_length=512)]] | None = Field(
        default=None, max_length=10
    )
    quiet_start: str | None = Field(default=None, description="HH:MM local time")
    quiet_end: str | None = Field(default=None, description="HH:MM local time")
    opt_out: list[str] | None = Field(default=None, description="push, sms or voice")

    @field_validator("push_tokens")
    @classmethod
    def _tokens(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any("\x00" in t for t in value):  # JSONB cannot hold NUL
            raise ValueError("push tokens may not contain NUL characters")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError("not a phone number")
        return value

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None:
            parse_hhmm(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        from zoneinfo import ZoneInfo

        if value is not None:
            try:
                ZoneInfo(value)
            except Exception as exc:
                raise ValueError("unknown time zone") from exc
        return value

    @field_validator("opt_out")
    @classmethod
    def _channels(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            unknown = set(value) - INTERRUPTING
            if unknown:
                raise ValueError(f"only push, sms and voice can be opted out of: {sorted(unknown)}")
            return sorted(set(value))
        return value


class PreferenceRead(BaseModel):
    user_id: str
    locale: str | None = None
    timezone: str | None = None
    phone: Annotated[str | None, Sensitive("mobile")] = None
    push_tokens: int = Field(default=0, description="How many push tokens are registered.")
    quiet_start: str | None = None
    quiet_end: str | None = None
    opt_out: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None


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
    values = body.model_dump(exclude_unset=True)
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
            403, "auth.out_of_scope", "You may set the contacts of your community's staff only"
        )


@router.get("/api/v1/notification-preferences/me", summary="My notification preferences")
async def get_mine(principal: CurrentPrincipal, uow: UnitOfWorkDep) -> PreferenceRead:
    return mask_model(await _load(uow, principal.subject), principal.grade, self_or_household=True)


@router.put("/api/v1/notification-preferences/me", summary="Change my notification preferences")
async def put_mine(
    body: PreferenceUpdate,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PreferenceRead:
    await save(uow, principal.subject, body, principal.subject)
    await auditor.within(
        uow,
        action="preference.update",
        resource_type="notification_preference",
        resource_id=principal.subject,
        principal=principal,
        request=request,
        detail={"fields": ",".join(sorted(body.model_fields_set))},
    )
    await uow.commit()
    return mask_model(await _load(uow, principal.subject), principal.grade, self_or_household=True)


@router.get(
    "/api/v1/notification-preferences/{user_id}", summary="A staff member's preferences (admins)"
)
async def get_staff(
    user_id: UserId, principal: ADMINS, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> PreferenceRead:
    await _ensure_staff_of(uow, principal, user_id)
    read = await _load(uow, user_id)
    masked = mask_model(read, principal.grade)
    if read.phone and masked.phone == read.phone:  # a phone shown in clear: a sensitive read
        await auditor.record(
            action="preference.read",
            resource_type="notification_preference",
            resource_id=user_id,
            principal=principal,
            request=request,
        )
    return masked


@router.put(
    "/api/v1/notification-preferences/{user_id}", summary="Set a staff member's preferences"
)
async def put_staff(
    user_id: UserId,
    body: PreferenceUpdate,
    principal: ADMINS,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PreferenceRead:
    await _ensure_staff_of(uow, principal, user_id)
    await save(uow, user_id, body, principal.subject)
    await auditor.within(
        uow,
        action="preference.update",
        resource_type="notification_preference",
        resource_id=user_id,
        principal=principal,
        request=request,
        detail={"fields": ",".join(sorted(body.model_fields_set))},
    )
    await uow.commit()
    return mask_model(await _load(uow, user_id), principal.grade)


class PushTokenBody(BaseModel):
    token: str = Field(min_length=1, max_length=512, pattern=r"^[^\x00]+$")


MAX_PUSH_TOKENS = 10


@router.post(
    "/api/v1/notification-preferences/me/push-tokens",
    summary="Register this device's push token (kept once; the 10 newest are kept)",
)
async def add_push_token(
    body: PushTokenBody,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PreferenceRead:
    current = await uow.session.scalar(
        select(preference.c.push_tokens)
        .where(preference.c.user_id == principal.subject)
        .with_for_update()
    )
    tokens = [t for t in (current or []) if t != body.token] + [body.token]
    await save(
        uow,
        principal.subject,
        PreferenceUpdate(push_tokens=tokens[-MAX_PUSH_TOKENS:]),
        principal.subject,
    )
    await auditor.within(
        uow,
        action="preference.push_token_add",
        resource_type="notification_preference",
        resource_id=principal.subject,
        principal=principal,
        request=request,
    )
    await uow.commit()
    return mask_model(await _load(uow, principal.subject), principal.grade, self_or_household=True)


@router.post(
    "/api/v1/notification-preferences/me/push-tokens/remove",
    summary="Forget a push token (log-out on that device)",
)
async def remove_push_token(
    body: PushTokenBody,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PreferenceRead:
    current = await uow.session.scalar(
        select(preference.c.push_tokens)
        .where(preference.c.user_id == principal.subject)
        .with_for_update()
    )
    if current and body.token in current:
        await save(
            uow,
            principal.subject,
            PreferenceUpdate(push_tokens=[t for t in current if t != body.token]),
            principal.subject,
        )
        await auditor.within(
            uow,
            action="preference.push_token_remove",
            resource_type="notification_preference",
            resource_id=principal.subject,
            principal=principal,
            request=request,
        )
        await uow.commit()
    return mask_model(await _load(uow, principal.subject), principal.grade, self_or_household=True)
