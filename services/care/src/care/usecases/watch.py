"""The watch over people living alone: meter counters of watched homes kept, the scan that
finds anomalies (once per household, rule, utility and day), the check-on visit it opens
for the grid's grid workers, the family told; the visit's record, and its feedback."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from care.db.models import AnomalyRow, MeterSampleRow, VisitRow, WatchRow
from care.domain import consent as c
from care.domain import lone_elder as le
from care.domain import visits as vd
from care.domain.messages import anomaly_words
from care.domain.notices import anomaly_notices
from care.usecases.common import load, not_found, now_utc, problem, send
from sc_contracts.events import AnomalyDetectedV1, TelemetryRecordedV1, VisitDoneV1
from sc_contracts.events.care import AnomalyRule, VisitOutcome
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.places import Places, say

COUNTERS = {
    "water_meter": ("totalWaterConsumption", le.Utility.WATER),
    "electricity_meter": ("totalActiveEnergyImport", le.Utility.ELECTRICITY),
}
WATCH_KEEPERS = ("grid_worker", "community_admin", "doctor")
BASELINE_DAYS = 14


def params_of(raw: dict[str, Any]) -> le.WatchParams:
    p = dict(raw)
    for k in ("day_start", "day_end"):
        if isinstance(p.get(k), str):
            p[k] = time.fromisoformat(p[k])
    if "enabled" in p:
        p["enabled"] = frozenset(le.Rule(r) for r in p["enabled"])
    return le.WatchParams(**p)


def params_json(p: le.WatchParams) -> dict[str, Any]:
    d = asdict(p)
    d["day_start"], d["day_end"] = p.day_start.isoformat(), p.day_end.isoformat()
    d["enabled"] = sorted(r.value for r in p.enabled)
    return d


class Watch:
    def __init__(self, db: Database, places: Places, tz: ZoneInfo) -> None:
        self.db = db
        self.places = places
        self.tz = tz

    async def _place(self, uow: UnitOfWork, w: WatchRow, address: str | None) -> str:
        """The watched flat as people say it (幸福里社区 1号楼 1单元 101室), from identity's
        register; the record's own address when the directory has no name for it yet."""
        name = await self.places.name_of(
            uow, community_id=w.community_id, building_id=w.building_id, room_id=w.room_id
        )
        return say(name, "zh-CN") if name is not None else (address or "")

    async def enroll(self, who: Caller, person_id: str) -> WatchRow:
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            r = record.row
            grid = await self.places.grid_of(uow, r.building_id)
            if not in_scope(
                who.principal, community_id=r.community_id, grid_id=grid, roles=WATCH_KEEPERS
            ):
                raise Forbidden("auth.out_of_scope", "Outside your scope", zh="不在您的管理范围内")
            if r.room_id is None:
                raise Problem(
                    422,
                    "care.watch_no_home",
                    "Link the record to a home first",
                    zh="请先为档案关联家庭住址",
                )
            row = await uow.session.get(WatchRow, person_id)
            if row is None:
                row = WatchRow(
                    person_id=person_id,
                    community_id=r.community_id,
                    building_id=r.building_id,
                    room_id=r.room_id,
                    household_id=r.household_id,
                    params=params_json(le.WatchParams()),
                    created_by=who.subject,
                )
                uow.session.add(row)
            row.enabled = True
            await uow.audit(
                who, "care.watch.enroll", "care_person", person_id, community_id=r.community_id
            )
            await uow.commit()
            return row

    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """Meter counters of watched homes (idempotent by room, utility and time)."""
        meters = [e for e in events if e.device_type in COUNTERS and e.room_id]
        if not meters:
            return
        rooms = {e.room_id for e in meters}
        watched = set(
            (
                await uow.session.execute(
                    select(WatchRow.room_id).where(WatchRow.room_id.in_(rooms), WatchRow.enabled)
                )
            ).scalars()
        )
        rows = []
        for e in meters:
            key, utility = COUNTERS[e.device_type]
            value = e.values.get(key)
            if (
                e.room_id in watched
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                rows.append(
                    {
                        "room_id": e.room_id,
                        "utility": utility.value,
                        "ts": e.ts,
                        "counter": float(value),
                        "device_id": e.device_id,
                    }
                )
        if rows:
            await uow.session.execute(insert(MeterSampleRow).values(rows).on_conflict_do_nothing())

    async def scan(self, now: datetime | None = None) -> int:
        """One pass over every watched home; returns the anomalies found new."""
        now = now or now_utc()
        found = 0
        async with self.db.uow() as uow:
            watches = (
                (await uow.session.execute(select(WatchRow).where(WatchRow.enabled)))
                .scalars()
                .all()
            )
            ids = [w.person_id for w in watches]
            await uow.commit()
        for person_id in ids:
            async with self.db.uow() as uow:
                found += await self._scan_one(uow, person_id, now)
                await uow.commit()
        async with self.db.uow() as uow:  # keep only what the baselines need
            cutoff = now - timedelta(days=BASELINE_DAYS + 21)
            await uow.session.execute(delete(MeterSampleRow).where(MeterSampleRow.ts < cutoff))
            await uow.commit()
        return found

    async def _scan_one(self, uow: UnitOfWork, person_id: str, now: datetime) -> int:
        w = await uow.session.get(WatchRow, person_id, with_for_update=True)
        record = await load(uow, person_id)
        if w is None or record is None or not w.enabled:
            return 0
        since = now - timedelta(days=BASELINE_DAYS + 2)
        rows = (
            await uow.session.execute(
                select(MeterSampleRow)
                .where(MeterSampleRow.room_id == w.room_id, MeterSampleRow.ts >= since)
                .order_by(MeterSampleRow.ts)
            )
        ).scalars()
        meters: dict[le.Utility, list[le.Sample]] = defaultdict(list)
        for s in rows:
            meters[le.Utility(s.utility)].append(le.Sample(s.ts, s.counter))
        today = now.astimezone(self.tz).date()
        yesterday = today - timedelta(days=1)
        baselines = {
            u: le.Baseline.of(
                t
                for d in range(2, BASELINE_DAYS + 2)
                if (t := le.day_total(samples, today - timedelta(days=d), self.tz)) is not None
            )
            for u, samples in meters.items()
        }
        anomalies = le.scan(
            w.room_id,
            meters,
            params_of(w.params),
            now,
            baselines=baselines,
            completed_day=yesterday,
            tz=self.tz,
        )
        new = 0
        for a in anomalies:
            a = replace(a, household_id=w.household_id or w.room_id)
            key = f"{person_id}:{a.rule}:{a.utility}:{a.day.isoformat()}"
            visit_id = uuid.uuid4()
            created = (
                await uow.session.execute(
                    insert(AnomalyRow)
                    .values(
                        key=key,
                        person_id=person_id,
                        community_id=w.community_id,
                        building_id=w.building_id,
                        household_id=w.household_id,
                        rule=a.rule.value,
                        utility=a.utility.value,
                        day=a.day.isoformat(),
                        detected_at=now,
                        detail={"hours": a.hours, "total": a.total, "usual": a.usual, "z": a.z},
                        visit_id=visit_id,
                    )
                    .on_conflict_do_nothing(index_elements=["key"])
                    .returning(AnomalyRow.key)
                )
            ).scalar_one_or_none()
            if created is None:
                continue
            new += 1
            grid = await self.places.grid_of(uow, w.building_id)
            what_zh, what_en = anomaly_words(a)
            uow.session.add(
                VisitRow(
                    id=visit_id,
                    person_id=person_id,
                    community_id=w.community_id,
                    building_id=w.building_id,
                    grid_id=grid,
                    purpose=vd.Purpose.CHECK_ON.value,
                    due=now + timedelta(hours=2),
                    reason=f"{what_zh} / {what_en}",
                    rule=a.rule.value,
                    anomaly_key=key,
                )
            )
            family = c.alert_recipients(record.subject, record.grants, c.Category.HOME_USAGE, now)
            place = await self._place(uow, w, record.row.address)
            for notice in anomaly_notices(a, str(visit_id), record.row.name, place, family, grid):
                await send(uow, notice, w.community_id, key)
            await uow.publish(
                AnomalyDetectedV1(
                    anomaly_id=key,
                    person_id=person_id,
                    household_id=w.household_id or w.room_id,
                    community_id=w.community_id,
                    building_id=w.building_id,
                    rule=AnomalyRule(a.rule.value),
                    utility=a.utility.value,
                    day=a.day.isoformat(),
                    detected_at=now,
                    hours=a.hours,
                    total=a.total,
                    usual=a.usual,
                    visit_id=str(visit_id),
                ),
                key=person_id,
            )
        return new

    async def visits(self, who: Caller, limit: int, offset: int) -> tuple[list[VisitRow], int]:
        """My visits: a grid worker's grids' check-on visits, and those assigned to me."""
        from sqlalchemy import func, or_

        grids = who.principal.scope_ids("grid", ["grid_worker"])
        async with self.db.uow() as uow:
            q = select(VisitRow).where(
                or_(VisitRow.assignee == who.subject, VisitRow.grid_id.in_(grids))
            )
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                (
                    await uow.session.execute(
                        q.order_by(VisitRow.due.desc()).limit(limit).offset(offset)
                    )
                )
                .scalars()
                .all()
            )
            await uow.commit()
            return list(rows), int(total)

    async def complete(
        self, who: Caller, visit_id: uuid.UUID, outcome: str, record_text: str
    ) -> VisitRow:
        async with self.db.uow() as uow:
            row = await uow.session.get(VisitRow, visit_id, with_for_update=True)
            grids = who.principal.scope_ids("grid", ["grid_worker"])
            if row is None or not (row.assignee == who.subject or row.grid_id in grids):
                raise Problem(404, "care.visit_not_found", "No such visit", zh="没有这个随访任务")
            visit = vd.Visit(
                str(row.id),
                row.person_id,
                vd.Purpose(row.purpose),
                row.assignee or who.subject,
                row.due,
                vd.VisitStatus(row.status),
                rule=le.Rule(row.rule) if row.rule else None,
                anomaly_key=row.anomaly_key,
            )
            try:
                done = vd.complete(visit, who.subject, now_utc(), vd.Outcome(outcome), record_text)
            except vd.VisitError as exc:
                raise problem(exc, 409 if exc.code == "care.visit_not_open" else 422) from None
            row.status, row.done_at, row.outcome = done.status.value, done.done_at, outcome
            row.record, row.assignee = record_text, who.subject
            w = await uow.session.get(WatchRow, row.person_id, with_for_update=True)
            if w is not None:
                w.params = params_json(vd.feedback(done, params_of(w.params)))
            await uow.publish(
                VisitDoneV1(
                    visit_id=str(row.id),
                    person_id=row.person_id,
                    community_id=row.community_id,
                    purpose=row.purpose,
                    outcome=VisitOutcome(outcome),
                    assignee=who.subject,
                    done_at=done.done_at or now_utc(),
                    anomaly_id=row.anomaly_key,
                ),
                key=str(row.id),
            )
            await uow.audit(
                who,
                "care.visit.record",
                "care_visit",
                str(row.id),
                community_id=row.community_id,
                detail={"outcome": outcome},
            )
            await uow.commit()
            return row
