"""What volunteers do (志愿服务): services the community publishes with the volunteer
assigned and the times residents may book (an elder books a volunteer to go to the doctor
with her); hours recorded per service with the fields the measures ask for, corrected by a
correcting record and never edited; the certificate of hours (志愿服务记录证明), stored and
checked as the hall's certificates are. The register itself is
:mod:`gov_affairs.usecases.volunteers`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from gov_affairs.db.models import CertificateRow
from gov_affairs.db.volunteers import (
    VolunteerBookingRow,
    VolunteerHoursRow,
    VolunteerRow,
    VolunteerServiceRow,
)
from gov_affairs.domain import certificates as cert
from gov_affairs.domain import volunteers as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.usecases.volunteers import OFFICE_ROLES, Volunteers, _domain, _problem
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page

Slot = tuple[datetime, datetime]


def _slots(row: VolunteerServiceRow) -> list[Slot]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row.slots]


def _say(at: datetime) -> tuple[str, str]:
    local = at.astimezone(CHINA)
    return f"{local.month}月{local.day}日 {local:%H:%M}", f"{local:%d %b %H:%M}"


class VolunteerWork:
    def __init__(self, volunteers: Volunteers) -> None:
        self.v = volunteers

    # services and bookings -----------------------------------------------------------
    async def publish(
        self,
        who: Caller,
        *,
        volunteer_id: uuid.UUID,
        title: str,
        description: str,
        place: str,
        slots: list[Slot],
    ) -> tuple[VolunteerServiceRow, VolunteerRow]:
        async with self.v.db.uow() as uow:
            volunteer = await uow.session.get(VolunteerRow, volunteer_id)
            if volunteer is None:
                raise Problem(404, "volunteer.not_found", "No such volunteer", zh="没有这位志愿者")
            self.v._office(who, volunteer.community_id)
            if volunteer.status != "certified":
                raise Problem(
                    409,
                    "volunteer.not_certified",
                    "Services are assigned to certified volunteers",
                    zh="只能为已认证的志愿者发布服务",
                )
            if any(end <= start for start, end in slots):
                raise Problem(
                    422,
                    "volunteer.slot_invalid",
                    "A time ends after it starts",
                    zh="时段的结束须晚于开始",
                )
            row = VolunteerServiceRow(
                id=uuid.uuid4(),
                community_id=volunteer.community_id,
                volunteer_id=volunteer.id,
                title=title,
                description=description,
                place=place,
                slots=[[a.isoformat(), b.isoformat()] for a, b in sorted(set(slots))],
                published_by=who.subject,
                created_at=self.v.clock(),
            )
            uow.session.add(row)
            await uow.audit(
                who,
                "volunteer.service_publish",
                "volunteer_service",
                str(row.id),
                community_id=row.community_id,
            )
            await uow.commit()
            return row, volunteer

    async def services(
        self, who: Caller, community_id: str, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[tuple[VolunteerServiceRow, VolunteerRow, set[datetime]]], int]:
        """The community's services, each with its volunteer and the times already booked."""
        async with self.v.db.uow(read_only=True) as uow:
            await self.v.places.ensure_readable(
                uow, who.principal, community_id=community_id, roles=OFFICE_ROLES
            )
            where = [VolunteerServiceRow.community_id == community_id]
            rows, total = await fetch_page(
                uow.session,
                select(VolunteerServiceRow, VolunteerRow)
                .join(VolunteerRow, VolunteerRow.id == VolunteerServiceRow.volunteer_id)
                .where(*where)
                .order_by(VolunteerServiceRow.created_at.desc(), VolunteerServiceRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            out = []
            for service, volunteer in rows:
                out.append((service, volunteer, await self._booked(uow, service.id)))
            return out, total

    async def book(
        self, who: Caller, service_id: uuid.UUID, starts_at: datetime, note: str | None
    ) -> VolunteerBookingRow:
        async with self.v.db.uow() as uow:
            service = await uow.session.get(VolunteerServiceRow, service_id, with_for_update=True)
            if service is None:
                raise Problem(
                    404, "volunteer.service_not_found", "No such service", zh="没有这项志愿服务"
                )
            await self.v._resident(uow, who, service.community_id)
            volunteer = await uow.session.get(VolunteerRow, service.volunteer_id)
            assert volunteer is not None
            if volunteer.status != "certified" or volunteer.number is None:
                raise Problem(
                    409,
                    "volunteer.not_serving",
                    "This volunteer does not serve at present",
                    zh="该志愿者暂不提供服务",
                )
            slots = _slots(service)
            slot = next((s for s in slots if s[0] == starts_at), None)
            offer = d.Offer(volunteer_number=volunteer.number, title=service.title, slots=slots)
            taken = [
                d.Booking(
                    offer_title=service.title,
                    volunteer_number=volunteer.number,
                    resident="-",
                    slot=s,
                )
                for s in slots
                if s[0] in await self._booked(uow, service.id)
            ]
            try:
                d.book(offer, taken, who.subject, slot or (starts_at, starts_at), self.v.clock())
            except d.VolunteerError as exc:
                raise _problem(exc) from exc
            assert slot is not None
            row = VolunteerBookingRow(
                id=uuid.uuid4(),
                service_id=service.id,
                community_id=service.community_id,
                resident=who.subject,
                starts_at=slot[0],
                ends_at=slot[1],
                status="booked",
                note=note,
                booked_at=self.v.clock(),
            )
            uow.session.add(row)
            await uow.session.flush()
            await self.v._event(uow, volunteer, "booked", record_id=row.id)
            await uow.audit(
                who,
                "volunteer.book",
                "volunteer_service",
                str(service.id),
                community_id=service.community_id,
            )
            zh, en = _say(slot[0])
            await self.v._tell(
                uow,
                volunteer,
                "gov.volunteer.booked",
                {
                    "service": service.title,
                    "time": zh,
                    "time_en": en,
                    "place": service.place,
                    "note": note or "",
                },
                f"{row.id}:booked",
            )
            await uow.commit()
            return row

    async def _booked(self, uow: UnitOfWork, service_id: uuid.UUID) -> set[datetime]:
        found = await uow.session.scalars(
            select(VolunteerBookingRow.starts_at).where(
                VolunteerBookingRow.service_id == service_id,
                VolunteerBookingRow.status == "booked",
            )
        )
        return set(found)

    # hours -------------------------------------------------------------------------------
    async def record(
        self,
        who: Caller,
        volunteer_id: uuid.UUID,
        *,
        service_id: uuid.UUID | None,
        project: str,
        content: str,
        place: str,
        started_at: datetime,
        ended_at: datetime,
        corrects: uuid.UUID | None,
        reason: str | None,
    ) -> tuple[VolunteerHoursRow, VolunteerRow, Decimal]:
        async with self.v.db.uow() as uow:
            row = await self.v._locked(uow, volunteer_id)
            self.v._office(who, row.community_id)
            if service_id is not None:
                service = await uow.session.get(VolunteerServiceRow, service_id)
                if service is None or service.volunteer_id != row.id:
                    raise Problem(
                        422,
                        "volunteer.service_not_theirs",
                        "The service is not this volunteer's",
                        zh="该服务不属于这位志愿者",
                    )
            if corrects is not None:
                await self._correctable(uow, row, corrects, reason)
            if ended_at <= started_at:
                raise Problem(
                    422,
                    "volunteer.times_invalid",
                    "The service ends after it starts",
                    zh="服务的结束时间须晚于开始时间",
                )
            organisation = await self.v._community_name(uow, row.community_id)
            try:
                record = d.record_hours(
                    _domain(row),
                    record_id_of=str(corrects) if corrects else None,
                    project=project,
                    content=content,
                    place=place,
                    started_at=started_at,
                    ended_at=ended_at,
                    organisation=organisation,
                    recorded_by=who.subject,
                    recorded_at=self.v.clock(),
                )
            except d.VolunteerError as exc:
                raise _problem(exc) from exc
            hours = VolunteerHoursRow(
                id=uuid.uuid4(),
                volunteer_id=row.id,
                community_id=row.community_id,
                service_id=service_id,
                record=record.model_dump(mode="json", exclude={"person_ref"}),
                hours=record.hours,
                started_at=started_at,
                corrects=corrects,
                reason=reason,
                recorded_at=record.recorded_at,
            )
            uow.session.add(hours)
            await uow.session.flush()
            totals = await self.v._totals(uow, row.id)
            await self.v._event(
                uow,
                row,
                "hours_corrected" if corrects else "hours_recorded",
                record_id=hours.id,
                corrects=corrects,
                hours=record.hours,
                total=totals.hours,
            )
            await uow.audit(
                who, "volunteer.hours", "volunteer", str(row.id), community_id=row.community_id
            )
            await self.v._tell(
                uow,
                row,
                "gov.volunteer.hours",
                {"service": project, "hours": f"{record.hours}", "total": f"{totals.hours}"},
                f"{hours.id}:hours",
            )
            await uow.commit()
            return hours, row, totals.hours

    async def _correctable(
        self, uow: UnitOfWork, row: VolunteerRow, corrects: uuid.UUID, reason: str | None
    ) -> None:
        if not reason:
            raise Problem(
                422,
                "volunteer.reason_required",
                "Say why the record is corrected",
                zh="请填写更正的原因",
            )
        old = await uow.session.get(VolunteerHoursRow, corrects)
        if old is None or old.volunteer_id != row.id:
            raise Problem(
                422,
                "volunteer.no_such_record",
                "The record to correct is not this volunteer's",
                zh="要更正的记录不属于这位志愿者",
            )
        already = await uow.session.scalar(
            select(VolunteerHoursRow.id).where(VolunteerHoursRow.corrects == corrects)
        )
        if already is not None:
            raise Problem(
                409,
                "volunteer.already_corrected",
                "This record was corrected already: correct the correction",
                zh="这条记录已被更正，请更正最新的记录",
            )

    async def hours(
        self, who: Caller, volunteer_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[VolunteerRow, list[VolunteerHoursRow], set[uuid.UUID], int]:
        """The volunteer's records, the latest service first, with those corrected."""
        async with self.v.db.uow() as uow:
            row = await self.v._readable(uow, who, volunteer_id)
            where = [VolunteerHoursRow.volunteer_id == row.id]
            total = await uow.session.scalar(
                select(func.count()).select_from(VolunteerHoursRow).where(*where)
            )
            records = list(
                await uow.session.scalars(
                    select(VolunteerHoursRow)
                    .where(*where)
                    .order_by(VolunteerHoursRow.started_at.desc(), VolunteerHoursRow.recorded_at)
                    .limit(limit)
                    .offset(offset)
                )
            )
            corrected = set(
                await uow.session.scalars(
                    select(VolunteerHoursRow.corrects).where(
                        *where, VolunteerHoursRow.corrects.is_not(None)
                    )
                )
            )
            await uow.commit()
            return row, records, {c for c in corrected if c is not None}, int(total or 0)

    # the certificate of hours ----------------------------------------------------------
    async def certificate(
        self, who: Caller, volunteer_id: uuid.UUID, since: date, until: date
    ) -> tuple[CertificateRow, str, Decimal]:
        """Issue the certificate of hours for a period: the code is returned once (only its
        digest is kept); the PDF and the public check are the certificates' own routes."""
        if until < since:
            raise Problem(
                422,
                "volunteer.period_invalid",
                "The period ends after it starts",
                zh="期间的结束须晚于开始",
            )
        async with self.v.db.uow() as uow:
            row = await self.v._locked(uow, volunteer_id)
            self.v._office(who, row.community_id)
            records = [
                (str(r.id), d.HoursRecord.model_validate({**r.record, "person_ref": str(row.id)}))
                for r in await uow.session.scalars(
                    select(VolunteerHoursRow).where(VolunteerHoursRow.volunteer_id == row.id)
                )
            ]
            now = self.v.clock()
            today = now.astimezone(CHINA).date()
            community = await self.v._community_name(uow, row.community_id)
            code = cert.new_code()
            try:
                content = d.hours_certificate(
                    name=row.name,
                    id_number=row.id_number,
                    volunteer=_domain(row),
                    records=records,
                    since=since,
                    until=until,
                    organisation_zh=f"{community}居民委员会",
                    organisation_en=f"Residents' committee of {community}",
                    code=code,
                    number=f"VS-{today:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}",
                    issued_on=today,
                )
            except d.VolunteerError as exc:
                raise _problem(exc) from exc
            issued = await self.v.certificates.issue_content(
                uow,
                content,
                item_code="volunteer_hours",
                community_id=row.community_id,
                holder_id=row.account_id,
                holder_masked=cert.mask_name(row.name),
                now=now,
            )
            total = d.total_hours(records, since, until)
            await self.v._event(uow, row, "certificate_issued", record_id=issued.id, hours=total)
            await uow.audit(
                who,
                "volunteer.certificate",
                "certificate",
                str(issued.id),
                community_id=row.community_id,
            )
            await uow.commit()
            return issued, content.code, total
