"""Legal services (法律服务, 6.5.4 a, c) as a service: the community's office registers its
lawyers and legal advisers (社区律师/法律顾问) and publishes their consultation slots; a
resident of the community books a slot (one booking per slot, held by the database's
unique index: of two residents booking one slot at once exactly one wins) and may cancel
before it starts; the lawyer records the outcome and may name the mediation case
(work-orders' ``mediation`` case) the matter went on to, whose state this service follows
from work-orders' events; the resident rates the consultation once. The resident and the
lawyer are told through the notification service in zh-CN and English. Legal education
articles are community notices of the category ``legal`` (普法宣传)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.exc import IntegrityError

from gov_affairs.db.legal import LawyerRow, LegalBookingRow, LegalSlotRow, MediationCaseRow
from gov_affairs.domain import legal as d
from gov_affairs.domain.approvals.calendar import CHINA
from sc_contracts.events import WorkOrderChangedV1
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller, in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.places import RESIDENT_ROLES, Places
from sc_core.service import Runtime

# who registers lawyers, publishes slots and sees every booking of a community
OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})
# everyone who may read the community's lawyers and slots besides its residents
STAFF_ROLES = OFFICE_ROLES | {"grid_worker", "property_manager", "property_staff"}
MEDIATION = "mediation"  # work-orders' case type of 矛盾调解


@dataclass(frozen=True)
class SlotView:
    slot: LegalSlotRow
    lawyer: LawyerRow
    taken: bool


@dataclass(frozen=True)
class BookingView:
    booking: LegalBookingRow
    slot: LegalSlotRow
    lawyer: LawyerRow
    case: MediationCaseRow | None


@dataclass(frozen=True)
class SlotDraft:
    starts_at: datetime
    ends_at: datetime
    mode: str
    place: str
    fee_fen: int


def _problem(exc: d.LegalError, status: int = 409) -> Problem:
    return Problem(status, exc.code, exc.message, zh=exc.zh)


def _not_found(what: str) -> Problem:
    names = {"lawyer": "律师", "slot": "咨询时段", "booking": "预约"}
    return Problem(404, f"legal.{what}_not_found", f"No such {what}", zh=f"没有这个{names[what]}")


def _say(at: datetime) -> tuple[str, str]:
    local = at.astimezone(CHINA)
    return f"{local.month}月{local.day}日 {local:%H:%M}", f"{local:%d %b %Y %H:%M}"


def office(who: Caller, community_id: str) -> bool:
    return in_scope(who.principal, community_id=community_id, roles=OFFICE_ROLES)


class Legal:
    def __init__(
        self, db: Database, places: Places, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.db = db
        self.places = places
        self.clock = clock or (lambda: datetime.now(UTC))

    # access -----------------------------------------------------------------------------
    def _office(self, who: Caller, community_id: str) -> None:
        if not office(who, community_id):
            raise Problem(
                403,
                "legal.not_office",
                "Only the community's office manages its legal services",
                zh="只有社区工作人员可以管理本社区的法律服务",
            )

    async def _home(self, uow: UnitOfWork, who: Caller, community_id: str) -> str | None:
        """The caller's household in this community, if they live there."""
        for hid in sorted(who.principal.scope_ids("household", RESIDENT_ROLES)):
            place = await self.places.household(uow, hid)
            if (
                place is not None
                and place.community_id == community_id
                and place.status == ("active")
            ):
                return hid
        return None

    async def _reader(self, uow: UnitOfWork, who: Caller, community_id: str) -> None:
        if in_scope(who.principal, community_id=community_id, roles=STAFF_ROLES):
            return
        if await self._home(uow, who, community_id) is not None:
            return
        lawyer = await uow.session.scalar(
            select(LawyerRow.id).where(
                LawyerRow.community_id == community_id, LawyerRow.account_id == who.subject
            )
        )
        if lawyer is None:
            raise Problem(
                403,
                "auth.out_of_scope",
                "The community is outside the places you may read",
                zh="该社区不在您可查看的范围内",
            )

    # lawyers ----------------------------------------------------------------------------
    async def add_lawyer(
        self,
        who: Caller,
        *,
        community_id: str,
        account_id: str,
        name: str,
        kind: str,
        firm: str,
        specialties: Sequence[str],
        intro: str,
    ) -> LawyerRow:
        self._office(who, community_id)
        row = LawyerRow(
            id=uuid.uuid4(),
            community_id=community_id,
            account_id=account_id,
            name=name,
            kind=kind,
            firm=firm,
            specialties=sorted(set(specialties)),
            intro=intro,
            active=True,
            created_by=who.subject,
            created_at=self.clock(),
        )
        try:
            async with self.db.uow() as uow:
                uow.session.add(row)
                await uow.session.flush()
                await uow.audit(
                    who,
                    "legal.lawyer_add",
                    "legal_lawyer",
                    str(row.id),
                    community_id=community_id,
                    detail={"kind": kind},
                )
                await uow.commit()
        except IntegrityError as exc:
            raise Problem(
                409,
                "legal.lawyer_exists",
                "This account serves the community as a lawyer already",
                zh="该账号已是本社区的律师或法律顾问",
            ) from exc
        return row

    async def lawyers(
        self, who: Caller, community_id: str, paging: PageParams, *, include_inactive: bool = False
    ) -> tuple[list[LawyerRow], PageTotal]:
        """The community's lawyers serving it; the office may ask for the deactivated too."""
        if include_inactive:
            self._office(who, community_id)
        query = select(LawyerRow).where(LawyerRow.community_id == community_id)
        if not include_inactive:
            query = query.where(LawyerRow.active.is_(True))
        query = query.order_by(LawyerRow.community_id, LawyerRow.created_at, LawyerRow.id)
        async with self.db.uow(read_only=True) as uow:
            await self._reader(uow, who, community_id)
            return await fetch_page(uow.session, query, paging)

    # slots ------------------------------------------------------------------------------
    async def publish(
        self, who: Caller, lawyer_id: uuid.UUID, drafts: Sequence[SlotDraft]
    ) -> list[SlotView]:
        now = self.clock()
        try:
            async with self.db.uow() as uow:
                lawyer = await uow.session.get(LawyerRow, lawyer_id)
                if lawyer is None:
                    raise _not_found("lawyer")
                self._office(who, lawyer.community_id)
                try:
                    d.check_serving(lawyer.active)
                except d.LegalError as exc:
                    raise _problem(exc) from exc
                rows = []
                for s in drafts:
                    if s.ends_at <= s.starts_at or s.starts_at <= now:
                        raise Problem(
                            422,
                            "legal.bad_slot",
                            "A slot starts in the future and ends after it starts",
                            zh="咨询时段须在将来开始，且结束时间晚于开始时间",
                        )
                    rows.append(
                        LegalSlotRow(
                            id=uuid.uuid4(),
                            lawyer_id=lawyer.id,
                            community_id=lawyer.community_id,
                            starts_at=s.starts_at,
                            ends_at=s.ends_at,
                            mode=s.mode,
                            place=s.place,
                            fee_fen=s.fee_fen,
                            withdrawn=False,
                            published_by=who.subject,
                            created_at=now,
                        )
                    )
                uow.session.add_all(rows)
                await uow.session.flush()
                await uow.audit(
                    who,
                    "legal.slots_publish",
                    "legal_lawyer",
                    str(lawyer.id),
                    community_id=lawyer.community_id,
                    detail={"slots": len(rows)},
                )
                await uow.commit()
        except IntegrityError as exc:
            raise Problem(
                409,
                "legal.slot_exists",
                "The lawyer has a slot starting at that time already",
                zh="该律师在这个时间已有咨询时段",
            ) from exc
        return [SlotView(row, lawyer, False) for row in rows]

    async def slots(
        self,
        who: Caller,
        community_id: str,
        paging: PageParams,
        *,
        lawyer_id: uuid.UUID | None,
        free_only: bool,
    ) -> tuple[list[SlotView], PageTotal]:
        """The community's slots still to come, the soonest first, each with whether it is
        taken (never by whom: that is the booking's, for its resident, lawyer and office)."""
        s = LegalSlotRow
        taken = exists().where(
            LegalBookingRow.slot_id == s.id, LegalBookingRow.status != "cancelled"
        )
        query: Select[tuple[LegalSlotRow]] = select(s).where(
            s.community_id == community_id, s.withdrawn.is_(False), s.starts_at > self.clock()
        )
        if lawyer_id is not None:
            query = query.where(s.lawyer_id == lawyer_id)
        if free_only:
            query = query.where(~taken)
        query = query.order_by(s.community_id, s.starts_at, s.id)
        async with self.db.uow(read_only=True) as uow:
            await self._reader(uow, who, community_id)
            rows, total = await fetch_page(uow.session, query, paging)
            views = []
            for row in rows:
                lawyer = await uow.session.get(LawyerRow, row.lawyer_id)
                assert lawyer is not None
                live = await uow.session.scalar(select(taken.where(s.id == row.id)))
                views.append(SlotView(row, lawyer, bool(live)))
            return views, total

    # mediation cases, from work-orders' events ------------------------------------------
    @staticmethod
    async def on_case(uow: UnitOfWork, event: WorkOrderChangedV1) -> bool:
        """A mediation case took a step: its state kept (the latest step wins), so a
        booking naming it shows where it stands, whichever came first."""
        if event.case_type != MEDIATION:
            return False
        row = await uow.session.get(MediationCaseRow, event.work_order_id, with_for_update=True)
        if row is None:
            uow.session.add(
                MediationCaseRow(
                    work_order_id=event.work_order_id,
                    community_id=event.community_id,
                    status=event.status.value,
                    action=event.action,
                    updated_at=event.occurred_at,
                )
            )
        elif event.occurred_at >= row.updated_at:
            row.status = event.status.value
            row.action = event.action
            row.updated_at = event.occurred_at
        return True

    # the bookings' queries, shared with usecases/legal_bookings.py ------------------------
    @staticmethod
    def visible(who: Caller) -> ColumnElement[bool]:
        """Bookings the caller may read: their own, their consultations as the lawyer, and
        every booking of the communities they hold an office grant on."""
        b = LegalBookingRow
        as_lawyer = select(LawyerRow.id).where(LawyerRow.account_id == who.subject)
        return or_(
            b.resident == who.subject,
            b.lawyer_id.in_(as_lawyer),
            scope_clause(who.principal, community_col=b.community_id, roles=OFFICE_ROLES),
        )

    @staticmethod
    async def view(uow: UnitOfWork, row: LegalBookingRow) -> BookingView:
        slot = await uow.session.get(LegalSlotRow, row.slot_id)
        lawyer = await uow.session.get(LawyerRow, row.lawyer_id)
        assert slot is not None and lawyer is not None
        case = await uow.session.get(MediationCaseRow, row.case_id) if row.case_id else None
        return BookingView(row, slot, lawyer, case)


def subscribe_mediation(runtime: Runtime) -> None:
    """Mediation cases' states from work-orders' events."""
    consumer = runtime.consumer(name="legal-cases")

    @consumer.on(WorkOrderChangedV1)
    async def on_case(event: WorkOrderChangedV1, uow: UnitOfWork) -> None:
        await Legal.on_case(uow, event)
