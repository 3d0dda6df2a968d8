"""Alarm rules as data, versioned (every change keeps the old one as a snapshot): written
by rule writers in their places (a platform-wide rule by the platform admin), read by
staff. A change takes effect in this replica at once (the rule index is reloaded); other
replicas re-read the rules every few seconds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select

from alarm.api.schemas import RuleBody, RuleCreate, RuleRead
from alarm.config import Settings
from alarm.db.models import AlarmRule, AlarmRuleVersion, RuleState
from alarm.domain.access import RULE_WRITERS, STAFF, ensure_place
from alarm.engine import alarms as lifecycle
from alarm.engine.followups import after_cleared
from alarm.engine.index import RuleIndex
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

RULE_FIELDS = (
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
)


@dataclass(frozen=True)
class RuleSearch:
    community_id: str | None = None
    alarm_type: str | None = None
    device_type: str | None = None


def snapshot(rule: AlarmRule) -> dict[str, Any]:
    read = RuleRead.model_validate(rule, from_attributes=True)
    return read.model_dump(mode="json", exclude={"updated_at"})


def _apply(rule: AlarmRule, body: RuleBody) -> None:
    for name in RULE_FIELDS:
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


async def _load(uow: UnitOfWork, principal: Principal, rule_id: uuid.UUID) -> AlarmRule:
    rule = await uow.session.get(AlarmRule, rule_id)
    if rule is None or rule.deleted_at is not None:
        raise Problem(
            404, "alarm_rule.not_found", "There is no such alarm rule", zh="找不到该告警规则"
        )
    if rule.community_id is not None:
        ensure_place(principal, rule.community_id, allowed=STAFF)
    return rule


class Rules:
    def __init__(self, db: Database, index: RuleIndex, settings: Settings) -> None:
        self.db = db
        self.index = index
        self.settings = settings

    async def create(self, who: Caller, body: RuleCreate) -> AlarmRule:
        ensure_place(who.principal, body.community_id, body.building_id, allowed=RULE_WRITERS)
        now = datetime.now(UTC)
        rule = AlarmRule(
            id=uuid.uuid4(),
            community_id=body.community_id,
            version=1,
            created_by=who.subject,
            updated_by=who.subject,
            updated_at=now,
            created_at=now,
        )
        _apply(rule, body)
        async with self.db.uow() as uow:
            uow.session.add(rule)
            await _version(uow, rule, who.subject)
            await uow.audit(
                who, "alarm_rule.create", "alarm_rule", str(rule.id), community_id=rule.community_id
            )
            await uow.commit()
        await self.index.reload(self.db)
        return rule

    async def page(
        self, who: Caller, search: RuleSearch, paging: PageParams
    ) -> tuple[list[AlarmRule], int]:
        query = select(AlarmRule).where(
            AlarmRule.deleted_at.is_(None),
            or_(
                AlarmRule.community_id.is_(None),
                scope_clause(who.principal, community_col=AlarmRule.community_id, roles=STAFF),
            ),
        )
        if search.community_id:
            query = query.where(AlarmRule.community_id == search.community_id)
        if search.alarm_type:
            query = query.where(AlarmRule.alarm_type == search.alarm_type)
        if search.device_type:
            query = query.where(AlarmRule.device_type == search.device_type)
        query = query.order_by(AlarmRule.created_at, AlarmRule.id)
        async with self.db.uow(read_only=True) as uow:
            items, total = await fetch_page(uow.session, query, paging)
            return list(items), total

    async def get(self, who: Caller, rule_id: uuid.UUID) -> AlarmRule:
        async with self.db.uow(read_only=True) as uow:
            return await _load(uow, who.principal, rule_id)

    async def versions(self, who: Caller, rule_id: uuid.UUID) -> Sequence[AlarmRuleVersion]:
        async with self.db.uow(read_only=True) as uow:
            await _load(uow, who.principal, rule_id)
            rows = await uow.session.scalars(
                select(AlarmRuleVersion)
                .where(AlarmRuleVersion.rule_id == rule_id)
                .order_by(AlarmRuleVersion.version)
            )
            return rows.all()

    async def update(
        self,
        who: Caller,
        rule_id: uuid.UUID,
        body: RuleBody,
        expected_version: int | None = None,
    ) -> AlarmRule:
        async with self.db.uow() as uow:
            rule = await _load(uow, who.principal, rule_id)
            ensure_place(who.principal, rule.community_id, body.building_id, allowed=RULE_WRITERS)
            if expected_version is not None and expected_version != rule.version:
                raise Problem(
                    409,
                    "alarm_rule.version_conflict",
                    f"The rule is at v{rule.version}",
                    zh=f"该规则已被修改（当前为第 {rule.version} 版），请刷新后重试",
                )
            _apply(rule, body)
            rule.version += 1
            rule.updated_by, rule.updated_at = who.subject, datetime.now(UTC)
            await _version(uow, rule, who.subject)
            await uow.audit(
                who,
                "alarm_rule.update",
                "alarm_rule",
                str(rule.id),
                community_id=rule.community_id,
                detail={"version": str(rule.version)},
            )
            await uow.commit()
        await self.index.reload(self.db)
        return rule

    async def delete(self, who: Caller, rule_id: uuid.UUID) -> None:
        """Retire a rule. Its versions and the alarms it raised stay; its active alarms
        are cleared (reason ``rule_deleted``: nothing would ever clear them otherwise) and
        those told of them are told they are cleared; its evaluation state goes."""
        async with self.db.uow() as uow:
            rule = await _load(uow, who.principal, rule_id)
            ensure_place(who.principal, rule.community_id, rule.building_id, allowed=RULE_WRITERS)
            for alarm in await lifecycle.clear_by_rule(uow, rule.id, who.subject, "rule_deleted"):
                await after_cleared(uow, alarm, self.settings)
            await uow.session.execute(delete(RuleState).where(RuleState.rule_id == rule.id))
            rule.enabled = False
            rule.version += 1
            rule.deleted_at = rule.updated_at = datetime.now(UTC)
            rule.updated_by = who.subject
            await _version(uow, rule, who.subject)
            await uow.audit(
                who, "alarm_rule.delete", "alarm_rule", str(rule.id), community_id=rule.community_id
            )
            await uow.commit()
        await self.index.reload(self.db)
