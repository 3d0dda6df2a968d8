"""``/api/v1/alarm-rules``: rules as data, versioned (every change keeps the old one)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from alarm.api.deps import RulesDep, RuleWriter, Staff
from alarm.api.filters import IdFilter
from alarm.api.schemas import RuleBody, RuleCreate, RuleRead, RuleVersionRead
from alarm.db.models import AlarmRule
from alarm.usecases.rules import RuleSearch
from sc_core.api import Page, Paging

router = APIRouter(prefix="/api/v1/alarm-rules", tags=["alarm rules"])


def read(rule: AlarmRule) -> RuleRead:
    return RuleRead.model_validate(rule, from_attributes=True)


@router.post("", status_code=201, response_model=RuleRead)
async def create_rule(body: RuleCreate, who: RuleWriter, rules: RulesDep) -> RuleRead:
    return read(await rules.create(who, body))


@router.get("", response_model=Page[RuleRead])
async def list_rules(
    who: Staff,
    rules: RulesDep,
    paging: Paging,
    community_id: IdFilter = None,
    alarm_type: IdFilter = None,
    device_type: IdFilter = None,
) -> Page[RuleRead]:
    items, total = await rules.page(who, RuleSearch(community_id, alarm_type, device_type), paging)
    return Page[RuleRead].of([read(r) for r in items], total, paging)


@router.get("/{rule_id}", response_model=RuleRead)
async def get_rule(rule_id: uuid.UUID, who: Staff, rules: RulesDep) -> RuleRead:
    return read(await rules.get(who, rule_id))


@router.get("/{rule_id}/versions", response_model=list[RuleVersionRead])
async def rule_versions(rule_id: uuid.UUID, who: Staff, rules: RulesDep) -> list[RuleVersionRead]:
    rows = await rules.versions(who, rule_id)
    return [RuleVersionRead.model_validate(r, from_attributes=True) for r in rows]


@router.put("/{rule_id}", response_model=RuleRead)
async def update_rule(
    rule_id: uuid.UUID,
    body: RuleBody,
    who: RuleWriter,
    rules: RulesDep,
    expected_version: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> RuleRead:
    return read(await rules.update(who, rule_id, body, expected_version))


@router.delete("/{rule_id}", status_code=204)
async def delete_rule(rule_id: uuid.UUID, who: RuleWriter, rules: RulesDep) -> Response:
    """Retire a rule. Its versions and the alarms it raised stay; its active alarms are
    cleared (reason ``rule_deleted``: nothing would ever clear them otherwise) and those
    told of them are told they are cleared; its evaluation state goes."""
    await rules.delete(who, rule_id)
    return Response(status_code=204)
