"""Dependencies of the audit API: the use cases, who may read the trail, settings, search
filters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement

from audit.config import Settings
from audit.db.models import AuditRecord
from audit.db.queries import RecordFilters
from audit.domain.vocabulary import READER_ROLES
from audit.usecases import UseCases
from sc_contracts.events.audit import AuditOutcome
from sc_core.auth import Caller, CurrentPrincipal, scope_clause
from sc_core.errors import Forbidden, Problem
from sc_core.schema import Instant


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_usecases(request: Request) -> UseCases:
    usecases: UseCases = request.app.state.usecases
    return usecases


SettingsDep = Annotated[Settings, Depends(get_settings)]
UseCasesDep = Annotated[UseCases, Depends(get_usecases)]


async def audit_reader(
    request: Request, principal: CurrentPrincipal, usecases: UseCasesDep
) -> Caller:
    """Auditors and platform admins; anyone else gets 403, and the attempt is recorded."""
    who = Caller.of(request, principal)
    if not principal.has_role(*READER_ROLES):
        await usecases.trail.refuse(who, request.url.path)
        raise Forbidden(
            "auth.forbidden",
            "The audit trail is open to auditors and platform admins only",
            zh="审计记录仅向审计员和平台管理员开放",
            required_roles=list(READER_ROLES),
        )
    return who


Reader = Annotated[Caller, Depends(audit_reader)]


async def reader_scope(who: Reader) -> ColumnElement[bool]:
    """platform_admin or a platform grant: every record; community grants of the reader
    roles: the records of those communities."""
    return scope_clause(who.principal, community_col=AuditRecord.community_id, roles=READER_ROLES)


Scope = Annotated[ColumnElement[bool], Depends(reader_scope)]


def aware(value: datetime | None, settings: Settings) -> datetime | None:
    """A time without an offset is read in the audit time zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=settings.zone)


async def record_filters(
    settings: SettingsDep,
    actor: Annotated[str | None, Query(max_length=256, description="actor id")] = None,
    action: Annotated[
        str | None, Query(max_length=128, description="exact, or a prefix: auth.*")
    ] = None,
    resource_type: Annotated[str | None, Query(max_length=128)] = None,
    resource_id: Annotated[str | None, Query(max_length=256)] = None,
    outcome: AuditOutcome | None = None,
    start: Annotated[
        Instant | None,
        Query(alias="from", description="occurred at or after (no offset: audit time zone)"),
    ] = None,
    end: Annotated[
        Instant | None, Query(alias="to", description="occurred before (exclusive)")
    ] = None,
) -> RecordFilters:
    start, end = aware(start, settings), aware(end, settings)
    if start is not None and end is not None and start >= end:
        raise Problem(
            422, "audit.bad_range", "'from' must be before 'to'", zh="开始时间须早于结束时间"
        )
    return RecordFilters(
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        outcome=outcome.value if outcome else None,
        start=start,
        end=end,
    )


Filters = Annotated[RecordFilters, Depends(record_filters)]
