"""The rules in memory, indexed by device and device type, so a reading finds its
candidate rules with two dictionary look-ups (then the place is checked)."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from alarm.db.models import AlarmRule
from alarm.domain.rules import Rule
from sc_core.db.engine import Database

log = logging.getLogger(__name__)
ANY = "*"


class RuleIndex:
    def __init__(self) -> None:
        self.by_id: dict[uuid.UUID, Rule] = {}
        self._by_device: dict[str, list[Rule]] = {}
        self._by_type: dict[str, list[Rule]] = {}
        self._signature: tuple[Any, ...] | None = None
        # rules matching a (device, type, place): a device reports thousands of times
        # with the same answer; emptied whenever the rules change
        self._matches: dict[tuple[Any, ...], list[Rule]] = {}

    @property
    def loaded(self) -> bool:
        return self._signature is not None

    def replace(self, rules: list[Rule]) -> None:
        by_device: dict[str, list[Rule]] = defaultdict(list)
        by_type: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            if rule.device_id is not None:
                by_device[rule.device_id].append(rule)
            else:
                by_type[rule.device_type or ANY].append(rule)
        self.by_id = {r.id: r for r in rules}
        self._by_device, self._by_type = dict(by_device), dict(by_type)
        self._matches = {}

    def candidates(self, device_id: str, device_type: str) -> list[Rule]:
        return [
            *self._by_device.get(device_id, ()),
            *self._by_type.get(device_type, ()),
            *self._by_type.get(ANY, ()),
        ]

    def matching(
        self,
        *,
        device_id: str,
        device_type: str,
        community_id: str,
        building_id: str | None = None,
        unit_id: str | None = None,
        room_id: str | None = None,
    ) -> list[Rule]:
        key = (device_id, device_type, community_id, building_id, unit_id, room_id)
        found = self._matches.get(key)
        if found is None:
            if len(self._matches) > 200_000:  # a bound, not an eviction policy
                self._matches.clear()
            found = self._matches[key] = self._match(*key)
        return found

    def _match(
        self,
        device_id: str,
        device_type: str,
        community_id: str,
        building_id: str | None,
        unit_id: str | None,
        room_id: str | None,
    ) -> list[Rule]:
        return [
            r
            for r in self.candidates(device_id, device_type)
            if r.applies_to(
                device_id=device_id,
                device_type=device_type,
                community_id=community_id,
                building_id=building_id,
                unit_id=unit_id,
                room_id=room_id,
            )
        ]

    async def reload(self, db: Database, *, force: bool = True) -> bool:
        """Read the enabled rules again (only when they changed, unless ``force``)."""
        live = (AlarmRule.enabled.is_(True), AlarmRule.deleted_at.is_(None))
        async with db.engine.connect() as conn:
            # every write stamps updated_at (create, edit, enable/disable, delete), so the
            # newest stamp of all rules, deleted ones included, moves on every change: one
            # read of ix_alarm_rules_updated. Counting the live rules as well read all of
            # them every tick (100,000 rules: 100 ms, ADR 0066) and caught no change this
            # misses.
            signature = (await conn.scalar(select(func.max(AlarmRule.updated_at))),)
            if not force and signature == self._signature:
                return False
            rows = (await conn.execute(select(AlarmRule.__table__).where(*live))).all()
        rules = []
        for row in rows:
            try:
                rules.append(Rule.from_row(row))
            except (KeyError, TypeError, ValueError) as exc:  # never stops the others
                log.error("rule %s cannot be evaluated: %s", row.id, exc)
        self.replace(rules)
        self._signature = signature
        return True
