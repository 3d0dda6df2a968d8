"""Party affairs (党务, 6.5.2 b): the community's office sets up party organisations with
their officers (the secretary and committee); the officers (of the organisation or of one
above it) and the office keep the members (name, ID number, phone, joining date: encrypted
at rest, shown in full only to them, masked to the community's other staff, every read
audited), record 三会一课 with who came and who was excused, and answer residents' opinions.
The rules are in :mod:`gov_affairs.domain.organisations`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from gov_affairs.db.party import PartyFeedbackRow, PartyMeetingRow, PartyMemberRow, PartyOrgRow
from gov_affairs.domain import organisations as rules
from gov_affairs.usecases.party_events import meeting_recorded, opinion_changed
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import Places

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})


def _office(who: Caller, community_id: str) -> bool:
    p = who.principal
    return p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)


def _not_found() -> Problem:
    return Problem(404, "party.not_found", "No such party organisation", zh="没有这个党组织")


def _not_officer() -> Problem:
    return Problem(
        403,
        "party.not_an_officer",
        "Only the organisation's officers (or the community's office) may do this",
        zh="只有该党组织的书记、委员或社区管理人员可以操作",
    )


@dataclass(frozen=True)
class NewMember:
    name: str
    id_number: str
    phone: str
    joined_on: date


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    held_on: date
    topic: str
    attended: list[uuid.UUID]
    excused: dict[uuid.UUID, str]


@dataclass(frozen=True)
class Members:
    rows: list[PartyMemberRow]
    total: int
    full: bool  # the caller reads them unmasked


class Party:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    # organisations ----------------------------------------------------------------------
    async def create_org(
        self,
        who: Caller,
        *,
        community_id: str,
        title: str,
        parent_id: uuid.UUID | None,
        officers: list[str],
    ) -> PartyOrgRow:
        if not _office(who, community_id):
            raise Problem(
                403,
                "auth.out_of_scope",
                "The party organisations of this community are not yours to set up",
                zh="您不负责该社区的党组织",
            )
        async with self.db.uow() as uow:
            if parent_id is not None:
                parent = await uow.session.get(PartyOrgRow, parent_id)
                if parent is None or parent.community_id != community_id:
                    raise Problem(
                        422,
                        "party.unknown_parent",
                        "The organisation above is not one of this community",
                        zh="上级党组织不属于本社区",
                    )
            row = PartyOrgRow(
                id=uuid.uuid4(),
                community_id=community_id,
                title=title,
                parent_id=parent_id,
                officers=sorted(set(officers)),
                created_by=who.subject,
            )
            uow.session.add(row)
            await uow.audit(
                who, "party.create", "party_org", str(row.id), community_id=community_id
            )
            await uow.commit()
        return row

    async def orgs(
        self, who: Caller, community_id: str, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[PartyOrgRow], int]:
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(uow, who.principal, community_id=community_id)
            where = PartyOrgRow.community_id == community_id
            rows, total = await fetch_page(
                uow.session,
                select(PartyOrgRow).where(where).order_by(PartyOrgRow.created_at, PartyOrgRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def org(self, who: Caller, org_id: uuid.UUID) -> tuple[PartyOrgRow, bool]:
        """The organisation, and whether the caller keeps it (an officer or the office)."""
        async with self.db.uow(read_only=True) as uow:
            org = await self._readable(uow, who, org_id)
            return org, await self._keeps(uow, who, org)

    # members ----------------------------------------------------------------------------
    async def add_member(self, who: Caller, org_id: uuid.UUID, new: NewMember) -> PartyMemberRow:
        async with self.db.uow() as uow:
            org = await self._kept(uow, who, org_id)
            row = PartyMemberRow(
                id=uuid.uuid4(),
                org_id=org.id,
                name=new.name,
                id_number=new.id_number,
                phone=new.phone,
                joined=new.joined_on.isoformat(),
                added_by=who.subject,
            )
            uow.session.add(row)
            await uow.audit(
                who,
                "party.member_add",
                "party_member",
                str(row.id),
                community_id=org.community_id,
                detail={"org_id": str(org.id)},
            )
            await uow.commit()
        return row

    async def members(
        self, who: Caller, org_id: uuid.UUID, limit: int, offset: int, cursor: str | None = None
    ) -> Members:
        """In full for the officers and the office, masked for the community's other staff;
        never for residents. Every read is audited, with how it was shown."""
        async with self.db.uow() as uow:
            org = await self._readable(uow, who, org_id)
            full = await self._keeps(uow, who, org)
            if not full and not in_scope(who.principal, community_id=org.community_id):
                raise _not_officer()
            where = PartyMemberRow.org_id == org.id
            rows, total = await fetch_page(
                uow.session,
                select(PartyMemberRow)
                .where(where)
                .order_by(PartyMemberRow.added_at, PartyMemberRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            await uow.audit(
                who,
                "party.member_read",
                "party_org",
                str(org.id),
                community_id=org.community_id,
                detail={"shown": "full" if full else "masked", "rows": str(len(rows))},
            )
            await uow.commit()
            return Members(rows, total, full)

    # 三会一课 ----------------------------------------------------------------------------
    async def record_meeting(
        self, who: Caller, org_id: uuid.UUID, new: NewMeeting
    ) -> PartyMeetingRow:
        async with self.db.uow() as uow:
            org = await self._kept(uow, who, org_id)
            members = [
                str(m)
                for m in await uow.session.scalars(
                    select(PartyMemberRow.id).where(PartyMemberRow.org_id == org.id)
                )
            ]
            named = {str(m) for m in new.attended} | {str(m) for m in new.excused}
            if not named <= set(members):
                raise Problem(
                    422,
                    "party.unknown_member",
                    "Attendance names someone who is not a member of the organisation",
                    zh="出勤名单中有非本党组织的党员",
                )
            row = PartyMeetingRow(
                id=uuid.uuid4(),
                org_id=org.id,
                kind=new.kind,
                held_on=new.held_on,
                topic=new.topic,
                members=members,
                attended=sorted({str(m) for m in new.attended}),
                excused={str(k): v for k, v in new.excused.items() if k not in new.attended},
                recorded_by=who.subject,
            )
            uow.session.add(row)
            await meeting_recorded(uow, org, row, datetime.now(UTC))
            await uow.audit(
                who,
                "party.meeting",
                "party_org",
                str(org.id),
                community_id=org.community_id,
                detail={"kind": new.kind},
            )
            await uow.commit()
        return row

    async def meetings(
        self, who: Caller, org_id: uuid.UUID, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[PartyMeetingRow], int]:
        """The latest first, for the organisation's officers and the community's staff."""
        async with self.db.uow(read_only=True) as uow:
            org = await self._readable(uow, who, org_id)
            if not in_scope(who.principal, community_id=org.community_id) and not (
                await self._keeps(uow, who, org)
            ):
                raise _not_officer()
            where = PartyMeetingRow.org_id == org.id
            rows, total = await fetch_page(
                uow.session,
                select(PartyMeetingRow)
                .where(where)
                .order_by(PartyMeetingRow.held_on.desc(), PartyMeetingRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    # residents' opinions ----------------------------------------------------------------
    async def give_feedback(self, who: Caller, org_id: uuid.UUID, text: str) -> PartyFeedbackRow:
        async with self.db.uow() as uow:
            org = await self._readable(uow, who, org_id)
            row = PartyFeedbackRow(
                id=uuid.uuid4(), org_id=org.id, author=who.subject, text=text, at=datetime.now(UTC)
            )
            uow.session.add(row)
            await opinion_changed(uow, org, row, "given", row.at)
            await uow.audit(
                who, "party.feedback", "party_org", str(org.id), community_id=org.community_id
            )
            await uow.commit()
        return row

    async def feedback(
        self, who: Caller, org_id: uuid.UUID, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[PartyFeedbackRow], int]:
        """Every opinion for the officers and the office; a resident's own otherwise."""
        async with self.db.uow(read_only=True) as uow:
            org = await self._readable(uow, who, org_id)
            where = [PartyFeedbackRow.org_id == org.id]
            if not await self._keeps(uow, who, org):
                where.append(PartyFeedbackRow.author == who.subject)
            rows, total = await fetch_page(
                uow.session,
                select(PartyFeedbackRow)
                .where(*where)
                .order_by(PartyFeedbackRow.at.desc(), PartyFeedbackRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def answer(
        self, who: Caller, org_id: uuid.UUID, feedback_id: uuid.UUID, text: str
    ) -> PartyFeedbackRow:
        async with self.db.uow() as uow:
            org = await self._kept(uow, who, org_id)
            row = await uow.session.get(PartyFeedbackRow, feedback_id, with_for_update=True)
            if row is None or row.org_id != org.id:
                raise Problem(404, "party.feedback_not_found", "No such opinion", zh="没有这条意见")
            row.answer, row.answered_by, row.answered_at = text, who.subject, datetime.now(UTC)
            await opinion_changed(uow, org, row, "answered", row.answered_at)
            await uow.audit(
                who,
                "party.answer",
                "party_feedback",
                str(row.id),
                community_id=org.community_id,
            )
            await uow.commit()
        return row

    # access -----------------------------------------------------------------------------
    async def _readable(self, uow: UnitOfWork, who: Caller, org_id: uuid.UUID) -> PartyOrgRow:
        org = await uow.session.get(PartyOrgRow, org_id)
        if org is None:
            raise _not_found()
        if who.subject not in await self._officers_above(uow, org):
            await self.places.ensure_readable(uow, who.principal, community_id=org.community_id)
        return org

    async def _kept(self, uow: UnitOfWork, who: Caller, org_id: uuid.UUID) -> PartyOrgRow:
        org = await self._readable(uow, who, org_id)
        if not await self._keeps(uow, who, org):
            raise _not_officer()
        return org

    async def _keeps(self, uow: UnitOfWork, who: Caller, org: PartyOrgRow) -> bool:
        return _office(who, org.community_id) or who.subject in await self._officers_above(uow, org)

    async def _officers_above(self, uow: UnitOfWork, org: PartyOrgRow) -> set[str]:
        """The officers of the organisation and of every one above it (the domain's rule:
        :func:`gov_affairs.domain.organisations.can_see_members`)."""
        chain: dict[str, rules.PartyOrg] = {}
        node: PartyOrgRow | None = org
        while node is not None and str(node.id) not in chain:
            chain[str(node.id)] = rules.PartyOrg(
                id=str(node.id),
                name=node.title,
                parent_id=str(node.parent_id) if node.parent_id else None,
                community_id=node.community_id,
                officers=list(node.officers),
            )
            node = await uow.session.get(PartyOrgRow, node.parent_id) if node.parent_id else None
        me = chain[str(org.id)]
        return {
            officer
            for o in chain.values()
            for officer in o.officers
            if rules.can_see_members(officer, me, chain)
        }
