"""Childcare (托育, 6.2.3): nurseries and their classes kept by the community's staff, a
child (a care person under 7) enrolled with the guardians who drop off, pick up and
authorise; a guardian shows a two-minute one-time QR code (signed, Ed25519) that the staff
scan to check the child in (temperature taken: a fever keeps the child home and tells the
guardians once) and out (only a guardian allowed to pick up); a sweep with an injected
clock tells the guardians once of a child not picked up by closing + 15 minutes. The
rules are :mod:`care.domain.childcare`'s, the tokens :mod:`care.adapters.signing`'s.

Staff: identity has no nursery role; ``community_admin`` and ``caregiver`` (护理员, the
closest) of the nursery's community keep nurseries, enrol and scan."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from care.adapters.signing import CareSigner, TokenError
from care.db.models import (
    CarePerson,
    CheckinCodeRow,
    ChildDayRow,
    ChildNoteRow,
    ChildRow,
    NurseryClassRow,
    NurseryRow,
    VideoGrantRow,
)
from care.domain import childcare as cc
from care.domain.messages import local_time
from care.domain.notices import Notice, childcare_notice
from care.usecases.common import now_utc, send
from sc_contracts.events import CheckDirection, ChildCheckedV1
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page

STAFF = ("community_admin", "caregiver")
MAX_AGE_YEARS = 7
_STATUS = {
    "care.childcare_not_guardian": 403,
    "care.childcare_not_pickup": 403,
    "care.childcare_class_full": 409,
    "care.childcare_already_enrolled": 409,
    "care.childcare_already_in": 409,
    "care.childcare_not_in": 409,
    "care.childcare_closed": 409,
    "care.video_not_authoriser": 403,
}


def refused(exc: cc.ChildcareError | TokenError) -> Problem:
    return Problem(_STATUS.get(exc.code, 422), exc.code, exc.en, zh=exc.zh)


def nursery_not_found() -> Problem:
    return Problem(404, "care.nursery_not_found", "No such nursery", zh="没有这个托育园")


def class_not_found() -> Problem:
    return Problem(404, "care.class_not_found", "No such class", zh="没有这个班级")


def child_not_found() -> Problem:
    return Problem(404, "care.child_not_found", "No such child", zh="没有这个入托幼儿")


def video_grant_not_found() -> Problem:
    return Problem(404, "care.video_grant_not_found", "No such video grant", zh="没有这个视频授权")


def _staff_only() -> Forbidden:
    return Forbidden(
        "auth.out_of_scope", "Only the nursery's staff of the community may do this",
        zh="只有本社区托育园的工作人员可以操作",
    )  # fmt: skip


@dataclass(frozen=True)
class ChildView:
    child: ChildRow
    name: str


class Childcare:
    def __init__(
        self, db: Database, tz: ZoneInfo, signer: CareSigner,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:  # fmt: skip
        self.db = db
        self.tz = tz
        self.signer = signer
        self.clock = clock

    # -- the domain's view of rows --------------------------------------------------

    def _nursery(self, row: NurseryRow) -> cc.Nursery:
        return cc.Nursery(
            str(row.id), row.name, time.fromisoformat(row.opens), time.fromisoformat(row.closes),
            tz=self.tz,
        )  # fmt: skip

    @staticmethod
    def _class(row: NurseryClassRow) -> cc.NurseryClass:
        return cc.NurseryClass(
            str(row.id), str(row.nursery_id), row.name, row.capacity, frozenset(row.camera_ids)
        )

    @staticmethod
    def _guardians(raw: list[dict[str, Any]]) -> dict[str, cc.Guardian]:
        return {
            g["user_id"]: cc.Guardian(
                g["user_id"], g["relation"], bool(g["can_pick_up"]), bool(g["can_authorise"])
            )
            for g in raw
        }

    def _child(self, row: ChildRow, name: str, birth: date) -> cc.Child:
        return cc.Child(str(row.id), name, birth, str(row.class_id), self._guardians(row.guardians))

    @staticmethod
    def _day(row: ChildDayRow) -> cc.Day:
        return cc.Day(
            str(row.child_id), date.fromisoformat(row.day), row.checked_in_at, row.checked_in_by,
            row.checked_out_at, row.checked_out_by, row.fever_told, row.overdue_told,
            row.refused_at,
        )  # fmt: skip

    # -- nurseries and classes ------------------------------------------------------

    async def create_nursery(
        self, who: Caller, community_id: str, name: str, opens: time, closes: time
    ) -> NurseryRow:
        if not in_scope(who.principal, community_id=community_id, roles=STAFF):
            raise _staff_only()
        if not opens < closes:
            raise Problem(
                422, "care.nursery_hours", "The nursery must open before it closes",
                zh="开园时间须早于闭园时间",
            )  # fmt: skip
        async with self.db.uow() as uow:
            row = NurseryRow(
                id=uuid.uuid4(), community_id=community_id, name=name,
                opens=f"{opens:%H:%M}", closes=f"{closes:%H:%M}", created_by=who.subject,
                created_at=self.clock(),
            )  # fmt: skip
            uow.session.add(row)
            await uow.audit(
                who, "care.nursery.create", "care_nursery", str(row.id), community_id=community_id
            )
            await uow.commit()
            return row

    async def _staff_nursery(
        self, uow: UnitOfWork, who: Caller, nursery_id: uuid.UUID
    ) -> NurseryRow:
        row = await uow.session.get(NurseryRow, nursery_id)
        if row is None:
            raise nursery_not_found()
        if not in_scope(who.principal, community_id=row.community_id, roles=STAFF):
            raise nursery_not_found()
        return row

    async def nurseries(self, who: Caller, limit: int, offset: int) -> tuple[list[NurseryRow], int]:
        """Staff: their communities' nurseries; a guardian: their children's."""
        communities = who.principal.scope_ids("community", STAFF)
        async with self.db.uow(read_only=True) as uow:
            mine = select(ChildRow.nursery_id).where(ChildRow.guardian_ids.contains([who.subject]))
            q = select(NurseryRow).where(
                or_(NurseryRow.community_id.in_(communities), NurseryRow.id.in_(mine))
            )
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    q.order_by(NurseryRow.created_at, NurseryRow.id).limit(limit).offset(offset)
                )
            ).scalars().all()  # fmt: skip
            return list(rows), int(total)

    async def create_class(
        self, who: Caller, nursery_id: uuid.UUID, name: str, capacity: int, cameras: list[str]
    ) -> NurseryClassRow:
        async with self.db.uow() as uow:
            nursery = await self._staff_nursery(uow, who, nursery_id)
            row = NurseryClassRow(
                id=uuid.uuid4(), nursery_id=nursery.id, name=name, capacity=capacity,
                camera_ids=sorted(set(cameras)), created_at=self.clock(),
            )  # fmt: skip
            uow.session.add(row)
            await uow.audit(
                who, "care.nursery_class.create", "care_nursery_class", str(row.id),
                community_id=nursery.community_id,
            )  # fmt: skip
            await uow.commit()
            return row

    # -- enrolment ------------------------------------------------------------------

    async def enrol(
        self, who: Caller, person_id: str, class_id: uuid.UUID, guardians: list[dict[str, Any]]
    ) -> ChildView:
        async with self.db.uow() as uow:
            klass = await uow.session.get(NurseryClassRow, class_id, with_for_update=True)
            if klass is None:
                raise class_not_found()
            nursery = await uow.session.get(NurseryRow, klass.nursery_id)
            if nursery is None or not in_scope(
                who.principal, community_id=nursery.community_id, roles=STAFF
            ):
                raise class_not_found()
            person = await uow.session.get(CarePerson, person_id)
            if person is None or person.community_id != nursery.community_id:
                raise Problem(
                    404, "care.person_not_found", "No such care record in this community",
                    zh="本社区没有这个健康档案",
                )  # fmt: skip
            birth = date.fromisoformat(person.birth_date)
            today = self.clock().astimezone(self.tz).date()
            if _years(birth, today) >= MAX_AGE_YEARS:
                raise Problem(
                    422, "care.childcare_age", "Only children under 7 can be enrolled",
                    zh="只有未满7周岁的儿童可以入托",
                )  # fmt: skip
            existing = (
                await uow.session.execute(select(ChildRow).where(ChildRow.person_id == person_id))
            ).scalar_one_or_none()
            child = cc.Child(
                str(existing.id) if existing else str(uuid.uuid4()), person.name, birth,
                str(existing.class_id) if existing else None, self._guardians(guardians),
            )  # fmt: skip
            if existing is not None and existing.class_id != klass.id:
                raise Problem(
                    409, "care.childcare_already_enrolled", "The child is already enrolled",
                    zh="该幼儿已在园登记。",
                )  # fmt: skip
            enrolled = (
                await uow.session.execute(select(func.count()).where(ChildRow.class_id == klass.id))
            ).scalar_one()
            try:
                cc.enrol(child, self._class(klass), int(enrolled))
            except cc.ChildcareError as exc:
                raise refused(exc) from None
            row = ChildRow(
                id=uuid.UUID(child.id), person_id=person_id, community_id=nursery.community_id,
                nursery_id=nursery.id, class_id=klass.id, guardians=guardians,
                guardian_ids=[g["user_id"] for g in guardians], enrolled_by=who.subject,
                enrolled_at=self.clock(),
            )  # fmt: skip
            uow.session.add(row)
            try:
                await uow.session.flush()
            except IntegrityError:  # enrolled at the same moment elsewhere
                raise Problem(
                    409, "care.childcare_already_enrolled", "The child is already enrolled",
                    zh="该幼儿已在园登记。",
                ) from None  # fmt: skip
            await uow.audit(
                who, "care.child.enrol", "care_child", str(row.id),
                community_id=nursery.community_id,
                detail={"person_id": person_id, "class_id": str(klass.id)},
            )  # fmt: skip
            await uow.commit()
            return ChildView(row, person.name)

    async def children(
        self, who: Caller, nursery_id: uuid.UUID | None, params: PageParams
    ) -> tuple[list[ChildView], PageTotal]:
        """Staff: the children of their communities' nurseries; a guardian: their own.
        Autocommit: the read and its audit record without BEGIN/COMMIT (ADR 0065)."""
        communities = who.principal.scope_ids("community", STAFF)
        async with self.db.uow(read_only=True) as uow:
            q = (
                select(ChildRow, CarePerson.name)
                .join(CarePerson, CarePerson.id == ChildRow.person_id)
                .where(
                    or_(
                        ChildRow.community_id.in_(communities),
                        ChildRow.guardian_ids.contains([who.subject]),
                    )
                )
            )
            if nursery_id is not None:
                q = q.where(ChildRow.nursery_id == nursery_id)
            rows, total = await fetch_page(
                uow.session, q.order_by(ChildRow.enrolled_at, ChildRow.id), params, rows=True
            )
            views = [ChildView(c, name) for c, name in rows]
            await uow.audit(
                who, "care.child.list", "care_child", None, detail={"count": str(len(views))}
            )
            await uow.commit()
            return views, total

    # -- the door: QR, check-in, check-out ------------------------------------------

    async def qr(self, who: Caller, child_id: uuid.UUID) -> tuple[str, datetime]:
        """A registered guardian's two-minute, one-time check-in code for the child."""
        now = self.clock()
        async with self.db.uow() as uow:
            row = await uow.session.get(ChildRow, child_id)
            if row is None or who.subject not in (row.guardian_ids or []):
                raise child_not_found()
            token = self.signer.sign_checkin_qr(who.subject, str(row.id), str(row.nursery_id), now)
            claims = self.signer.verify_checkin_qr(token, str(row.nursery_id), now)
            await uow.audit(
                who, "care.child.qr", "care_child", str(row.id), community_id=row.community_id
            )
            await uow.commit()
            return token, claims.expires

    async def scan(
        self, who: Caller, nursery_id: uuid.UUID, code: str, direction: CheckDirection,
        temperature: float | None,
    ) -> tuple[ChildView, ChildDayRow]:  # fmt: skip
        """The staff scan a guardian's code at the door: check-in (with the temperature) or
        check-out. A code is used once, whatever the outcome."""
        now = self.clock()
        async with self.db.uow() as uow:
            nursery = await self._staff_nursery(uow, who, nursery_id)
            try:
                claims = self.signer.verify_checkin_qr(code, str(nursery.id), now)
            except TokenError as exc:
                raise refused(exc) from None
            try:
                async with uow.session.begin_nested():
                    uow.session.add(
                        CheckinCodeRow(jti=claims.jti, child_id=uuid.UUID(claims.child_id),
                                       used_at=now)
                    )  # fmt: skip
            except IntegrityError:
                raise Problem(
                    409, "care.checkin_code_used", "This code has already been used",
                    zh="该接送码已使用，请刷新后重新出示。",
                ) from None  # fmt: skip
            child_row = await uow.session.get(ChildRow, uuid.UUID(claims.child_id))
            person = await uow.session.get(CarePerson, child_row.person_id) if child_row else None
            if child_row is None or person is None or child_row.nursery_id != nursery.id:
                raise child_not_found()
            n = self._nursery(nursery)
            child = self._child(child_row, person.name, date.fromisoformat(person.birth_date))
            day_key = now.astimezone(self.tz).date().isoformat()
            day_row = await uow.session.get(
                ChildDayRow, (child_row.id, day_key), with_for_update=True
            )
            if day_row is None:
                day_row = ChildDayRow(
                    child_id=child_row.id, day=day_key, nursery_id=nursery.id,
                    fever_told=False, overdue_told=False,
                )  # fmt: skip
                uow.session.add(day_row)
            day = self._day(day_row)
            view = ChildView(child_row, person.name)
            try:
                if direction is CheckDirection.IN:
                    if temperature is None:
                        raise Problem(
                            422, "care.childcare_temperature", "Take the child's temperature",
                            zh="请先为幼儿测量体温",
                        )  # fmt: skip
                    after, alerts = cc.check_in(day, child, n, claims.guardian_id, now, temperature)
                else:
                    after, alerts = cc.check_out(day, child, claims.guardian_id, now), []
            except cc.ChildcareError as exc:
                await uow.audit(
                    who, f"care.child.check_{direction.value}", "care_child", str(child_row.id),
                    community_id=child_row.community_id, outcome="denied",
                    detail={"code": exc.code, "guardian_id": claims.guardian_id},
                )  # fmt: skip
                await uow.commit()
                raise refused(exc) from None
            if direction is CheckDirection.IN:
                day_row.temperature = temperature
            if alerts:  # a fever at the door: the child stays home, the guardians told once
                first = not day_row.fever_told
                day_row.refused_at, day_row.fever_told = after.refused_at, True
                if first:
                    notice = childcare_notice(
                        alerts[0], person.name, nursery.name, nursery.closes,
                        child_row.guardian_ids, self.tz,
                    )  # fmt: skip
                    if notice is not None:
                        notice = replace(
                            notice, request_id=f"care:childcare:fever:{child_row.id}:{day_key}"
                        )
                        await send(uow, notice, child_row.community_id, str(child_row.id))
                await uow.audit(
                    who, "care.child.check_in", "care_child", str(child_row.id),
                    community_id=child_row.community_id, outcome="denied",
                    detail={"code": "care.childcare_fever", "temperature": f"{temperature:.1f}"},
                )  # fmt: skip
                await uow.commit()
                raise Problem(
                    422, "care.childcare_fever",
                    f"{temperature:.1f} ℃: the child cannot stay today; the guardians are told",
                    zh=f"体温{temperature:.1f}℃，今天暂不能入园，已通知监护人。",
                )  # fmt: skip
            day_row.checked_in_at, day_row.checked_in_by = after.checked_in_at, after.checked_in_by
            day_row.checked_out_at = after.checked_out_at
            day_row.checked_out_by = after.checked_out_by
            guardian = child.guardians[claims.guardian_id]
            await send(
                uow, self._checked_notice(child_row, person.name, guardian, direction, now),
                child_row.community_id, str(child_row.id),
            )  # fmt: skip
            await uow.publish(
                ChildCheckedV1(
                    child_id=str(child_row.id), nursery_id=str(nursery.id),
                    class_id=str(child_row.class_id), community_id=child_row.community_id,
                    direction=direction, guardian_id=claims.guardian_id, at=now,
                ),
                key=str(child_row.id),
            )  # fmt: skip
            await uow.audit(
                who, f"care.child.check_{direction.value}", "care_child", str(child_row.id),
                community_id=child_row.community_id,
                detail={"guardian_id": claims.guardian_id, "day": day_key},
            )  # fmt: skip
            await uow.commit()
            return view, day_row

    def _checked_notice(
        self, row: ChildRow, name: str, guardian: cc.Guardian, direction: CheckDirection,
        at: datetime,
    ) -> Notice:  # fmt: skip
        zh, en = local_time(at, self.tz)
        words = ("入园", "checked in") if direction is CheckDirection.IN else ("离园", "picked up")
        day = at.astimezone(self.tz).date().isoformat()
        return Notice(
            f"care:childcare:checked:{row.id}:{day}:{direction.value}", "care.childcare.checked",
            {"child": name, "guardian": guardian.relation, "direction_zh": words[0],
             "direction_en": words[1], "time_zh": zh, "time_en": en},
            "info", ("inapp", "push"), user_ids=tuple(row.guardian_ids),
        )  # fmt: skip

    async def days(
        self, who: Caller, child_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[list[ChildDayRow], int]:
        """A child's days, newest first: the nursery's staff and the child's guardians."""
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(ChildRow, child_id)
            if row is None or not (
                who.subject in (row.guardian_ids or [])
                or in_scope(who.principal, community_id=row.community_id, roles=STAFF)
            ):
                raise child_not_found()
            q = select(ChildDayRow).where(ChildDayRow.child_id == row.id)
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    q.order_by(ChildDayRow.day.desc()).limit(limit).offset(offset)
                )
            ).scalars().all()  # fmt: skip
            return list(rows), int(total)

    # -- notes ----------------------------------------------------------------------

    async def _visible_child(self, uow: UnitOfWork, who: Caller, child_id: uuid.UUID) -> ChildRow:
        """The child for the nursery's staff and the child's guardians; 404 otherwise."""
        row = await uow.session.get(ChildRow, child_id)
        if row is None or not (
            who.subject in (row.guardian_ids or [])
            or in_scope(who.principal, community_id=row.community_id, roles=STAFF)
        ):
            raise child_not_found()
        return row

    async def note(
        self, who: Caller, child_id: uuid.UUID, kind: cc.NoteKind, text: str
    ) -> ChildNoteRow:
        """The staff note a child's day; an incident tells the guardians (once per note)."""
        now = self.clock()
        async with self.db.uow() as uow:
            row = await uow.session.get(ChildRow, child_id)
            if row is None or not in_scope(
                who.principal, community_id=row.community_id, roles=STAFF
            ):
                raise child_not_found()
            try:
                alerts = cc.behaviour(cc.BehaviourNote(str(row.id), now, kind, text, who.subject))
            except cc.ChildcareError as exc:
                raise refused(exc) from None
            note = ChildNoteRow(
                id=uuid.uuid4(), child_id=row.id, kind=kind.value, text=text.strip(),
                author=who.subject, at=now,
            )  # fmt: skip
            uow.session.add(note)
            if alerts:
                person = await uow.session.get(CarePerson, row.person_id)
                nursery = await uow.session.get(NurseryRow, row.nursery_id)
                notice = childcare_notice(
                    alerts[0], person.name if person else "", nursery.name if nursery else "",
                    nursery.closes if nursery else "", row.guardian_ids, self.tz,
                )  # fmt: skip
                if notice is not None:
                    notice = replace(notice, request_id=f"care:childcare:incident:{note.id}")
                    await send(uow, notice, row.community_id, str(row.id))
            await uow.audit(
                who, "care.child.note", "care_child", str(row.id),
                community_id=row.community_id, detail={"kind": kind.value},
            )  # fmt: skip
            await uow.commit()
            return note

    async def notes(
        self, who: Caller, child_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[list[ChildNoteRow], int]:
        async with self.db.uow() as uow:
            row = await self._visible_child(uow, who, child_id)
            q = select(ChildNoteRow).where(ChildNoteRow.child_id == row.id)
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    q.order_by(ChildNoteRow.at.desc(), ChildNoteRow.id).limit(limit).offset(offset)
                )
            ).scalars().all()  # fmt: skip
            await uow.audit(
                who, "care.child.notes", "care_child", str(row.id), community_id=row.community_id
            )
            await uow.commit()
            return list(rows), int(total)

    # -- video grants ---------------------------------------------------------------

    async def grant_video(
        self, who: Caller, child_id: uuid.UUID, grantee: str, camera_id: str,
        start: datetime, end: datetime,
    ) -> tuple[VideoGrantRow, str]:  # fmt: skip
        """A guardian allowed to authorise grants a guardian one camera of the child's
        class for a window within one day's opening hours; the platform signs it."""
        now = self.clock()
        async with self.db.uow() as uow:
            row = await self._visible_child(uow, who, child_id)
            klass = await uow.session.get(NurseryClassRow, row.class_id)
            nursery = await uow.session.get(NurseryRow, row.nursery_id)
            person = await uow.session.get(CarePerson, row.person_id)
            if klass is None or nursery is None or person is None:
                raise child_not_found()
            child = self._child(row, person.name, date.fromisoformat(person.birth_date))
            try:
                grant = cc.grant_video(
                    grant_id=str(uuid.uuid4()), child=child, klass=self._class(klass),
                    nursery=self._nursery(nursery), actor=who.subject, grantee=grantee,
                    camera_id=camera_id, start=start, end=end, now=now,
                )  # fmt: skip
            except cc.ChildcareError as exc:
                await uow.audit(
                    who, "care.video.grant", "care_child", str(row.id),
                    community_id=row.community_id, outcome="denied", detail={"code": exc.code},
                )  # fmt: skip
                await uow.commit()
                raise refused(exc) from None
            grow = VideoGrantRow(
                id=uuid.UUID(grant.id), child_id=row.id, community_id=row.community_id,
                camera_id=camera_id, grantee=grantee, granted_by=who.subject, start=start,
                end=end, created_at=now,
            )  # fmt: skip
            uow.session.add(grow)
            await uow.audit(
                who, "care.video.grant", "care_video_grant", grant.id,
                community_id=row.community_id,
                detail={"child_id": str(row.id), "camera_id": camera_id, "grantee": grantee},
            )  # fmt: skip
            await uow.commit()
            return grow, self.signer.sign_video_grant(grant)

    async def revoke_video(self, who: Caller, grant_id: uuid.UUID) -> VideoGrantRow:
        """The granting guardian, another authorising guardian or the grantee ends it."""
        now = self.clock()
        async with self.db.uow() as uow:
            grow = await uow.session.get(VideoGrantRow, grant_id, with_for_update=True)
            child = await uow.session.get(ChildRow, grow.child_id) if grow else None
            if grow is None or child is None:
                raise video_grant_not_found()
            authorisers = {
                g.user_id for g in self._guardians(child.guardians).values() if g.can_authorise
            }
            if who.subject not in {*authorisers, grow.granted_by, grow.grantee}:
                raise video_grant_not_found()
            if grow.revoked_at is None:
                grow.revoked_at = now
            await uow.audit(
                who, "care.video.revoke", "care_video_grant", str(grow.id),
                community_id=grow.community_id,
            )  # fmt: skip
            await uow.commit()
            return grow

    async def verify_video(self, who: Caller, token: str, camera_id: str) -> VideoGrantRow:
        """The video gateway (or anyone holding a token) asks whether it opens
        ``camera_id`` now: signature, camera, window and revocation; every answer audited."""
        now = self.clock()
        async with self.db.uow() as uow:
            try:
                claims = self.signer.verify_video_grant(token, camera_id, now)
                grow = await uow.session.get(VideoGrantRow, uuid.UUID(str(claims["jti"])))
                if grow is None or grow.camera_id != camera_id:
                    raise TokenError(
                        "care.token_invalid", "视频授权无效。", "The video grant is not valid."
                    )
                if grow.revoked_at is not None and grow.revoked_at <= now:
                    raise TokenError(
                        "care.video_revoked", "视频授权已被撤销。", "The video grant was revoked."
                    )
            except (TokenError, ValueError) as exc:
                code = exc.code if isinstance(exc, TokenError) else "care.token_invalid"
                await uow.audit(
                    who, "care.video.verify", "care_video_grant", None, outcome="denied",
                    detail={"camera_id": camera_id, "code": code},
                )  # fmt: skip
                await uow.commit()
                if isinstance(exc, TokenError):
                    raise Problem(403, exc.code, exc.en, zh=exc.zh) from None
                raise Problem(
                    403, code, "The video grant is not valid.", zh="视频授权无效。"
                ) from None
            await uow.audit(
                who, "care.video.verify", "care_video_grant", str(grow.id),
                community_id=grow.community_id, detail={"camera_id": camera_id},
            )  # fmt: skip
            await uow.commit()
            return grow

    # -- the sweep ------------------------------------------------------------------

    async def overdue(self, now: datetime | None = None) -> int:
        """One sweep: each child still checked in at closing + the grace (15 min) is told
        to the guardians once. Returns the alerts sent."""
        now = now or self.clock()
        sent = 0
        async with self.db.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(ChildDayRow, NurseryRow, ChildRow)
                    .join(NurseryRow, NurseryRow.id == ChildDayRow.nursery_id)
                    .join(ChildRow, ChildRow.id == ChildDayRow.child_id)
                    .where(
                        ChildDayRow.checked_in_at.is_not(None),
                        ChildDayRow.checked_out_at.is_(None),
                        ChildDayRow.overdue_told.is_(False),
                    )
                    .with_for_update(of=ChildDayRow, skip_locked=True)
                )
            ).all()
            for day_row, nursery, child_row in rows:
                _, alerts = cc.overdue(self._day(day_row), self._nursery(nursery), now)
                if not alerts:
                    continue
                person = await uow.session.get(CarePerson, child_row.person_id)
                notice = childcare_notice(
                    alerts[0], person.name if person else "", nursery.name, nursery.closes,
                    child_row.guardian_ids, self.tz,
                )  # fmt: skip
                day_row.overdue_told = True
                if notice is not None:
                    notice = replace(
                        notice,
                        request_id=f"care:childcare:not_picked_up:{child_row.id}:{day_row.day}",
                    )
                    await send(uow, notice, child_row.community_id, str(child_row.id))
                sent += 1
            await uow.commit()
        return sent


def _years(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
