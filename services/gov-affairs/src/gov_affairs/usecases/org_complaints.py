"""Complaints about social organisations and enterprises (6.5.1 d), handled as cases: a
resident of the organisation's community files one; it is published
(``OrganisationComplaintFiledV1`` on ``gov.organisations.v1``) and work-orders opens a
complaint case from it, the complaint's id as the case's external reference; the case's
events (``WorkOrderChangedV1``) tell this service the case's id, state and staff's latest
reply to the resident, which the organisation's page lists. The community's office sees
every complaint, a resident their own; everyone who may read the organisation sees how
many there are and how many are open."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from gov_affairs.db.organisations import OrganisationComplaintRow
from gov_affairs.usecases.organisations import Organisations, office
from sc_contracts.events import OrganisationComplaintFiledV1, WorkOrderChangedV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places
from sc_core.service import Runtime

CASE_TYPE = "complaint"
SOURCE = "organisation"  # the source work-orders gives the cases it opens from these
FINISHED = ("closed", "cancelled", "rejected")


@dataclass(frozen=True)
class Tally:
    total: int
    still_open: int


class OrgComplaints:
    def __init__(self, db: Database, places: Places, organisations: Organisations) -> None:
        self.db = db
        self.places = places
        self.organisations = organisations

    async def file(
        self, who: Caller, organisation_id: uuid.UUID, summary: str, household_id: str | None
    ) -> OrganisationComplaintRow:
        async with self.db.uow() as uow:
            org = await self.organisations.readable(uow, who, organisation_id)
            if not org.active:
                raise Problem(
                    409,
                    "organisation.inactive",
                    "The organisation is no longer active here",
                    zh="该组织已不在本社区活动",
                )
            home = await self._home(uow, who, org.community_id, household_id)
            row = OrganisationComplaintRow(
                id=uuid.uuid4(),
                organisation_id=org.id,
                community_id=org.community_id,
                household_id=home.household_id,
                filed_by=who.subject,
                summary=summary,
                status="submitted",
                filed_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
            )
            uow.session.add(row)
            await uow.publish(
                OrganisationComplaintFiledV1(
                    complaint_id=str(row.id),
                    organisation_id=str(org.id),
                    organisation_name=org.name,
                    uscc=org.uscc,
                    industry_code=org.industry_code,
                    community_id=org.community_id,
                    building_id=home.building_id,
                    household_id=home.household_id,
                    summary=summary,
                    filed_by=who.subject,
                    filed_at=row.filed_at,
                ),
                key=str(org.id),  # the topic is keyed by organisation (ADR 0058)
            )
            await uow.audit(
                who,
                "organisation.complaint",
                "organisation",
                str(org.id),
                community_id=org.community_id,
                detail={"complaint_id": str(row.id)},
            )
            await uow.commit()
        return row

    async def page(
        self,
        who: Caller,
        organisation_id: uuid.UUID,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[OrganisationComplaintRow], int]:
        """The complaints, the latest first: every one for the office, else the caller's own."""
        async with self.db.uow(read_only=True) as uow:
            org = await self.organisations.readable(uow, who, organisation_id)
            where = [OrganisationComplaintRow.organisation_id == org.id]
            if not office(who, org.community_id):
                where.append(OrganisationComplaintRow.filed_by == who.subject)
            rows, total = await fetch_page(
                uow.session,
                select(OrganisationComplaintRow)
                .where(*where)
                .order_by(OrganisationComplaintRow.filed_at.desc(), OrganisationComplaintRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def tally(self, who: Caller, organisation_id: uuid.UUID) -> Tally:
        async with self.db.uow(read_only=True) as uow:
            org = await self.organisations.readable(uow, who, organisation_id)
            c = OrganisationComplaintRow
            total, still_open = (
                await uow.session.execute(
                    select(
                        func.count(),
                        func.count().filter(c.status.not_in(FINISHED)),
                    ).where(c.organisation_id == org.id)
                )
            ).one()
            return Tally(total or 0, still_open or 0)

    async def on_case(self, uow: UnitOfWork, event: WorkOrderChangedV1) -> bool:
        """A complaint case took a step: its id and state written on the complaint."""
        if event.case_type != CASE_TYPE or event.source != SOURCE or not event.external_ref:
            return False
        try:
            complaint_id = uuid.UUID(event.external_ref)
        except ValueError:
            return False
        row = await uow.session.get(OrganisationComplaintRow, complaint_id, with_for_update=True)
        if row is None:
            return False
        row.work_order_id = event.work_order_id
        row.status = event.status.value
        row.updated_at = datetime.now(UTC)
        if event.reply_text:  # staff replied to the resident on the case
            row.reply_text, row.replied_at = event.reply_text, event.occurred_at
        return True

    async def _home(
        self, uow: UnitOfWork, who: Caller, community_id: str, household_id: str | None
    ) -> _Home:
        mine = sorted(who.principal.scope_ids("household", RESIDENT_ROLES))
        for hid in [household_id] if household_id else mine:
            if hid not in mine:
                continue
            place = await self.places.household(uow, hid)
            if (
                place is not None
                and place.community_id == community_id
                and place.status == "active"
            ):
                return _Home(hid, place.building_id)
        raise Problem(
            403,
            "organisation.not_a_resident",
            "Only a resident of the organisation's community files a complaint about it",
            zh="只有本社区居民可以投诉该组织",
        )


@dataclass(frozen=True)
class _Home:
    household_id: str
    building_id: str | None


def subscribe_complaints(runtime: Runtime, complaints: OrgComplaints) -> None:
    """The complaint cases' states from work-orders' events."""
    consumer = runtime.consumer(name="org-complaints")

    @consumer.on(WorkOrderChangedV1)
    async def on_case(event: WorkOrderChangedV1, uow: UnitOfWork) -> None:
        await complaints.on_case(uow, event)
