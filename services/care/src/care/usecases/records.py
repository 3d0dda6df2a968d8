"""Care records (健康档案): open one, read it through consent, export it as FHIR, grant and
revoke access, bind devices, set a person's ranges."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from care.adapters.fhir import export_bundle
from care.db.models import CarePerson, ConsentGrant, DeviceBinding, ThresholdRow, VitalRow
from care.domain import consent as c
from care.domain.records import HealthRecord, Medication, VisitNote
from care.domain.thresholds import Threshold, ThresholdError, ThresholdOrigin, doctor_threshold
from care.domain.vitals import VitalReading
from care.usecases.assessments import person_resources
from care.usecases.common import (
    Record,
    authorise,
    dumps,
    load,
    loads,
    not_found,
    now_utc,
    problem,
)
from care.usecases.falls import fall_resources
from care.usecases.home_visits import visit_notes
from care.usecases.medicine import current as current_medications
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.errors import Forbidden, Problem
from sc_core.places import Places

RECORD_KEEPERS = ("doctor", "community_admin")


@dataclass(frozen=True)
class NewRecord:
    name: str
    birth_date: date
    gender: str
    community_id: str | None = None
    household_id: str | None = None
    person_id: str | None = None
    user_id: str | None = None
    address: str | None = None
    guardians: tuple[str, ...] = ()
    has_capacity: bool = True


class Records:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def open(self, who: Caller, body: NewRecord) -> CarePerson:
        """A doctor or community admin of the community opens a person's record; a household
        given places it (identity's placement wins over what was sent)."""
        async with self.db.uow() as uow:
            community, building, room = body.community_id, None, None
            if body.household_id:
                place = await self.places.household(uow, body.household_id)
                if place is not None:
                    community, building, room = place.community_id, place.building_id, place.room_id
            if community is None:
                raise Problem(
                    422,
                    "care.place_unknown",
                    "Name the community or household",
                    zh="请指明社区或家庭",
                )
            if not in_scope(who.principal, community_id=community, roles=RECORD_KEEPERS):
                raise Forbidden(
                    "auth.out_of_scope", "Outside your community", zh="不在您的社区范围内"
                )
            pid = body.person_id or f"cp-{uuid.uuid4().hex[:16]}"
            if await uow.session.get(CarePerson, pid) is not None:
                raise Problem(
                    409, "care.person_exists", "This person already has a record", zh="该人员已建档"
                )
            row = CarePerson(
                id=pid,
                community_id=community,
                building_id=building,
                room_id=room,
                household_id=body.household_id,
                user_id=body.user_id,
                name=body.name,
                birth_date=body.birth_date.isoformat(),
                gender=body.gender,
                address=body.address,
                guardians=list(body.guardians),
                has_capacity=body.has_capacity,
                created_by=who.subject,
            )
            uow.session.add(row)
            await uow.audit(who, "care.record.open", "care_person", pid, community_id=community)
            await uow.commit()
            return row

    async def read(
        self, who: Caller, person_id: str, emergency_reason: str | None = None
    ) -> tuple[Record, c.Decision]:
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            d = await authorise(
                uow,
                who,
                record,
                c.Category.PROFILE,
                action="care.record.read",
                emergency_reason=emergency_reason,
            )
            await uow.commit()
            return record, d

    async def export(self, who: Caller, person_id: str) -> dict[str, Any]:
        """The person's FHIR R5 Bundle: what the caller's consent covers (the person and a
        guardian get everything), validated with fhir.resources."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            d = await authorise(uow, who, record, c.Category.PROFILE, action="care.record.export")
            vitals: tuple[VitalReading, ...] = ()
            thresholds: tuple[Threshold, ...] = ()
            if c.Category.VITALS in d.categories:
                vitals = tuple(await _vitals(uow, person_id))
                thresholds = tuple(await doctor_thresholds(uow, person_id))
            meds: tuple[Medication, ...] = ()
            if c.Category.CLINICAL in d.categories:
                listed = await current_medications(uow, person_id)
                meds = tuple(Medication(str(m.id), m.name, m.dosage) for m in listed)
            notes: tuple[VisitNote, ...] = ()
            if c.Category.VISITS in d.categories:
                notes = tuple(await visit_notes(uow, person_id))
            mine = d.basis in (c.Basis.SELF, c.Basis.GUARDIAN)
            health = HealthRecord(
                person=record.person,
                medications=meds,
                visits=notes,
                vitals=vitals,
                thresholds=thresholds,
                grants=tuple(record.grants) if mine else (),
            )
            extra = []
            if c.Category.ASSESSMENTS in d.categories:
                extra = await person_resources(uow, person_id)
            if c.Category.VITALS in d.categories:
                extra += await fall_resources(uow, person_id)
            bundle = export_bundle(health, now_utc(), extra)
            await uow.commit()
            return bundle

    async def grant(
        self,
        who: Caller,
        person_id: str,
        *,
        grantee: str,
        relation: str,
        categories: list[str],
        valid_until: datetime | None,
        notify: bool,
    ) -> c.Grant:
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            try:
                g = c.new_grant(
                    record.subject,
                    grant_id=f"g-{uuid.uuid4().hex[:16]}",
                    actor=who.subject,
                    grantee=grantee,
                    relation=c.Relation(relation),
                    categories=[c.Category(x) for x in categories],
                    at=now_utc(),
                    valid_until=valid_until,
                    notify=notify,
                )
            except c.ConsentError as exc:
                raise problem(
                    exc, 403 if "grantor" in exc.code or "guardian" in exc.code else 422
                ) from None
            uow.session.add(
                ConsentGrant(
                    id=g.id,
                    person_id=g.person_id,
                    grantee=g.grantee,
                    relation=g.relation.value,
                    categories=sorted(x.value for x in g.categories),
                    valid_from=g.valid_from,
                    valid_until=g.valid_until,
                    notify=g.notify,
                    granted_by=g.granted_by,
                    granted_as=g.granted_as,
                )
            )
            await uow.audit(
                who,
                "care.consent.grant",
                "care_grant",
                g.id,
                community_id=record.row.community_id,
                detail={"grantee": grantee, "categories": ",".join(sorted(categories))},
            )
            await uow.commit()
            return g

    async def revoke(self, who: Caller, person_id: str, grant_id: str) -> None:
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            row = await uow.session.get(ConsentGrant, grant_id)
            if record is None or row is None or row.person_id != person_id:
                raise not_found()
            try:
                c.check_revoker(
                    record.subject,
                    next(g for g in record.grants if g.id == grant_id),
                    who.subject,
                    now_utc(),
                )
            except c.ConsentError as exc:
                raise problem(exc, 403) from None
            row.revoked_at = row.revoked_at or now_utc()
            await uow.audit(
                who,
                "care.consent.revoke",
                "care_grant",
                grant_id,
                community_id=record.row.community_id,
            )
            await uow.commit()

    async def bind_device(self, who: Caller, person_id: str, device_id: str) -> None:
        """The person, a guardian, or staff of the community binds a wearable or monitor."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            own = who.subject in (record.row.user_id, *record.row.guardians)
            staff = in_scope(
                who.principal,
                community_id=record.row.community_id,
                roles=("doctor", "caregiver", "community_admin"),
            )
            if not (own or staff):
                raise not_found()
            found = await uow.session.get(DeviceBinding, device_id)
            if found is not None and found.person_id != person_id:
                raise Problem(
                    409,
                    "care.device_bound",
                    "The device is bound to someone else",
                    zh="该设备已绑定他人",
                )
            if found is None:
                uow.session.add(
                    DeviceBinding(device_id=device_id, person_id=person_id, bound_by=who.subject)
                )
            await uow.audit(
                who,
                "care.device.bind",
                "care_person",
                person_id,
                community_id=record.row.community_id,
                detail={"device_id": device_id},
            )
            await uow.commit()

    async def set_threshold(
        self,
        who: Caller,
        person_id: str,
        kind: str,
        ranges: dict[str, tuple[float | None, float | None]],
    ) -> Threshold:
        """A doctor whose consent covers the person's vitals sets their range."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            if not who.principal.has_role("doctor"):
                raise Forbidden(
                    "auth.forbidden", "Only a doctor sets ranges", zh="只有医生可以设置体征范围"
                )
            await authorise(uow, who, record, c.Category.VITALS, action="care.threshold.set")
            try:
                t = doctor_threshold(kind, ranges, who.subject)
            except ThresholdError as exc:
                raise problem(exc) from None
            row = await uow.session.get(ThresholdRow, (person_id, t.kind.value))
            payload = dumps_ranges(t)
            if row is None:
                uow.session.add(
                    ThresholdRow(
                        person_id=person_id, kind=t.kind.value, ranges=payload, set_by=who.subject
                    )
                )
            else:
                row.ranges, row.set_by, row.set_at = payload, who.subject, now_utc()
            await uow.commit()
            return t


def dumps_ranges(t: Threshold) -> str:
    import json

    return json.dumps({k: [r.low, r.high] for k, r in t.ranges.items()})


async def doctor_thresholds(uow: Any, person_id: str) -> list[Threshold]:
    import json

    from care.domain.thresholds import Range
    from care.domain.vitals import VitalKind

    rows = (
        await uow.session.execute(select(ThresholdRow).where(ThresholdRow.person_id == person_id))
    ).scalars()
    return [
        Threshold(
            VitalKind(r.kind),
            {k: Range(lo, hi) for k, (lo, hi) in json.loads(r.ranges).items()},
            ThresholdOrigin.DOCTOR,
            r.set_by,
        )
        for r in rows
    ]


async def _vitals(uow: Any, person_id: str, limit: int = 500) -> list[VitalReading]:
    from care.domain.vitals import Source, VitalKind

    rows = (
        await uow.session.execute(
            select(VitalRow)
            .where(VitalRow.person_id == person_id)
            .order_by(VitalRow.measured_at.desc())
            .limit(limit)
        )
    ).scalars()
    return [
        VitalReading(
            r.person_id,
            VitalKind(r.kind),
            loads(r.values),
            r.measured_at,
            Source(r.source),
            r.recorded_unit,
            r.device_id,
            r.recorded_by,
        )
        for r in rows
    ]


__all__ = ["NewRecord", "Records", "doctor_thresholds", "dumps", "select"]
