"""The register of disability certificates (残疾人证): the street office or the disabled
persons' federation desk (the roles that keep the welfare register) registers and updates a
person's certificate, lists them masked (an audited read), reveals one field for a stated
purpose (audited), and reads counts per grid and community. The certificate (number,
category, grade) is encrypted in ``welfare_people.disability``; every change is on
``gov.welfare.v1`` with codes only. The hall's applications that carry a certificate
number are checked against the register
(:func:`gov_affairs.usecases.disability_common.check_registered_card`)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import select

from gov_affairs.db.models import AssistiveDeviceRow, DisabilityRecordRow, WelfarePersonRow
from gov_affairs.domain import disability as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.usecases.disability_common import (
    Field,
    RecordView,
    certificate_of,
    desk,
    not_found,
    parse,
    person_by_id_number,
    record_event,
    refused,
    today_in_china,
    view,
)
from gov_affairs.usecases.welfare import Welfare
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.privacy import get_cipher


class Disability:
    def __init__(self, db: Database, welfare: Welfare) -> None:
        self.db = db
        self.welfare = welfare

    async def community_of(self, who: Caller, community_id: str | None) -> str:
        return await self.welfare.community_of(who, community_id)

    async def register(
        self,
        who: Caller,
        community_id: str,
        *,
        name: str,
        number: str,
        valid_until: date,
        grid_id: str | None,
        phone: str | None,
    ) -> RecordView:
        desk(who, community_id)
        cert = parse(number)
        now = datetime.now(UTC)
        today = now.astimezone(CHINA).date()
        async with self.db.uow() as uow:
            id_number = cert.number[:18]
            person = await person_by_id_number(uow, community_id, id_number)
            if person is None:
                person = WelfarePersonRow(
                    id=uuid.uuid4(),
                    community_id=community_id,
                    name=name,
                    id_number=id_number,
                    id_number_idx=get_cipher().blind_index(id_number, "id_number"),
                    phone=phone,
                )
                uow.session.add(person)
                await uow.session.flush()
            else:
                existing = await uow.session.scalar(
                    select(DisabilityRecordRow.id).where(DisabilityRecordRow.person_id == person.id)
                )
                if existing is not None:
                    raise Problem(
                        409,
                        "disability.already_registered",
                        "This person's certificate is registered already; update it instead",
                        zh="此人已登记残疾人证，请更新原登记",
                        record_id=str(existing),
                    )
            person.disability = cert.dump()
            rec = DisabilityRecordRow(
                id=uuid.uuid4(),
                person_id=person.id,
                community_id=community_id,
                grid_id=grid_id,
                valid_until=valid_until,
                version=1,
                registered_by=who.subject,
                registered_at=now,
                updated_by=who.subject,
                updated_at=now,
            )
            uow.session.add(rec)
            await uow.session.flush()
            await uow.publish(record_event(rec, "registered", now), key=str(rec.id))
            await uow.audit(
                who,
                "disability.registered",
                "disability_record",
                str(rec.id),
                community_id=community_id,
                detail={"category": cert.category, "grade": str(cert.grade)},
            )
            await uow.commit()
            return view(rec, person, today)

    async def update(
        self,
        who: Caller,
        record_id: uuid.UUID,
        *,
        number: str | None,
        valid_until: date | None,
        grid_id: str | None,
        version: int | None,
    ) -> RecordView:
        """A new number (re-assessed category or grade, same holder), a new validity or a
        grid; ``version`` (when given) must be the current one."""
        now = datetime.now(UTC)
        today = now.astimezone(CHINA).date()
        async with self.db.uow() as uow:
            rec, person = await self._locked(uow, who, record_id)
            if version is not None and version != rec.version:
                raise Problem(
                    409,
                    "disability.stale",
                    "The registration changed meanwhile; reload it",
                    zh="该登记已被修改，请刷新后重试",
                )
            old = certificate_of(person)
            assert old is not None
            if number is not None:
                new = parse(number)
                try:
                    d.same_holder(old.number, new.number)
                except d.DisabilityError as exc:
                    raise refused(exc) from None
                person.disability = new.dump()
            if valid_until is not None:
                rec.valid_until = valid_until
            if grid_id is not None:
                rec.grid_id = grid_id
            rec.version += 1
            rec.updated_by = who.subject
            rec.updated_at = now
            await uow.session.flush()
            after = certificate_of(person)
            assert after is not None
            await uow.publish(record_event(rec, "updated", now), key=str(rec.id))
            await uow.audit(
                who,
                "disability.updated",
                "disability_record",
                str(rec.id),
                community_id=rec.community_id,
                detail={
                    "category": after.category,
                    "grade": str(after.grade),
                    "version": str(rec.version),
                },
            )
            await uow.commit()
            return view(rec, person, today)

    async def _locked(
        self, uow: UnitOfWork, who: Caller, record_id: uuid.UUID
    ) -> tuple[DisabilityRecordRow, WelfarePersonRow]:
        rec = await uow.session.scalar(
            select(DisabilityRecordRow).where(DisabilityRecordRow.id == record_id).with_for_update()
        )
        if rec is None:
            raise not_found()
        desk(who, rec.community_id)
        person = await uow.session.get(WelfarePersonRow, rec.person_id)
        assert person is not None
        return rec, person

    async def records(
        self,
        who: Caller,
        community_id: str,
        grid_id: str | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[RecordView], int]:
        """The register of a community (or one grid), names and numbers masked; audited."""
        desk(who, community_id)
        today = today_in_china()
        async with self.db.uow(read_only=True) as uow:  # a read: no BEGIN/COMMIT
            where = [DisabilityRecordRow.community_id == community_id]
            if grid_id:
                where.append(DisabilityRecordRow.grid_id == grid_id)
            rows, total = await fetch_page(
                uow.session,
                select(DisabilityRecordRow, WelfarePersonRow)
                .join(WelfarePersonRow, WelfarePersonRow.id == DisabilityRecordRow.person_id)
                .where(*where)
                .order_by(DisabilityRecordRow.registered_at.desc(), DisabilityRecordRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            out = [view(rec, person, today) for rec, person in rows]
            await uow.audit(
                who,
                "disability.register_read",
                "disability_register",
                community_id,
                community_id=community_id,
                detail={"rows": str(len(out)), "grid_id": grid_id or ""},
            )
            await uow.commit()
            return out, total

    async def reveal(self, who: Caller, record_id: uuid.UUID, field: Field, purpose: str) -> str:
        """One field of one registration in clear, for a stated purpose: the audited read."""
        async with self.db.uow() as uow:
            rec = await uow.session.get(DisabilityRecordRow, record_id)
            if rec is None:
                raise not_found()
            desk(who, rec.community_id)
            person = await uow.session.get(WelfarePersonRow, rec.person_id)
            assert person is not None
            cert = certificate_of(person)
            assert cert is not None
            values = {
                "certificate_number": cert.number,
                "name": person.name,
                "id_number": person.id_number,
                "phone": person.phone or "",
            }
            await uow.audit(
                who,
                "disability.reveal",
                "disability_record",
                str(rec.id),
                community_id=rec.community_id,
                detail={"field": field, "purpose": purpose},
            )
            await uow.commit()
            return values[field]

    async def statistics(
        self, who: Caller, community_id: str, by: Literal["grid", "community"]
    ) -> list[d.Stat]:
        """Counts per grid or for the community: valid certificates by category and grade,
        expired ones, assistive devices by status. No person leaves."""
        desk(who, community_id)
        today = today_in_china()
        async with self.db.uow(read_only=True) as uow:
            rows = await uow.session.execute(
                select(DisabilityRecordRow, WelfarePersonRow.disability)
                .join(WelfarePersonRow, WelfarePersonRow.id == DisabilityRecordRow.person_id)
                .where(DisabilityRecordRow.community_id == community_id)
            )
            holders = []
            for rec, blob in rows:
                raw = json.loads(blob) if blob else {}
                holders.append(
                    d.Holder(
                        _place(rec.community_id, rec.grid_id, by),
                        str(raw.get("category", "")),
                        int(raw.get("grade", 0)),
                        rec.valid_until >= today,
                    )
                )
            kit = await uow.session.execute(
                select(
                    AssistiveDeviceRow.community_id,
                    AssistiveDeviceRow.grid_id,
                    AssistiveDeviceRow.status,
                ).where(AssistiveDeviceRow.community_id == community_id)
            )
            devices = [d.Lent(_place(c, g, by), s) for c, g, s in kit]
            return d.statistics(holders, devices)


def _place(community_id: str, grid_id: str | None, by: str) -> str:
    return (grid_id or "—") if by == "grid" else community_id
