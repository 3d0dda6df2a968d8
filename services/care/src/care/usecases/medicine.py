"""Medicine home delivery (送药上门): a doctor keeps a person's current medication list
(consent on ``clinical``); the person, a guardian or family whose consent covers it asks
for delivery of medicines from that list, and the health station's staff handle the
request as a case (requested → accepted → out for delivery → delivered, or cancelled
before it leaves). The rules are :mod:`care.domain.visits`'."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select

from care.db.models import CarePerson, MedicationRow, MedicineRequestRow
from care.domain import consent as c
from care.domain import visits as vd
from care.domain.messages import DEFAULT_TZ
from care.domain.notices import medicine_notice
from care.usecases.common import authorise, load, not_found, now_utc, send
from care.usecases.people import visible_people
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page

HANDLERS = ("doctor", "caregiver", "community_admin")
ACTIONS = {
    "accept": vd.DeliveryStatus.ACCEPTED,
    "dispatch": vd.DeliveryStatus.OUT_FOR_DELIVERY,
    "deliver": vd.DeliveryStatus.DELIVERED,
    "cancel": vd.DeliveryStatus.CANCELLED,
}


def request_not_found() -> Problem:
    return Problem(404, "care.medicine_request_not_found", "No such delivery request",
                   zh="没有这个送药申请")  # fmt: skip


@dataclass(frozen=True)
class MedicationItem:
    name: str
    dosage: str | None = None


async def current(uow: UnitOfWork, person_id: str) -> list[MedicationRow]:
    rows = await uow.session.execute(
        select(MedicationRow)
        .where(MedicationRow.person_id == person_id)
        .order_by(MedicationRow.position)
    )
    return list(rows.scalars())


class Medicine:
    def __init__(
        self, db: Database, clock: Callable[[], datetime] = now_utc, tz: ZoneInfo = DEFAULT_TZ
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz

    async def set_list(
        self, who: Caller, person_id: str, items: Sequence[MedicationItem]
    ) -> list[MedicationRow]:
        """A doctor whose consent covers the clinical record sets the current list."""
        if not who.principal.has_role("doctor"):
            raise Forbidden(
                "auth.forbidden", "Only a doctor keeps the medication list",
                zh="只有医生可以维护用药清单",
            )  # fmt: skip
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.CLINICAL, action="care.medication.set")
            await uow.session.execute(
                delete(MedicationRow).where(MedicationRow.person_id == person_id)
            )
            rows = [
                MedicationRow(id=uuid.uuid4(), person_id=person_id, position=i, name=m.name,
                              dosage=m.dosage, set_by=who.subject, set_at=self.clock())
                for i, m in enumerate(items)
            ]  # fmt: skip
            uow.session.add_all(rows)
            await uow.commit()
            return rows

    async def list_of(self, who: Caller, person_id: str) -> list[MedicationRow]:
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.CLINICAL, action="care.medication.read")
            rows = await current(uow, person_id)
            await uow.commit()
            return rows

    async def request(
        self, who: Caller, person_id: str, medicines: Sequence[str], address: str | None,
        note: str | None,
    ) -> MedicineRequestRow:  # fmt: skip
        """Medicines from the current list only (anything else needs the doctor); the
        record's address unless another is given."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.CLINICAL, action="care.medicine.request")
            listed = [m.name for m in await current(uow, person_id)]
            try:
                r = vd.request_medicine(
                    str(uuid.uuid4()), person_id, medicines, listed,
                    address or record.row.address or "", who.subject, note,
                )  # fmt: skip
            except vd.VisitError as exc:
                raise Problem(422, exc.code, exc.en, zh=exc.zh) from None
            now = self.clock()
            row = MedicineRequestRow(
                id=uuid.UUID(r.id), person_id=person_id, community_id=record.row.community_id,
                medicines=json.dumps(list(r.medicines), ensure_ascii=False), address=r.address,
                note=r.note, requested_by=who.subject, status=r.status.value, created_at=now,
                updated_at=now,
            )  # fmt: skip
            uow.session.add(row)
            await uow.audit(
                who, "care.medicine.request", "care_medicine_request", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return row

    async def requests(
        self, who: Caller, status: str | None, params: PageParams
    ) -> tuple[list[MedicineRequestRow], PageTotal]:
        """Staff of the health station: their communities' requests; anyone: those of the
        people whose clinical record they may see. Autocommit: the read and its audit
        record without BEGIN/COMMIT (ADR 0065)."""
        async with self.db.uow(read_only=True) as uow:
            people = await visible_people(uow, who.subject, c.Category.CLINICAL, self.clock())
            communities = who.principal.scope_ids("community", HANDLERS)
            q = select(MedicineRequestRow).where(
                or_(
                    MedicineRequestRow.person_id.in_(people),
                    MedicineRequestRow.community_id.in_(communities),
                )
            )
            if status is not None:
                q = q.where(MedicineRequestRow.status == status)
            rows, total = await fetch_page(
                uow.session,
                q.order_by(MedicineRequestRow.created_at.desc(), MedicineRequestRow.id),
                params,
            )
            await uow.audit(
                who, "care.medicine.list", "care_medicine_request", None,
                detail={"count": str(len(rows))},
            )  # fmt: skip
            await uow.commit()
            return rows, total

    async def move(self, who: Caller, request_id: uuid.UUID, action: str) -> MedicineRequestRow:
        """Staff of the community accept, dispatch and deliver; the requester, the person
        or a guardian may also cancel before it leaves."""
        target = ACTIONS[action]
        async with self.db.uow() as uow:
            row = await uow.session.get(MedicineRequestRow, request_id, with_for_update=True)
            if row is None:
                raise request_not_found()
            staff = in_scope(who.principal, community_id=row.community_id, roles=HANDLERS)
            own = False
            if target is vd.DeliveryStatus.CANCELLED and not staff:
                record = await load(uow, row.person_id)
                own = who.subject == row.requested_by or (
                    record is not None
                    and c.decide(record.subject, record.grants, who.subject, c.Category.CLINICAL,
                                 self.clock()).allowed
                )  # fmt: skip
            if not (staff or own):
                raise request_not_found()
            current_state = vd.MedicineRequest(
                str(row.id), row.person_id, tuple(json.loads(row.medicines)), row.address,
                row.requested_by, vd.DeliveryStatus(row.status),
            )  # fmt: skip
            try:
                moved = vd.move(current_state, target)
            except vd.VisitError as exc:
                raise Problem(409, exc.code, exc.en, zh=exc.zh) from None
            row.status, row.updated_at = moved.status.value, self.clock()
            if staff:
                row.handled_by = who.subject
            await self._tell(uow, who, row, len(current_state.medicines))
            await uow.audit(
                who, f"care.medicine.{action}", "care_medicine_request", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return row

    async def _tell(
        self, uow: UnitOfWork, who: Caller, row: MedicineRequestRow, count: int
    ) -> None:
        """The requester, the person and their guardians hear of the move (not the one who
        made it)."""
        person = await uow.session.get(CarePerson, row.person_id)
        if person is None:
            return
        users = [row.requested_by, person.user_id, *(person.guardians or [])]
        notice = medicine_notice(
            str(row.id), row.status, person.name, count, self.clock(),
            [u for u in users if u and u != who.subject], self.tz,
        )  # fmt: skip
        if notice is not None:
            await send(uow, notice, row.community_id, str(row.id))
