"""Public health (6.1.1 d): the health-incident register (sensitive: encrypted, read by the
community's doctors and admins only, every read audited), no-mask and fever detections of
edge AI cameras and thermometer gates (from ``telemetry.readings.v1``, against the
device's place and time), home isolation watched by door contacts (a door opened during
the period tells the grid worker and the doctor once per opening), notices to a building
or a community, and statistics per day, week or month. The rules are
:mod:`care.domain.public_health`'s."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from care.db.models import HealthDetectionRow, HealthIncidentRow, HealthMeasureRow, IsolationRow
from care.domain import public_health as ph
from care.domain.messages import DEFAULT_TZ
from care.domain.notices import Notice, isolation_notice
from care.usecases.common import now_utc, problem, send
from sc_contracts.events import TelemetryRecordedV1
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places
from sc_core.places.words import say

REGISTRARS = ("doctor", "community_admin")
WATCHERS = ("doctor", "grid_worker", "community_admin")
DETECTING_TYPES = frozenset({"edge_ai_camera", "thermometer"})
DOOR_TYPES = frozenset({"door_contact"})
MAX_STATISTICS_SPAN = timedelta(days=400)


def _refuse(roles: Sequence[str]) -> Forbidden:
    return Forbidden(
        "auth.out_of_scope",
        f"Only the community's {', '.join(roles)} may do this",
        zh="只有本社区的医生、网格员或社区管理员可以操作公共卫生事务",
    )


def incident_not_found() -> Problem:
    return Problem(404, "care.incident_not_found", "No such health incident",
                   zh="没有这个公共卫生事件")  # fmt: skip


@dataclass(frozen=True)
class NewIncident:
    community_id: str
    building_id: str | None
    kind: ph.IncidentKind
    title: str
    detail: str | None
    cases: int
    reported_at: datetime | None


@dataclass(frozen=True)
class IncidentDetail:
    row: HealthIncidentRow
    measures: list[HealthMeasureRow]


@dataclass(frozen=True)
class NewIsolation:
    person_id: str
    community_id: str
    building_id: str | None
    household_id: str | None
    door_devices: list[str]
    start: datetime
    end: datetime
    grid_worker: str
    doctor: str | None


def _domain(row: HealthIncidentRow, measures: Sequence[HealthMeasureRow]) -> ph.Incident:
    return ph.Incident(
        str(row.id), ph.IncidentKind(row.kind), row.title, row.community_id, row.building_id,
        row.reported_at, row.cases, ph.IncidentStatus(row.status),
        tuple(ph.Measure(m.at, m.by, m.text) for m in measures), row.closed_at,
    )  # fmt: skip


class PublicHealth:
    def __init__(
        self,
        db: Database,
        places: Places,
        tz: ZoneInfo = DEFAULT_TZ,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.db = db
        self.places = places
        self.tz = tz
        self.clock = clock

    # ------------------------------------------------------------------ incidents
    async def report(self, who: Caller, body: NewIncident) -> HealthIncidentRow:
        if not in_scope(who.principal, community_id=body.community_id, roles=REGISTRARS):
            raise _refuse(REGISTRARS)
        now = self.clock()
        row = HealthIncidentRow(
            id=uuid.uuid4(), community_id=body.community_id, building_id=body.building_id,
            kind=body.kind.value, title=body.title, detail=body.detail, cases=body.cases,
            status=ph.IncidentStatus.OPEN.value, reported_at=body.reported_at or now,
            reported_by=who.subject, updated_at=now,
        )  # fmt: skip
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.audit(
                who, "care.incident.report", "care_health_incident", str(row.id),
                community_id=body.community_id, detail={"kind": body.kind.value},
            )  # fmt: skip
            await uow.commit()
        return row

    async def incidents(
        self, who: Caller, community_id: str, status: str | None, params: PageParams
    ) -> tuple[list[HealthIncidentRow], PageTotal]:
        if not in_scope(who.principal, community_id=community_id, roles=REGISTRARS):
            raise _refuse(REGISTRARS)
        query = select(HealthIncidentRow).where(HealthIncidentRow.community_id == community_id)
        if status is not None:
            query = query.where(HealthIncidentRow.status == status)
        query = query.order_by(HealthIncidentRow.reported_at.desc(), HealthIncidentRow.id)
        async with self.db.uow() as uow:
            rows, total = await fetch_page(uow.session, query, params)
            await uow.audit(
                who, "care.incident.list", "care_health_incident", None,
                community_id=community_id, detail={"count": str(len(rows))},
            )  # fmt: skip
            await uow.commit()
            return rows, total

    async def _load(
        self, uow: UnitOfWork, who: Caller, incident_id: uuid.UUID, *, lock: bool = False
    ) -> HealthIncidentRow:
        row = await uow.session.get(HealthIncidentRow, incident_id, with_for_update=lock)
        if row is None or not in_scope(
            who.principal, community_id=row.community_id, roles=REGISTRARS
        ):
            raise incident_not_found()
        return row

    async def _measures(self, uow: UnitOfWork, incident_id: uuid.UUID) -> list[HealthMeasureRow]:
        rows = await uow.session.execute(
            select(HealthMeasureRow)
            .where(HealthMeasureRow.incident_id == incident_id)
            .order_by(HealthMeasureRow.at, HealthMeasureRow.id)
        )
        return list(rows.scalars())

    async def incident(self, who: Caller, incident_id: uuid.UUID) -> IncidentDetail:
        async with self.db.uow() as uow:
            row = await self._load(uow, who, incident_id)
            measures = await self._measures(uow, incident_id)
            await uow.audit(
                who, "care.incident.read", "care_health_incident", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return IncidentDetail(row, measures)

    async def add_measure(self, who: Caller, incident_id: uuid.UUID, text: str) -> IncidentDetail:
        async with self.db.uow() as uow:
            row = await self._load(uow, who, incident_id, lock=True)
            measures = await self._measures(uow, incident_id)
            now = self.clock()
            try:
                ph.add_measure(_domain(row, measures), now, who.subject, text)
            except ph.HealthError as exc:
                raise problem(exc, 409 if exc.code == "care.incident_closed" else 422) from None
            m = HealthMeasureRow(
                id=uuid.uuid4(), incident_id=row.id, at=now, by=who.subject, text=text.strip()
            )
            uow.session.add(m)
            row.updated_at = now
            await uow.audit(
                who, "care.incident.measure", "care_health_incident", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return IncidentDetail(row, [*measures, m])

    async def set_status(
        self, who: Caller, incident_id: uuid.UUID, status: ph.IncidentStatus, cases: int | None
    ) -> IncidentDetail:
        async with self.db.uow() as uow:
            row = await self._load(uow, who, incident_id, lock=True)
            measures = await self._measures(uow, incident_id)
            now = self.clock()
            try:
                moved = ph.set_status(_domain(row, measures), status, now)
            except ph.HealthError as exc:
                raise problem(exc, 409) from None
            row.status, row.closed_at, row.updated_at = moved.status.value, moved.closed_at, now
            if cases is not None:
                row.cases = cases
            await uow.audit(
                who, f"care.incident.{status.value}", "care_health_incident", str(row.id),
                community_id=row.community_id, detail={"cases": str(row.cases)},
            )  # fmt: skip
            await uow.commit()
            return IncidentDetail(row, measures)

    # ------------------------------------------------------------------ notices
    async def notify(
        self,
        who: Caller,
        community_id: str,
        building_id: str | None,
        title: tuple[str, str],
        body: tuple[str, str],
    ) -> str:
        """A notice to every resident of the building (or of the community) through the
        notification service; the request id is answered."""
        if not in_scope(who.principal, community_id=community_id, roles=REGISTRARS):
            raise _refuse(REGISTRARS)
        notice_id = uuid.uuid4().hex
        place = ("building", building_id) if building_id else ("community", community_id)
        notice = Notice(
            f"care:health-notice:{notice_id}", "care.health.notice",
            {"title_zh": title[0], "title_en": title[1], "body_zh": body[0], "body_en": body[1]},
            "warning", ("inapp", "push"), roles_in_scope=(("resident", place[0], place[1]),),
        )  # fmt: skip
        async with self.db.uow() as uow:
            await send(uow, notice, community_id, notice_id)
            await uow.audit(
                who, "care.health_notice.send", place[0], place[1], community_id=community_id,
                detail={"request_id": notice.request_id},
            )  # fmt: skip
            await uow.commit()
        return notice.request_id

    # ------------------------------------------------------------------ isolation
    async def isolate(self, who: Caller, body: NewIsolation) -> IsolationRow:
        if not in_scope(who.principal, community_id=body.community_id, roles=WATCHERS):
            raise _refuse(WATCHERS)
        try:
            ph.Isolation(
                "new", body.person_id, body.household_id or "", frozenset(body.door_devices),
                body.start, body.end, body.grid_worker, body.doctor,
            )  # fmt: skip
        except ph.HealthError as exc:
            raise problem(exc) from None
        row = IsolationRow(
            id=uuid.uuid4(), person_id=body.person_id, community_id=body.community_id,
            building_id=body.building_id, household_id=body.household_id,
            door_devices=sorted(set(body.door_devices)), start=body.start, end=body.end,
            grid_worker=body.grid_worker, doctor=body.doctor, open_doors=[], openings=0,
            created_by=who.subject,
        )  # fmt: skip
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.audit(
                who, "care.isolation.start", "care_isolation", str(row.id),
                community_id=body.community_id, detail={"person_id": body.person_id},
            )  # fmt: skip
            await uow.commit()
        return row

    async def isolations(
        self, who: Caller, community_id: str, params: PageParams
    ) -> tuple[list[IsolationRow], PageTotal]:
        if not in_scope(who.principal, community_id=community_id, roles=WATCHERS):
            raise _refuse(WATCHERS)
        query = (
            select(IsolationRow)
            .where(IsolationRow.community_id == community_id)
            .order_by(IsolationRow.start.desc(), IsolationRow.id)
        )
        async with self.db.uow() as uow:
            rows, total = await fetch_page(uow.session, query, params)
            await uow.audit(
                who, "care.isolation.list", "care_isolation", None, community_id=community_id,
                detail={"count": str(len(rows))},
            )  # fmt: skip
            await uow.commit()
            return rows, total

    # ------------------------------------------------------------------ telemetry
    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """Detections of cameras and thermometer gates; door contacts of isolated homes."""
        found = [
            (e.device_type, d)
            for e in events
            if e.device_type in DETECTING_TYPES
            for d in ph.detections(e.device_id, e.community_id, e.building_id, e.values, e.ts)
        ]
        if found:
            await uow.session.execute(
                insert(HealthDetectionRow)
                .values([
                    {"id": uuid.uuid4(), "kind": d.kind.value, "device_id": d.device_id,
                     "device_type": t, "community_id": d.community_id,
                     "building_id": d.building_id, "at": d.at, "value": d.value}
                    for t, d in found
                ])
                .on_conflict_do_nothing()
            )  # fmt: skip
        doors = [
            e
            for e in events
            if e.device_type in DOOR_TYPES and isinstance(e.values.get("open"), bool)
        ]
        for e in sorted(doors, key=lambda e: e.ts):
            await self._door(uow, e)

    async def _door(self, uow: UnitOfWork, e: TelemetryRecordedV1) -> None:
        rows = await uow.session.execute(
            select(IsolationRow)
            .where(
                IsolationRow.door_devices.contains([e.device_id]),
                IsolationRow.start <= e.ts,
                IsolationRow.end > e.ts,
            )
            .with_for_update()
        )
        opened = e.values["open"] is True
        for row in rows.scalars():
            was_open = e.device_id in (row.open_doors or [])
            if not opened:
                if was_open:
                    row.open_doors = [d for d in row.open_doors if d != e.device_id]
                continue
            if was_open:
                continue  # the same opening reported again
            row.open_doors = [*(row.open_doors or []), e.device_id]
            row.openings += 1
            notice = isolation_notice(
                f"{row.id}:{e.device_id}", await self._where(uow, row), e.ts, row.grid_worker,
                row.doctor, self.tz,
            )  # fmt: skip
            await send(uow, notice, row.community_id, str(row.id))

    async def _where(self, uow: UnitOfWork, row: IsolationRow) -> str:
        """The isolated home in words (its room when identity placed the household)."""
        home = await self.places.household(uow, row.household_id) if row.household_id else None
        name = await self.places.name_of(
            uow, community_id=row.community_id,
            building_id=home.building_id if home else row.building_id,
            unit_id=home.unit_id if home else None, room_id=home.room_id if home else None,
        )  # fmt: skip
        return say(name, "zh-CN")

    # ------------------------------------------------------------------ statistics
    async def statistics(
        self, who: Caller, community_id: str, period: ph.Period, since: datetime, until: datetime
    ) -> dict[str, dict[str, int]]:
        if not in_scope(who.principal, community_id=community_id, roles=WATCHERS):
            raise _refuse(WATCHERS)
        if until <= since or until - since > MAX_STATISTICS_SPAN:
            raise Problem(
                422, "care.statistics_span", "Ask for a span of up to 400 days, until after since",
                zh="统计区间须在400天以内，且结束晚于开始",
            )  # fmt: skip
        async with self.db.uow() as uow:
            incidents = (
                await uow.session.execute(
                    select(HealthIncidentRow).where(
                        HealthIncidentRow.community_id == community_id,
                        HealthIncidentRow.reported_at >= since,
                        HealthIncidentRow.reported_at < until,
                    )
                )
            ).scalars()
            found = (
                await uow.session.execute(
                    select(HealthDetectionRow).where(
                        HealthDetectionRow.community_id == community_id,
                        HealthDetectionRow.at >= since,
                        HealthDetectionRow.at < until,
                    )
                )
            ).scalars()
            stats = ph.statistics(
                [_domain(i, []) for i in incidents],
                [
                    ph.Detection(ph.DetectionKind(d.kind), d.device_id, d.community_id,
                                 d.building_id, d.at, d.value)
                    for d in found
                ],
                period,
                self.tz,
            )  # fmt: skip
            await uow.audit(
                who, "care.health_statistics.read", "community", community_id,
                community_id=community_id, detail={"period": period.value},
            )  # fmt: skip
            await uow.commit()
        return {day.isoformat(): counts for day, counts in stats.items()}
