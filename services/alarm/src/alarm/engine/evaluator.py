"""Evaluation of telemetry at volume, of device status, and of due timers.

A batch of readings is evaluated against the in-memory rule index; the states it touches
are read from ``rule_states`` once (cache misses only), and the new states, the alarms
(raised, repeated, cleared), their events and the notification requests are written in
ONE transaction. The cache is updated only after that commit, so a failed batch is
evaluated again from what the database holds; a restart reads the states back lazily
(duration, repeat windows and last values survive it). When partitions move between
replicas the cache is dropped, so a state another replica wrote is re-read.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text, tuple_

from alarm.config import Settings
from alarm.db.models import DIRECTORY, RuleState
from alarm.domain.evaluation import evaluate, fire_timer, status_change
from alarm.domain.rules import Decision, Rule
from alarm.engine import alarms as lifecycle
from alarm.engine import bulk
from alarm.engine.audience import Lookups, Memo
from alarm.engine.followups import after_cleared_many, after_raised_many
from alarm.engine.index import RuleIndex
from alarm.engine.outcomes import Key, Outcomes, Place, cause
from alarm.engine.readings import reading_of
from alarm.engine.writes import Writes
from sc_contracts.events.device import DeviceStatusChangedV1
from sc_contracts.events.telemetry import TelemetryRecordedV1
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork

log = logging.getLogger(__name__)


STATE_COLUMNS = ["rule_id", "originator_id", "state", "due_at", "updated_at"]
STATE_SQL = bulk.unnest_upsert(
    RuleState.__table__,
    STATE_COLUMNS,
    "(rule_id, originator_id)",
    "state = excluded.state, due_at = excluded.due_at, updated_at = excluded.updated_at",
    "",
    "s_",
)
STATE_UPSERT = text(STATE_SQL)


class Evaluator:
    def __init__(self, db: Database, index: RuleIndex, settings: Settings) -> None:
        self.db = db
        self.index = index
        self.settings = settings
        self.cache: dict[Key, dict[str, Any]] = {}
        self.memo = Memo(settings.lookup_cache_s)

    def drop_cache(self, *_: Any) -> None:
        self.cache.clear()

    async def _load(self, uow: UnitOfWork, keys: set[Key]) -> None:
        missing = [k for k in keys if k not in self.cache]
        for start in range(0, len(missing), 1000):
            chunk = missing[start : start + 1000]
            rows = await uow.session.execute(
                select(RuleState.rule_id, RuleState.originator_id, RuleState.state).where(
                    tuple_(RuleState.rule_id, RuleState.originator_id).in_(chunk)
                )
            )
            found = {(r.rule_id, r.originator_id): dict(r.state) for r in rows}
            for key in chunk:
                self.cache[key] = found.get(key, {})

    # telemetry --------------------------------------------------------------------
    async def handle(self, events: list[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        if not self.index.loaded:  # the consumer may start before the service's start hook
            await self.index.reload(self.db)
        readings = [reading_of(e) for e in events]
        pairs = [
            (rule, reading)
            for reading in readings
            for rule in self.index.matching(
                device_id=reading.device_id,
                device_type=reading.device_type,
                community_id=reading.community_id,
                building_id=reading.building_id,
                unit_id=reading.unit_id,
                room_id=reading.room_id,
            )
        ]
        if not pairs:
            return
        await self._load(uow, {(rule.id, reading.device_id) for rule, reading in pairs})
        out = Outcomes()
        working: dict[Key, dict[str, Any]] = {}
        for rule, reading in pairs:
            key = (rule.id, reading.device_id)
            state = working.get(key, self.cache.get(key, {}))
            step = evaluate(rule, state, reading)
            working[key] = step.state
            if step.changed:
                out.states[key] = step
            if step.decision is not None:
                out.add(rule, reading.device_id, Place.of(reading), step.decision)
        await self.apply(uow, out)
        await uow.commit()
        for key, step in out.states.items():
            self.cache[key] = step.state

    async def apply(self, uow: UnitOfWork, out: Outcomes) -> None:
        """The batch's writes: rule states, alarms cleared and raised, then who is told,
        history and events. Usually ONE statement for the first three (the causes raised
        and those cleared are distinct); when a cause is raised and cleared within the
        batch (a spike) or cleared before it is raised again, in that order, one by one."""
        now = datetime.now(UTC)
        states = None
        if out.states:
            rows = [
                {
                    "rule_id": k[0],
                    "originator_id": k[1],
                    "state": s.state,
                    "due_at": s.due_at,
                    "updated_at": now,
                }
                for k, s in out.states.items()
            ]
            states = bulk.as_arrays(RuleState.__table__, STATE_COLUMNS, rows, "s_")
        writes = Writes(uow)
        await self.households(uow, [place for _, place, _, _ in out.raises.values()])
        causes = [
            cause(rule, device_id, place, decision, count)
            for (_, device_id), (rule, place, decision, count) in out.raises.items()
        ]
        # a cause another rule still holds raised (its last word in this batch) stays
        held = {
            ("device", device_id, rule.alarm_type)
            for key, (rule, _, _, _) in out.raises.items()
            if key not in out.clears
            for device_id in (key[1],)
        }
        final = [c for c in self._causes(out.clears) if c not in held]
        raised_keys = {(c.originator_type, c.originator_id, c.alarm_type) for c in causes}
        if not causes and not final and not out.clears_first and states is None:
            raised, gone = [], []  # nothing changed (most batches of normal readings)
        elif not out.clears_first and not raised_keys.intersection(final):
            extra = (STATE_SQL, states) if states is not None else None
            raised, gone = await lifecycle.raise_and_clear(
                uow, causes, final, now, "rule", writes, extra
            )
        else:
            if states is not None:
                await uow.session.execute(STATE_UPSERT, states)
            gone = await lifecycle.clear_many(
                uow, self._causes(out.clears_first), now, "rule", writes
            )
            raised = await lifecycle.raise_many(uow, causes, writes)
            gone += await lifecycle.clear_many(uow, final, now, "rule", writes)
        created = [r.alarm for r in raised if r.created]
        lookups = Lookups(uow, self.memo)
        await after_raised_many(uow, created, self.settings, writes, lookups)
        await after_cleared_many(uow, gone, self.settings, writes, lookups)
        await writes.flush()

    async def households(self, uow: UnitOfWork, places: list[Place]) -> None:
        """The household living in each place's room (the place directory, remembered
        for the lookup cache's time): an alarm in a flat carries its household."""
        for place in places:
            if place.room_id is None or place.household_id is not None:
                continue
            key = ("room", place.room_id)
            found = self.memo.get(key)
            if found is None:
                found = await DIRECTORY.household_in_room(uow, place.room_id) or ""
                self.memo.put(key, found)
            place.household_id = found or None

    @staticmethod
    def _causes(clears: dict[Key, tuple[Rule, Decision]]) -> list[tuple[str, str, str]]:
        return sorted(
            {("device", device_id, rule.alarm_type) for (_, device_id), (rule, _) in clears.items()}
        )

    # device status ----------------------------------------------------------------
    async def on_status(self, data: DeviceStatusChangedV1, uow: UnitOfWork) -> None:
        """device.status.v1 (a typed subscription): offline/online for inactivity rules."""
        rules = [
            r
            for r in self.index.matching(
                device_id=data.device_id,
                device_type=data.device_type,
                community_id=data.community_id,
            )
            if r.kind == "inactivity" and r.offline
        ]
        if not rules:
            return
        await self._load(uow, {(r.id, data.device_id) for r in rules})
        out = Outcomes()
        for rule in rules:
            key = (rule.id, data.device_id)
            state = self.cache.get(key, {})
            step = status_change(rule, state, data.status == "online", data.changed_at)
            out.states[key] = step
            known = state.get("place") or {}
            place = Place(
                data.community_id,
                data.device_type,
                known.get("building_id"),
                known.get("unit_id"),
                known.get("room_id"),
            )
            out.add(rule, data.device_id, place, step.decision)
        await self.apply(uow, out)
        await uow.commit()
        for key, step in out.states.items():
            self.cache[key] = step.state

    # timers -----------------------------------------------------------------------
    async def fire_due(self) -> int:
        """Duration rules that held long enough and devices that went silent."""
        now = datetime.now(UTC)
        async with self.db.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(RuleState)
                    .where(RuleState.due_at <= now)
                    .order_by(RuleState.due_at)
                    .limit(500)
                    .with_for_update(skip_locked=True)
                )
            ).scalars()
            out = Outcomes()
            for row in rows:
                key = (row.rule_id, row.originator_id)
                rule = self.index.by_id.get(row.rule_id)
                if rule is None:
                    row.due_at = None
                    continue
                step = fire_timer(rule, dict(row.state), now)
                row.state, row.due_at = step.state, None
                self.cache.pop(key, None)
                place = step.state.get("place") or {}
                community = place.get("community_id") or rule.community_id
                if community is None:
                    continue
                out.add(
                    rule,
                    row.originator_id,
                    Place(
                        community,
                        place.get("device_type") or rule.device_type,
                        place.get("building_id"),
                        place.get("unit_id"),
                        place.get("room_id"),
                    ),
                    step.decision,
                )
            await self.apply(uow, out)
            await uow.commit()
        return len(out.raises)
