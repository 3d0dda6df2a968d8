"""Who an alarm reaches: the audience of a plan's stage, the roster on duty, the household
living in the alarm's room and the register's special person; read once per transaction
(:class:`Lookups`) and, in the evaluator, once per ``ttl`` across transactions
(:class:`Memo`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from alarm.db.models import DIRECTORY, DutyShift, NotificationPlan
from alarm.db.registers import SpecialPerson
from alarm.domain.lifecycle import at_least
from sc_contracts.events.notification import Recipients, RoleInScope
from sc_core.db.uow import UnitOfWork
from sc_core.places import say_both

EMERGENCY_TYPES = frozenset({"emergency", "emergency_button", "fall", "sos"})
FALLBACK_ROLES = ("property_manager",)


@dataclass
class Audience:
    user_ids: set[str] = field(default_factory=set)
    household_ids: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)

    def recipients(self, community_id: str) -> Recipients | None:
        if not (self.user_ids or self.household_ids or self.roles):
            return None
        return Recipients(
            user_ids=sorted(self.user_ids),
            household_ids=sorted(self.household_ids),
            roles_in_scope=[
                RoleInScope(role=r, scope_type="community", scope_id=community_id)
                for r in sorted(self.roles)
            ],
        )


class Memo:
    """What :class:`Lookups` read, kept for ``ttl`` seconds across transactions (the
    evaluator's: a batch that raises alarms does not re-read plans, roster and register
    it read a moment ago; a change to them reaches evaluation within ``ttl``)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.values: dict[tuple[str, str], tuple[float, Any]] = {}

    def get(self, key: tuple[str, str]) -> Any | None:
        hit = self.values.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: tuple[str, str], value: Any) -> None:
        self.values[key] = (time.monotonic() + self.ttl, value)


class Lookups:
    """Plans, the roster on duty and the special-population register of the communities
    one transaction touches, each read once (a batch raising many alarms in a community
    reads its plans once); with a :class:`Memo`, once per ``ttl`` across transactions."""

    def __init__(self, uow: UnitOfWork, memo: Memo | None = None) -> None:
        self.uow = uow
        self.memo = memo or Memo(0)
        self._plans: dict[str, list[NotificationPlan]] = {}
        self._duty: dict[str, set[str]] = {}
        self._people: dict[str, list[SpecialPerson]] = {}
        self._rooms: dict[str, set[str]] = {}
        self._words: dict[tuple[str | None, ...], tuple[str, str]] = {}

    async def _remembered(self, kind: str, community_id: str, load: Any) -> Any:
        value = self.memo.get((kind, community_id))
        if value is None:
            value = await load()
            self.memo.put((kind, community_id), value)
        return value

    async def on_duty(self, community_id: str) -> set[str]:
        if community_id not in self._duty:
            self._duty[community_id] = await self._remembered(
                "duty", community_id, lambda: on_duty(self.uow, community_id)
            )
        return self._duty[community_id]

    async def plans(self, community_id: str) -> list[NotificationPlan]:
        async def load() -> list[NotificationPlan]:
            rows = await self.uow.session.scalars(
                select(NotificationPlan).where(
                    NotificationPlan.community_id == community_id,
                    NotificationPlan.enabled.is_(True),
                )
            )
            return list(rows.all())

        if community_id not in self._plans:
            self._plans[community_id] = await self._remembered("plans", community_id, load)
        return self._plans[community_id]

    async def households(self, alarm: Any) -> set[str]:
        """The household of the alarm (a resident's manual alarm) and the households
        living in its room (from identity's placements)."""
        found = {alarm.household_id} if alarm.household_id else set()
        if alarm.room_id:
            if alarm.room_id not in self._rooms:
                self._rooms[alarm.room_id] = await DIRECTORY.households_in_room(
                    self.uow, alarm.room_id
                )
            found |= self._rooms[alarm.room_id]
        return found

    async def place_words(self, alarm: Any) -> tuple[str, str]:
        """The alarm's place as people say it, (zh-CN, en), from identity's names in the
        directory: 幸福里社区 3号楼2单元502室; never its ids."""
        key = (alarm.community_id, alarm.building_id, alarm.unit_id, alarm.room_id)
        if key not in self._words:
            name = await DIRECTORY.name_of(
                self.uow,
                community_id=alarm.community_id,
                building_id=alarm.building_id,
                unit_id=alarm.unit_id,
                room_id=alarm.room_id,
            )
            self._words[key] = say_both(name)
        return self._words[key]

    async def person(self, alarm: Any) -> SpecialPerson | None:
        """The register's person an alarm was raised for (its special person)."""
        if getattr(alarm, "special_person_id", None) is None:
            return None
        for person in await self.people(alarm.community_id):
            if person.id == alarm.special_person_id:
                return person
        return None

    async def people(self, community_id: str) -> list[SpecialPerson]:
        async def load() -> list[SpecialPerson]:
            rows = await self.uow.session.scalars(
                select(SpecialPerson).where(SpecialPerson.community_id == community_id)
            )
            return list(rows.all())

        if community_id not in self._people:
            self._people[community_id] = await self._remembered("people", community_id, load)
        return self._people[community_id]


async def on_duty(uow: UnitOfWork, community_id: str, at: datetime | None = None) -> set[str]:
    """Users on the duty roster of the community right now."""
    now = at or datetime.now(UTC)
    rows = await uow.session.scalars(
        select(DutyShift.user_id).where(
            DutyShift.community_id == community_id,
            DutyShift.starts_at <= now,
            DutyShift.ends_at > now,
        )
    )
    return set(rows)


async def stage_audience(lookups: Lookups, community_id: str, stage: dict[str, Any]) -> Audience:
    audience = Audience(user_ids=set(stage.get("user_ids", [])), roles=set(stage.get("roles", [])))
    if stage.get("on_duty"):
        audience.user_ids |= await lookups.on_duty(community_id)
    return audience


async def matching_plan(lookups: Lookups, alarm: Any) -> NotificationPlan | None:
    """The most specific enabled plan for this alarm: its building before the whole
    community, a plan naming the alarm type before one for any type."""
    fitting = [
        p
        for p in await lookups.plans(alarm.community_id)
        if (p.building_id is None or p.building_id == alarm.building_id)
        and (not p.alarm_types or alarm.alarm_type in p.alarm_types)
        and at_least(alarm.severity, p.min_severity)
    ]
    fitting.sort(key=lambda p: (p.building_id is None, not p.alarm_types, str(p.id)))
    return fitting[0] if fitting else None


async def special_person_for(lookups: Lookups, alarm: Any) -> SpecialPerson | None:
    """The register's person whose device (or room) raised an emergency alarm."""
    if alarm.alarm_type not in EMERGENCY_TYPES:
        return None
    people = await lookups.people(alarm.community_id)
    for person in people:
        if alarm.originator_id in (person.device_ids or []):
            return person
    if alarm.room_id:
        for person in people:
            if person.room_id == alarm.room_id:
                return person
    return None


async def in_the_flat(lookups: Lookups, alarm: Any, audience: Audience) -> None:
    """An alarm in a flat (a detector or button placed in a household's room) also
    reaches the household living there and the staff on duty, whoever the plan names;
    an emergency (button pressed, fall detected) reaches the household of its room."""
    if alarm.household_id or alarm.alarm_type in EMERGENCY_TYPES:
        audience.household_ids |= await lookups.households(alarm)
    if alarm.household_id:
        audience.user_ids |= await lookups.on_duty(alarm.community_id)
