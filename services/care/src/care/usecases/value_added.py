"""Value-added services (增值服务, 6.2.2): the community's staff publish what providers
offer (post-operative care, legal advice, psychological support...) with the price
recorded, never charged here; the elder or family acting by consent books one for the
elder; staff confirm it and mark it done; who booked it rates it once. The rules are
:mod:`care.domain.elderly`'s; each step tells the other side."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update

from care.db.elderly_models import ServiceOfferRow, ServiceOrderRow
from care.db.models import CarePerson
from care.domain import consent as c
from care.domain import elderly as ed
from care.domain.elderly_notices import service_notice
from care.domain.messages import DEFAULT_TZ
from care.usecases.common import authorise, load, not_found, now_utc, problem, send
from care.usecases.people import visible_people
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places

PUBLISHERS = ("community_admin", "caregiver", "doctor")
BOOK_AHEAD = timedelta(days=90)
Action = Literal["confirm", "done", "cancel"]
_TARGET = {
    "confirm": ed.OrderStatus.CONFIRMED,
    "done": ed.OrderStatus.DONE,
    "cancel": ed.OrderStatus.CANCELLED,
}
_STEP = {"confirm": "confirmed", "done": "done", "cancel": "cancelled"}


def offer_not_found() -> Problem:
    return Problem(404, "care.service_offer_not_found", "No such service offer",
                   zh="没有这项服务")  # fmt: skip


def order_not_found() -> Problem:
    return Problem(404, "care.service_order_not_found", "No such service booking",
                   zh="没有这个服务预约")  # fmt: skip


@dataclass(frozen=True)
class OrderView:
    row: ServiceOrderRow
    offer: ServiceOfferRow
    person: str


class ValueAdded:
    def __init__(
        self, db: Database, places: Places, tz: ZoneInfo = DEFAULT_TZ,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:  # fmt: skip
        self.db, self.places, self.tz, self.clock = db, places, tz, clock

    async def publish(
        self, who: Caller, community_id: str, kind: ed.ServiceKind, provider: str, title: str,
        description: str | None, price_fen: int, price_unit: str,
    ) -> ServiceOfferRow:  # fmt: skip
        if not in_scope(who.principal, community_id=community_id, roles=PUBLISHERS):
            raise Forbidden(
                "auth.out_of_scope", "Only the community's staff publish services",
                zh="只有本社区的工作人员可以发布服务",
            )  # fmt: skip
        async with self.db.uow() as uow:
            row = ServiceOfferRow(
                id=uuid.uuid4(), community_id=community_id, kind=kind.value, provider=provider,
                title=title, description=description, price_fen=price_fen,
                price_unit=price_unit, active=True, created_by=who.subject,
                created_at=self.clock(),
            )  # fmt: skip
            uow.session.add(row)
            await uow.audit(
                who, "care.service.publish", "care_service_offer", str(row.id),
                community_id=community_id, detail={"kind": kind.value},
            )  # fmt: skip
            await uow.commit()
            return row

    async def withdraw(self, who: Caller, offer_id: uuid.UUID) -> ServiceOfferRow:
        async with self.db.uow() as uow:
            row = await uow.session.get(ServiceOfferRow, offer_id, with_for_update=True)
            if row is None or not in_scope(
                who.principal, community_id=row.community_id, roles=PUBLISHERS
            ):
                raise offer_not_found()
            row.active = False
            await uow.audit(
                who, "care.service.withdraw", "care_service_offer", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return row

    async def offers(
        self, who: Caller, community_id: str, kind: ed.ServiceKind | None, params: PageParams
    ) -> tuple[list[ServiceOfferRow], PageTotal]:
        """A community's offers in service, newest first: its residents and staff."""
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(uow, who.principal, community_id=community_id)
            q = select(ServiceOfferRow).where(
                ServiceOfferRow.community_id == community_id, ServiceOfferRow.active.is_(True)
            )
            if kind is not None:
                q = q.where(ServiceOfferRow.kind == kind.value)
            q = q.order_by(ServiceOfferRow.created_at.desc(), ServiceOfferRow.id)
            return await fetch_page(uow.session, q, params)

    async def book(
        self, who: Caller, offer_id: uuid.UUID, person_id: str, at: datetime, note: str | None
    ) -> OrderView:
        """For a person of the offer's community, by them, a guardian or family whose
        consent covers the profile; the community's caregivers and admins are told."""
        async with self.db.uow() as uow:
            offer = await uow.session.get(ServiceOfferRow, offer_id)
            if offer is None or not offer.active:
                raise offer_not_found()
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.PROFILE, action="care.service.book")
            if record.row.community_id != offer.community_id:
                raise problem(ed.ServiceError(
                    "care.service_other_community", "这项服务不在该老人所在社区提供。",
                    "This service is not offered in the person's community.",
                ))  # fmt: skip
            now = self.clock()
            if not now < at <= now + BOOK_AHEAD:
                raise problem(ed.ServiceError(
                    "care.service_when", "预约时间须在现在到90天之内。",
                    "A booking is for a time between now and 90 days ahead.",
                ))  # fmt: skip
            row = ServiceOrderRow(
                id=uuid.uuid4(), offer_id=offer.id, community_id=offer.community_id,
                person_id=person_id, booked_by=who.subject, at=at, note=note,
                price_fen=offer.price_fen, status=ed.OrderStatus.BOOKED.value, created_at=now,
                updated_at=now,
            )  # fmt: skip
            uow.session.add(row)
            view = OrderView(row, offer, record.row.name)
            await self._tell(uow, view, "booked", staff=True)
            await uow.audit(
                who, "care.service.book", "care_service_order", str(row.id),
                community_id=row.community_id, detail={"kind": offer.kind},
            )  # fmt: skip
            await uow.commit()
            return view

    async def orders(
        self, who: Caller, status: ed.OrderStatus | None, params: PageParams
    ) -> tuple[list[OrderView], PageTotal]:
        """Staff: their communities' bookings; anyone: theirs and their family's.
        Autocommit: the read and its audit record without BEGIN/COMMIT (ADR 0065)."""
        async with self.db.uow(read_only=True) as uow:
            people = await visible_people(uow, who.subject, c.Category.PROFILE, self.clock())
            communities = who.principal.scope_ids("community", PUBLISHERS)
            q = select(ServiceOrderRow).where(
                or_(
                    ServiceOrderRow.booked_by == who.subject,
                    ServiceOrderRow.person_id.in_(people),
                    ServiceOrderRow.community_id.in_(sorted(communities)),
                )
            )
            if status is not None:
                q = q.where(ServiceOrderRow.status == status.value)
            q = q.order_by(ServiceOrderRow.created_at.desc(), ServiceOrderRow.id)
            rows, total = await fetch_page(uow.session, q, params)
            views = [await self._view(uow, r) for r in rows]
            await uow.audit(
                who, "care.service.list", "care_service_order", None,
                detail={"count": str(len(rows))},
            )  # fmt: skip
            await uow.commit()
            return views, total

    async def move(self, who: Caller, order_id: uuid.UUID, action: Action) -> OrderView:
        """Staff confirm, mark done or cancel; who booked it (or the elder) may cancel."""
        async with self.db.uow() as uow:
            row = await uow.session.get(ServiceOrderRow, order_id, with_for_update=True)
            if row is None:
                raise order_not_found()
            staff = in_scope(who.principal, community_id=row.community_id, roles=PUBLISHERS)
            own = await self._own(uow, who, row)
            if not (staff or (own and action == "cancel")):
                raise order_not_found() if not own else _staff_only()
            view = await self._view(uow, row)
            try:
                moved = ed.advance(_order(view), _TARGET[action])
            except ed.ServiceError as exc:
                raise problem(exc, 409) from None
            row.status, row.updated_at = moved.status.value, self.clock()
            if staff:
                row.handled_by = who.subject
            await self._tell(uow, view, _STEP[action], staff=not staff, actor=who.subject)
            await uow.audit(
                who, f"care.service.{action}", "care_service_order", str(row.id),
                community_id=row.community_id, detail={"status": row.status},
            )  # fmt: skip
            await uow.commit()
            return view

    async def rate(
        self, who: Caller, order_id: uuid.UUID, rating: int, comment: str | None
    ) -> OrderView:
        """Once, after it is done: the update only moves a done booking, so a second
        rating (or two at once) is refused (409 ``care.order_not_done``)."""
        async with self.db.uow() as uow:
            row = await uow.session.get(ServiceOrderRow, order_id)
            if row is None or not await self._own(uow, who, row):
                raise order_not_found()
            try:
                ed.rate(_order(await self._view(uow, row)), row.booked_by, rating, comment)
            except ed.ServiceError as exc:
                raise problem(exc, 422 if exc.code == "care.rating_range" else 409) from None
            moved = await uow.session.execute(
                update(ServiceOrderRow)
                .where(ServiceOrderRow.id == row.id, ServiceOrderRow.status == "done")
                .values(status="rated", rating=rating, comment=comment, updated_at=self.clock())
                .returning(ServiceOrderRow.id)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            if moved.first() is None:
                raise problem(ed.ServiceError(
                    "care.order_not_done", "服务完成后才能评价，且只能评价一次。",
                    "A service is rated once, after it is done.",
                ), 409)  # fmt: skip
            await uow.session.refresh(row)
            await uow.audit(
                who, "care.service.rate", "care_service_order", str(row.id),
                community_id=row.community_id, detail={"rating": str(rating)},
            )  # fmt: skip
            await uow.commit()
            return await self._view(uow, row)

    # -- helpers ---------------------------------------------------------------------

    async def _own(self, uow: UnitOfWork, who: Caller, row: ServiceOrderRow) -> bool:
        if who.subject == row.booked_by:
            return True
        record = await load(uow, row.person_id)
        return (
            record is not None
            and c.decide(
                record.subject, record.grants, who.subject, c.Category.PROFILE, self.clock()
            ).allowed
        )

    async def _view(self, uow: UnitOfWork, row: ServiceOrderRow) -> OrderView:
        offer = await uow.session.get(ServiceOfferRow, row.offer_id)
        person = await uow.session.get(CarePerson, row.person_id)
        if offer is None:
            raise offer_not_found()
        return OrderView(row, offer, person.name if person else "")

    async def _tell(
        self, uow: UnitOfWork, view: OrderView, step: str, *, staff: bool, actor: str = ""
    ) -> None:
        """To the community's staff (a booking, a cancellation by the family), else to who
        booked it and the elder (never to whoever made the step)."""
        row = view.row
        elder = await uow.session.get(CarePerson, row.person_id)
        users = [u for u in (row.booked_by, elder.user_id if elder else None) if u != actor]
        notice = service_notice(
            str(row.id), step, view.offer.title, view.offer.provider, view.person, row.at,
            users=users, community_id=row.community_id if staff else None, tz=self.tz,
        )  # fmt: skip
        if notice is not None:
            await send(uow, notice, row.community_id, str(row.id))


def _order(view: OrderView) -> ed.ServiceOrder:
    row = view.row
    return ed.ServiceOrder(
        str(row.id), ed.ServiceKind(view.offer.kind), str(row.offer_id), row.person_id,
        row.booked_by, row.at, ed.OrderStatus(row.status), row.rating, row.comment,
    )  # fmt: skip


def _staff_only() -> Forbidden:
    return Forbidden(
        "care.service_staff_only", "Only the community's staff confirm a booking or mark it "
        "done", zh="只有社区工作人员可以确认服务或标记完成",
    )  # fmt: skip
