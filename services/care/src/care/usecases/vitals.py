"""Vitals: recorded by hand or from a bound device, checked against the person's range;
a breach opens an episode and tells the people the consent names once; the rest of the
episode changes only its worst value."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from care.db.models import DeviceBinding, EpisodeRow, VitalRow
from care.domain import consent as c
from care.domain import thresholds as th
from care.domain.notices import breach_notice
from care.domain.vitals import (
    SPECS,
    Source,
    VitalError,
    VitalKind,
    VitalReading,
    make_reading,
    readings_from_telemetry,
)
from care.usecases.common import (
    Record,
    authorise,
    dumps,
    load,
    loads,
    not_found,
    now_utc,
    problem,
    send,
)
from care.usecases.records import doctor_thresholds
from sc_contracts.events import (
    TelemetryRecordedV1,
    ThresholdBreachedV1,
    VitalSource,
    VitalsRecordedV1,
)
from sc_contracts.events import VitalKind as EventKind
from sc_contracts.events.care import Direction
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork


class Vitals:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        who: Caller,
        person_id: str,
        kind: str,
        values: dict[str, float],
        measured_at: datetime,
        unit: str | None = None,
    ) -> VitalRow:
        """By hand: the person, a guardian, or anyone whose consent covers vitals."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VITALS, action="care.vitals.record")
            try:
                reading = make_reading(
                    person_id, kind, values, measured_at, unit=unit, recorded_by=who.subject
                )
            except VitalError as exc:
                raise problem(exc) from None
            row = await self._store(uow, record, reading, f"manual:{uuid.uuid4()}")
            await uow.commit()
            assert row is not None
            return row

    async def history(
        self, who: Caller, person_id: str, kind: str | None, limit: int, offset: int
    ) -> tuple[list[VitalRow], int]:
        from sqlalchemy import func

        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VITALS, action="care.vitals.read")
            q = select(VitalRow).where(VitalRow.person_id == person_id)
            if kind:
                q = q.where(VitalRow.kind == kind)
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                (
                    await uow.session.execute(
                        q.order_by(VitalRow.measured_at.desc()).limit(limit).offset(offset)
                    )
                )
                .scalars()
                .all()
            )
            await uow.commit()
            return list(rows), int(total)

    async def on_telemetry(self, events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """A poll of telemetry: the vitals of bound devices (others are not care's)."""
        ids = {e.device_id for e in events}
        bound = dict(
            (
                await uow.session.execute(
                    select(DeviceBinding.device_id, DeviceBinding.person_id).where(
                        DeviceBinding.device_id.in_(ids)
                    )
                )
            ).all()
        )
        if not bound:
            return
        records: dict[str, Record | None] = {}
        for e in sorted(events, key=lambda e: e.ts):
            person_id = bound.get(e.device_id)
            if person_id is None:
                continue
            if person_id not in records:
                records[person_id] = await load(uow, person_id)
            record = records[person_id]
            if record is None:
                continue
            readings, _rejected = readings_from_telemetry(person_id, e.device_id, e.values, e.ts)
            for reading in readings:
                await self._store(
                    uow, record, reading, f"{e.device_id}:{reading.kind}:{e.ts.isoformat()}"
                )

    async def _store(
        self, uow: UnitOfWork, record: Record, reading: VitalReading, dedupe: str
    ) -> VitalRow | None:
        """Store once (a redelivered reading stores and tells nothing), then the episode."""
        row_id = uuid.uuid4()
        inserted = (
            await uow.session.execute(
                insert(VitalRow)
                .values(
                    id=row_id,
                    person_id=reading.person_id,
                    community_id=record.row.community_id,
                    kind=reading.kind.value,
                    values=dumps(dict(reading.values)),
                    recorded_unit=reading.recorded_unit,
                    measured_at=reading.at,
                    source=reading.source.value,
                    device_id=reading.device_id,
                    recorded_by=reading.recorded_by,
                    dedupe_key=dedupe,
                )
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(VitalRow.id)
            )
        ).scalar_one_or_none()
        if inserted is None:
            return None
        age = record.subject.age_on(reading.at.date())
        threshold = th.threshold_for(
            reading.kind, age, {t.kind: t for t in await doctor_thresholds(uow, record.row.id)}
        )
        assessment = th.assess(reading, threshold)
        await uow.publish(
            VitalsRecordedV1(
                reading_id=str(row_id),
                person_id=reading.person_id,
                community_id=record.row.community_id,
                kind=EventKind(reading.kind.value),
                loinc=SPECS[reading.kind].loinc,
                values=dict(reading.values),
                unit=SPECS[reading.kind].unit,
                measured_at=reading.at,
                source=VitalSource(reading.source.value),
                device_id=reading.device_id,
                in_range=None if threshold is None else not assessment.breach,
            ),
            key=reading.person_id,
        )
        if threshold is not None:
            await self._episode(uow, record, assessment, threshold)
        return await uow.session.get(VitalRow, row_id)

    async def _episode(
        self, uow: UnitOfWork, record: Record, a: th.Assessment, t: th.Threshold
    ) -> None:
        r = a.reading
        row = (
            await uow.session.execute(
                select(EpisodeRow)
                .where(
                    EpisodeRow.person_id == r.person_id,
                    EpisodeRow.kind == r.kind.value,
                    EpisodeRow.closed_at.is_(None),
                )
                .with_for_update()
            )
        ).scalar_one_or_none()
        step = th.step(_episode_of(row) if row is not None else None, a)
        if step.closed is not None and row is not None:
            row.closed_at = r.at
            row.last_seen_at = step.closed.last_seen_at
        if step.change is th.Change.CONTINUED and row is not None and step.episode is not None:
            e = step.episode
            row.last_breach_at, row.last_seen_at = e.last_breach_at, e.last_seen_at
            row.worst_values, row.readings = dumps(dict(e.worst_values)), e.readings
        if step.change is th.Change.OPENED and step.episode is not None:
            await uow.session.flush()  # the old episode closed before the new one opens
            await self._open(uow, record, step.episode, t, r.source)

    async def _open(
        self, uow: UnitOfWork, record: Record, e: th.Episode, t: th.Threshold, source: Source
    ) -> None:
        episode_id = uuid.uuid4()
        uow.session.add(
            EpisodeRow(
                id=episode_id,
                person_id=e.person_id,
                kind=e.kind.value,
                direction=e.direction.value,
                opened_at=e.opened_at,
                last_breach_at=e.last_breach_at,
                last_seen_at=e.last_seen_at,
                first_values=dumps(dict(e.first_values)),
                worst_values=dumps(dict(e.worst_values)),
                readings=e.readings,
                range_text=t.describe(),
                source=source.value,
            )
        )
        # who is told is decided now (a grant given after the measurement still counts)
        told = c.alert_recipients(record.subject, record.grants, c.Category.VITALS, now_utc())
        notice = breach_notice(str(episode_id), record.row.name, e, t, source, told)
        if notice is not None:
            await send(uow, notice, record.row.community_id, str(episode_id))
        await uow.publish(
            ThresholdBreachedV1(
                episode_id=str(episode_id),
                person_id=e.person_id,
                community_id=record.row.community_id,
                kind=EventKind(e.kind.value),
                values=dict(e.first_values),
                unit=SPECS[e.kind].unit,
                range_text=t.describe(),
                direction=Direction(e.direction.value),
                measured_at=e.opened_at,
                source=VitalSource(source.value),
                notified_user_ids=[r.user_id for r in told],
            ),
            key=e.person_id,
        )


def _episode_of(row: EpisodeRow) -> th.Episode:
    return th.Episode(
        row.person_id,
        VitalKind(row.kind),
        row.opened_at,
        row.last_breach_at,
        row.last_seen_at,
        th.Direction(row.direction),
        loads(row.first_values),
        loads(row.worst_values),
        row.readings,
    )
