"""Social organisations and enterprises (社会组织与企业, 6.5.1 c-d): the community's office
registers them (one unified social credit code per community), records their meetings and
activities with the community; the community's staff and residents search them by name,
kind and tag. Residents' complaints about one are in :mod:`gov_affairs.usecases.org_complaints`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from gov_affairs.db.organisations import OrganisationMeetingRow, OrganisationRow
from gov_affairs.usecases.org_events import publish_changed
from sc_contracts.events import OrganisationChange
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.industry import division_codes
from sc_core.paging import PageParams, fetch_page
from sc_core.places import Places

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})


def office(who: Caller, community_id: str) -> bool:
    p = who.principal
    return p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)


def already_registered() -> Problem:
    return Problem(
        409,
        "organisation.already_registered",
        "An organisation with this unified social credit code is registered here",
        zh="该统一社会信用代码的组织已在本社区登记",
    )


def not_found() -> Problem:
    return Problem(404, "organisation.not_found", "No such organisation", zh="没有这个组织")


def not_yours() -> Problem:
    return Problem(
        403,
        "auth.out_of_scope",
        "The organisations of this community are not yours to keep",
        zh="您不负责该社区的社会组织和企业",
    )


@dataclass(frozen=True)
class NewOrganisation:
    community_id: str
    name: str
    kind: str
    uscc: str
    address: str
    scope: str
    tags: list[str]
    industry_code: str | None = None  # GB/T 4754-2017 division, checked by the schema
    contact_name: str | None = None  # personal: encrypted at rest
    contact_phone: str | None = None


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    held_at: datetime
    topic: str
    place: str
    attendees: int
    minutes: str


@dataclass(frozen=True)
class Search:
    community_id: str
    text: str = ""
    kind: str | None = None
    tag: str | None = None
    industry_section: str | None = None  # GB/T 4754 门类 letter


class Organisations:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def register(self, who: Caller, new: NewOrganisation) -> OrganisationRow:
        if not office(who, new.community_id):
            raise not_yours()
        row = OrganisationRow(
            id=uuid.uuid4(),
            community_id=new.community_id,
            name=new.name,
            kind=new.kind,
            uscc=new.uscc,
            address=new.address,
            scope=new.scope,
            tags=sorted(set(new.tags)),
            industry_code=new.industry_code,
            contact_name=new.contact_name,
            contact_phone=new.contact_phone,
            active=True,
            created_by=who.subject,
        )
        try:
            async with self.db.uow() as uow:
                uow.session.add(row)
                await uow.session.flush()
                await uow.audit(
                    who,
                    "organisation.register",
                    "organisation",
                    str(row.id),
                    community_id=new.community_id,
                    detail={"kind": new.kind, "industry_code": new.industry_code or ""},
                )
                await publish_changed(uow, who, row, OrganisationChange.REGISTERED)
                await uow.commit()
        except IntegrityError as exc:
            raise already_registered() from exc
        return row

    async def search(
        self, who: Caller, query: Search, limit: int, offset: int
    ) -> tuple[list[OrganisationRow], int]:
        """Name, scope or code containing the text (case-blind), of a kind, with a tag;
        active ones first, then by name."""
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(uow, who.principal, community_id=query.community_id)
            stmt = _searched(query)
            total = await uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
            rows = await uow.session.scalars(
                stmt.order_by(
                    OrganisationRow.active.desc(), OrganisationRow.name, OrganisationRow.id
                )
                .limit(limit)
                .offset(offset)
            )
            return list(rows), total or 0

    async def get(self, who: Caller, organisation_id: uuid.UUID) -> OrganisationRow:
        async with self.db.uow(read_only=True) as uow:
            return await self.readable(uow, who, organisation_id)

    async def record_meeting(
        self, who: Caller, organisation_id: uuid.UUID, new: NewMeeting
    ) -> OrganisationMeetingRow:
        async with self.db.uow() as uow:
            org = await self.readable(uow, who, organisation_id)
            if not office(who, org.community_id):
                raise not_yours()
            row = OrganisationMeetingRow(
                id=uuid.uuid4(),
                organisation_id=org.id,
                kind=new.kind,
                held_at=new.held_at,
                topic=new.topic,
                place=new.place,
                attendees=new.attendees,
                minutes=new.minutes,
                recorded_by=who.subject,
            )
            uow.session.add(row)
            await uow.audit(
                who,
                "organisation.meeting",
                "organisation",
                str(org.id),
                community_id=org.community_id,
                detail={"kind": new.kind},
            )
            await uow.commit()
        return row

    async def meetings(
        self,
        who: Caller,
        organisation_id: uuid.UUID,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[OrganisationMeetingRow], int]:
        """Meetings and activities, the latest first."""
        async with self.db.uow(read_only=True) as uow:
            org = await self.readable(uow, who, organisation_id)
            where = OrganisationMeetingRow.organisation_id == org.id
            rows, total = await fetch_page(
                uow.session,
                select(OrganisationMeetingRow)
                .where(where)
                .order_by(OrganisationMeetingRow.held_at.desc(), OrganisationMeetingRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def readable(
        self, uow: UnitOfWork, who: Caller, organisation_id: uuid.UUID
    ) -> OrganisationRow:
        row = await uow.session.get(OrganisationRow, organisation_id)
        if row is None:
            raise not_found()
        await self.places.ensure_readable(uow, who.principal, community_id=row.community_id)
        return row


def _searched(query: Search) -> Select[tuple[OrganisationRow]]:
    stmt = select(OrganisationRow).where(OrganisationRow.community_id == query.community_id)
    needle = query.text.strip()
    if needle:
        like = f"%{_escaped(needle)}%"
        stmt = stmt.where(
            or_(
                OrganisationRow.name.ilike(like, escape="\\"),
                OrganisationRow.scope.ilike(like, escape="\\"),
                OrganisationRow.uscc == needle.upper(),
            )
        )
    if query.kind is not None:
        stmt = stmt.where(OrganisationRow.kind == query.kind)
    if query.tag is not None:
        stmt = stmt.where(OrganisationRow.tags.contains([query.tag]))
    if query.industry_section is not None:
        codes = division_codes(query.industry_section)
        stmt = stmt.where(OrganisationRow.industry_code.in_(codes))
    return stmt


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
