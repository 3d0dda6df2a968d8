"""``/api/v1/alarm-rules``: rules as data, versioned (every change keeps the old one)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import delete, or_, select

from alarm.api.deps import (
    RULE_WRITERS,
    STAFF,
    IndexDep,
    RuleWriter,
    SettingsDep,
    Staff,
    ensure_place,
)
from alarm.api.schemas import RuleBody, RuleCreate, RuleRead, RuleVersionRead
from alarm.db.models import AlarmRule, AlarmRuleVersion, RuleState
from alarm.engine import alarms as lifecycle
from alarm.engine.evaluator import after_cleared
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

router = APIRouter(prefix="/api/v1/alarm-rules", tags=["alarm rules"])


def read(rule: AlarmRule) -> RuleRead:
    return RuleRead.model_validate(rule, from_attributes=True)


def snapshot(rule: AlarmRule) -> dict[str, Any]:
    return read(rule).model_dump(mode="json", exclude={"updated_at"})


def _apply(rule: AlarmRule, body: RuleBody) -> None:
    for name in [
        "name",
        "alarm_type",
        "severity",
        "kind",
        "device_type",
        "device_id",
        "building_id",
        "unit_id",
        "room_id",
        "work_order_type",
        "auto_clear",
        "enabled",
    ]:
        setattr(rule, name, getattr(body, name))
    rule.spec = body.spec()
    rule.schedule = body.schedule.model_dump() if body.schedule else None
    rule.actions = list(dict.fromkeys(body.actions))


async def _version(uow: UnitOfWork, rule: AlarmRule, actor: str) -> None:
    await uow.session.flush()
    uow.session.add(
        AlarmRuleVersion(
            rule_id=rule.id, version=rule.version, snapshot=snapshot(rule), changed_by=actor
        )
    )


async def load(uow: UnitOfWork, principal: Principal, rule_id: uuid.UUID) -> AlarmRule:
    rule = await uow.session.get(AlarmRule, rule_id)
    if rule is None or rule.deleted_at is not None:
        raise Problem(404, "alarm_rule.not_found", f"No alarm rule {rule_id}")
    if rule.community_id is not None:
        ensure_place(principal, rule.community_id, allowed=STAFF)
    return rule


@router.post("", status_code=201, response_model=RuleRead)
async def create_rule(
    body: RuleCreate,
    principal: RuleWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    index: IndexDep,
    request: Request,
) -> RuleRead:
    ensure_place(principal, body.community_id, body.building_id, allowed=RULE_WRITERS)
    now = datetime.now(UTC)
    rule = AlarmRule(
        id=uuid.uuid4(),
        community_id=body.community_id,
        version=1,
        created_by=principal.subject,
        updated_by=principal.subject,
        updated_at=now,
        created_at=now,
    )
    _apply(rule, body)
    uow.session.add(rule)
    await _version(uow, rule, principal.subject)
    await auditor.within(
        uow,
        action="alarm_rule.create",
        resource_type="alarm_rule",
        resource_id=str(rule.id),
        principal=principal,
        request=request,
        community_id=rule.community_id,
    )
    await uow.commit()
    await index.reload(_db(request))
    return read(rule)


def _db(request: Request) -> Any:
    return request.app.state.runtime.db


@router.get("", response_model=Page[RuleRead])
async def list_rules(
    principal: Staff,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
    alarm_type: str | None = None,
    device_type: str | None = None,
) -> Page[RuleRead]:
    query = select(AlarmRule).where(
        AlarmRule.deleted_at.is_(None),
        or_(
            AlarmRule.community_id.is_(None),
            scope_clause(principal, community_col=AlarmRule.community_id, roles=STAFF),
        ),
    )
    if community_id:
        query = query.where(AlarmRule.community_id == community_id)
    if alarm_type:
        query = query.where(AlarmRule.alarm_type == alarm_type)
    if device_type:
        query = query.where(AlarmRule.device_type == device_type)
    items, total = await fetch_page(
        uow.session, query.order_by(AlarmRule.created_at, AlarmRule.id), paging
    )
    return Page[RuleRead].of([read(r) for r in items], total, paging)


@router.get("/{rule_id}", response_model=RuleRead)
async def get_rule(rule_id: uuid.UUID, principal: Staff, uow: UnitOfWorkDep) -> RuleRead:
    return read(await load(uow, principal, rule_id))


@router.get("/{rule_id}/versions", response_model=list[RuleVersionRead])
async def rule_versions(
    rule_id: uuid.UUID, principal: Staff, uow: UnitOfWorkDep
) -> list[RuleVersionRead]:
    await load(uow, principal, rule_id)
    rows = await uow.session.scalars(
        select(AlarmRuleVersion)
        .where(AlarmRuleVersion.rule_id == rule_id)
        .order_by(AlarmRuleVersion.version)
    )
    return [RuleVersionRead.model_validate(r, from_attributes=True) for r in rows]


@router.put("/{rule_id}", response_model=RuleRead)
async def update_rule(
    rule_id: uuid.UUID,
    body: RuleBody,
    principal: RuleWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    index: IndexDep,
    request: Request,
    expected_version: Annotated[int | None, Query(ge=1)] = None,
) -> RuleRead:
    rule = await load(uow, principal, rule_id)
    ensure_place(principal, rule.community_id, body.building_id, allowed=RULE_WRITERS)
    if expected_version is not None and expected_version != rule.version:
        raise Problem(409, "alarm_rule.version_conflict", f"The rule is at v{rule.version}")
    _apply(rule, body)
    rule.version += 1
    rule.updated_by, rule.updated_at = principal.subject, datetime.now(UTC)
    await _version(uow, rule, principal.subject)
    await auditor.within(
        uow,
        action="alarm_rule.update",
        resource_type="alarm_rule",
        resource_id=str(rule.id),
        principal=principal,
        request=request,
        community_id=rule.community_id,
        detail={"version": str(rule.version)},
    )
    await uow.commit()
    await index.reload(_db(request))
    return read(rule)


@router.delete("/{rule_id}", status_code=204)
async def delete_rule(
    rule_id: uuid.UUID,
    principal: RuleWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    index: IndexDep,
    request: Request,
) -> Response:
    """Retire a rule. Its versions and the alarms it raised stay; its active alarms are
    cleared (reason ``rule_deleted``: nothing would ever clear them otherwise) and those
    told of them are told they are cleared; its evaluation state goes."""
    rule = await load(uow, principal, rule_id)
    ensure_place(principal, rule.community_id, rule.building_id, allowed=RULE_WRITERS)
    for alarm in await lifecycle.clear_by_rule(uow, rule.id, principal.subject, "rule_deleted"):
        await after_cleared(uow, alarm, settings)
    await uow.session.execute(delete(RuleState).where(RuleState.rule_id == rule.id))
    rule.enabled = False
    rule.version += 1
    rule.deleted_at = rule.updated_at = datetime.now(UTC)
    rule.updated_by = principal.subject
    await _version(uow, rule, principal.subject)
    await auditor.within(
        uow,
        action="alarm_rule.delete",
        resource_type="alarm_rule",
        resource_id=str(rule.id),
        principal=principal,
        request=request,
        community_id=rule.community_id,
    )
    await uow.commit()
    await index.reload(_db(request))
    return Response(status_code=204)
