"""Mutual aid (邻里互助, 6.2.2): an elder, or family acting for them by consent, asks for
help; residents of the same community and its volunteers (identity's ``volunteer`` grant on
the community) see the open requests without the elder's name, flat or phone, and one of
them takes it (the database arbitrates two takers: a conditional update); the elder
confirms it was done and rates it. Each step tells the other side. ADR 0046."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update

from care.db.elderly_models import HelpRequestRow
from care.db.models import CarePerson
from care.domain import consent as c
from care.domain import elderly as ed
from care.domain.elderly_notices import HELPER_WORDS, help_asked_notice, help_notice
from care.domain.messages import DEFAULT_TZ, local_time
from care.usecases.common import authorise, load, not_found, now_utc, problem, send
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places
from sc_core.places.defaults import communities_of
from sc_core.places.words import say_both
from sc_core.privacy.masking import mask_name

OVERSEERS = ("community_admin", "caregiver", "grid_worker")
View = Literal["open", "asked", "taken", "board"]


def help_not_found() -> Problem:
    return Problem(404, "care.help_not_found", "No such request for help", zh="没有这条求助")


@dataclass(frozen=True)
class HelpView:
    """A request as the caller may see it: ``full`` for the asker, the elder and the
    taker; otherwise the elder's name masked and no flat, address or phone."""

    row: HelpRequestRow
    elder_name: str
    address: str | None
    place: tuple[str, str]
    full: bool
    when: tuple[str, str]  # the time asked for, in words (zh-CN, en), local time


def domain_request(row: HelpRequestRow, elder: str | None) -> ed.HelpRequest:
    return ed.HelpRequest(
        str(row.id), row.requested_by, row.person_id, row.kind, row.wanted_at,
        ed.HelpStatus(row.status), row.taker, row.rating, row.thanks, elder,
    )  # fmt: skip


class MutualAid:
    def __init__(
        self, db: Database, places: Places, tz: ZoneInfo = DEFAULT_TZ,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:  # fmt: skip
        self.db, self.places, self.tz, self.clock = db, places, tz, clock

    async def communities(self, uow: UnitOfWork, who: Caller) -> frozenset[str]:
        """Where the caller may help: their homes' communities, and the communities they
        volunteer in or look after."""
        p = who.principal
        return await self.places.home_communities(uow, p) | p.scope_ids(
            "community", ("volunteer", *OVERSEERS)
        )

    async def ask(
        self, who: Caller, person_id: str, kind: ed.HelpKind, wanted_at: datetime,
        note: str | None, phone: str | None,
    ) -> HelpView:  # fmt: skip
        """The elder, a guardian or family whose consent covers the profile asks."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.PROFILE, action="care.help.ask")
            now = self.clock()
            try:
                ed.ask("new", who.subject, person_id, kind.value, wanted_at, now)
            except ed.ServiceError as exc:
                raise problem(exc) from None
            row = HelpRequestRow(
                id=uuid.uuid4(), community_id=record.row.community_id,
                building_id=record.row.building_id, person_id=person_id,
                requested_by=who.subject, kind=kind.value, note=note, phone=phone,
                wanted_at=wanted_at, status=ed.HelpStatus.OPEN.value, created_at=now,
                updated_at=now,
            )  # fmt: skip
            uow.session.add(row)
            building = await self._place(uow, row, full=False)
            await send(
                uow, help_asked_notice(str(row.id), row.community_id, building, row.kind,
                                       wanted_at, self.tz),
                row.community_id, str(row.id),
            )  # fmt: skip
            await uow.audit(
                who, "care.help.ask", "care_help_request", str(row.id),
                community_id=row.community_id, detail={"kind": row.kind},
            )  # fmt: skip
            await uow.commit()
            return await self._view(uow, row, record.row, full=True)

    async def requests(
        self, who: Caller, view: View, community_id: str | None, params: PageParams,
        status: ed.HelpStatus | None = None,
    ) -> tuple[list[HelpView], PageTotal]:  # fmt: skip
        """``open``: the open requests of the caller's communities, soonest first, masked;
        ``asked``: those the caller asked or that are for them; ``taken``: theirs to do;
        ``board``: the staff's board (community admins, caregivers, grid workers of the
        community): every request of their communities in any status, newest first,
        masked (``status`` narrows any view). Autocommit: the read and its audit record
        without BEGIN/COMMIT (ADR 0065)."""
        async with self.db.uow(read_only=True) as uow:
            q = select(HelpRequestRow)
            if status is not None:
                q = q.where(HelpRequestRow.status == status.value)
            if view == "board":
                p = who.principal
                # community grants, and a grid worker's grids' communities
                staff = set(await communities_of(self.places, uow, p, OVERSEERS))
                if community_id is not None:
                    staff = staff & {community_id}
                if not p.is_platform_wide(OVERSEERS):
                    q = q.where(HelpRequestRow.community_id.in_(sorted(staff)))
                elif community_id is not None:
                    q = q.where(HelpRequestRow.community_id == community_id)
                q = q.order_by(HelpRequestRow.wanted_at.desc(), HelpRequestRow.id)
            elif view == "open":
                allowed = await self.communities(uow, who)
                if community_id is not None:
                    allowed = allowed & {community_id}
                q = q.where(
                    HelpRequestRow.community_id.in_(sorted(allowed)),
                    HelpRequestRow.status == ed.HelpStatus.OPEN.value,
                ).order_by(HelpRequestRow.wanted_at, HelpRequestRow.id)
            elif view == "asked":
                mine = select(CarePerson.id).where(CarePerson.user_id == who.subject)
                q = q.where(
                    or_(
                        HelpRequestRow.requested_by == who.subject,
                        HelpRequestRow.person_id.in_(mine),
                    )
                ).order_by(HelpRequestRow.created_at.desc(), HelpRequestRow.id)
            else:
                q = q.where(HelpRequestRow.taker == who.subject).order_by(
                    HelpRequestRow.wanted_at.desc(), HelpRequestRow.id
                )
            rows, total = await fetch_page(uow.session, q, params)
            full = view in ("asked", "taken")
            views = [await self._view(uow, r, None, full=full) for r in rows]
            await uow.audit(
                who, "care.help.list", "care_help_request", None,
                detail={"view": view, "count": str(len(rows))},
            )  # fmt: skip
            await uow.commit()
            return views, total

    async def get(self, who: Caller, request_id: uuid.UUID) -> HelpView:
        """In full to the asker, the elder and the taker (audited); masked to the
        community's neighbours while it is open; 404 to anyone else."""
        async with self.db.uow() as uow:
            row = await uow.session.get(HelpRequestRow, request_id)
            if row is None:
                raise help_not_found()
            full = await self._full(uow, who, row)
            if not full and not (
                row.status == ed.HelpStatus.OPEN.value
                and row.community_id in await self.communities(uow, who)
            ):
                raise help_not_found()
            await uow.audit(
                who, "care.help.read", "care_help_request", str(row.id),
                community_id=row.community_id, detail={"full": str(full).lower()},
            )  # fmt: skip
            await uow.commit()
            return await self._view(uow, row, None, full=full)

    async def take(self, who: Caller, request_id: uuid.UUID) -> HelpView:
        """One taker: the update only moves an open request, so of two takers at once the
        second finds it taken (409 ``care.help_not_open``)."""
        async with self.db.uow() as uow:
            row = await uow.session.get(HelpRequestRow, request_id)
            if row is None or row.community_id not in await self.communities(uow, who):
                raise help_not_found()
            elder = await uow.session.get(CarePerson, row.person_id)
            try:
                ed.take(domain_request(row, elder.user_id if elder else None), who.subject)
            except ed.ServiceError as exc:
                raise problem(exc, 409) from None
            now = self.clock()
            moved = await uow.session.execute(
                update(HelpRequestRow)
                .where(HelpRequestRow.id == row.id, HelpRequestRow.status == "open")
                .values(status="taken", taker=who.subject, taker_name=who.principal.name,
                        taken_at=now, updated_at=now)
                .returning(HelpRequestRow.id)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            if moved.first() is None:
                raise problem(ed.ServiceError("care.help_not_open", *_TAKEN_WORDS), 409)
            await uow.session.refresh(row)
            await self._tell(uow, row, "taken", elder, [row.requested_by])
            await uow.audit(
                who, "care.help.take", "care_help_request", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return await self._view(uow, row, elder, full=True)

    async def step(
        self, who: Caller, request_id: uuid.UUID, action: Literal["release", "cancel", "confirm"],
        rating: int | None = None, thanks: str | None = None,
    ) -> HelpView:  # fmt: skip
        """The taker gives it back (open again); the asker or the elder cancels it, or
        confirms it was done with a rating."""
        async with self.db.uow() as uow:
            row = await uow.session.get(HelpRequestRow, request_id, with_for_update=True)
            if row is None or not await self._full(uow, who, row):
                raise help_not_found()
            elder = await uow.session.get(CarePerson, row.person_id)
            req = domain_request(row, elder.user_id if elder else None)
            taker, serial = row.taker, _serial(row)
            try:
                if action == "release":
                    moved = ed.release(req, who.subject)
                elif action == "cancel":
                    moved = ed.cancel_help(req, who.subject)
                else:
                    moved = ed.confirm(req, who.subject, rating, thanks)
            except ed.ServiceError as exc:
                raise problem(exc, 422 if exc.code == "care.rating_range" else 409) from None
            now = self.clock()
            row.status, row.updated_at = moved.status.value, now
            if action == "release":
                row.taker = row.taker_name = row.taken_at = None
                await self._tell(uow, row, "released", elder, [row.requested_by], serial=serial,
                                 helper=who.principal.name)  # fmt: skip
            elif action == "cancel":
                row.closed_at = now
                await self._tell(uow, row, "cancelled", elder, [taker], serial=serial)
            else:
                row.rating, row.thanks, row.closed_at = rating, thanks, now
                await self._tell(uow, row, "thanked", elder, [taker], serial=serial)
            await uow.audit(
                who, f"care.help.{action}", "care_help_request", str(row.id),
                community_id=row.community_id, detail={"status": row.status},
            )  # fmt: skip
            await uow.commit()
            return await self._view(uow, row, elder, full=True)

    async def expire(self, now: datetime | None = None) -> int:
        """One sweep: open requests whose time is long past expire, the asker told."""
        now = now or self.clock()
        async with self.db.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(HelpRequestRow)
                    .where(HelpRequestRow.status == "open",
                           HelpRequestRow.wanted_at <= now - ed.EXPIRE_AFTER)
                    .order_by(HelpRequestRow.wanted_at).limit(500)
                    .with_for_update(skip_locked=True)
                )
            ).scalars().all()  # fmt: skip
            for row in rows:
                row.status, row.closed_at, row.updated_at = "expired", now, now
                elder = await uow.session.get(CarePerson, row.person_id)
                await self._tell(uow, row, "expired", elder, [row.requested_by])
            await uow.commit()
            return len(rows)

    # -- helpers ---------------------------------------------------------------------

    async def _full(self, uow: UnitOfWork, who: Caller, row: HelpRequestRow) -> bool:
        if who.subject in (row.requested_by, row.taker):
            return True
        record = await load(uow, row.person_id)
        return (
            record is not None
            and c.decide(
                record.subject, record.grants, who.subject, c.Category.PROFILE, self.clock()
            ).allowed
        )

    async def _tell(
        self, uow: UnitOfWork, row: HelpRequestRow, step: str, elder: CarePerson | None,
        users: list[str | None], *, serial: int | None = None, helper: str | None = None,
    ) -> None:  # fmt: skip
        if step in ("taken", "released", "expired") and elder is not None:
            users = [*users, elder.user_id]
        name = helper if helper is not None else row.taker_name
        notice = help_notice(
            str(row.id), step, row.kind, row.wanted_at, users,
            person=elder.name if elder else "", helper=(name, name) if name else HELPER_WORDS,
            rating=row.rating, thanks=row.thanks,
            serial=_serial(row) if serial is None else serial, tz=self.tz,
        )  # fmt: skip
        if notice is not None:
            await send(uow, notice, row.community_id, str(row.id))

    async def _place(self, uow: UnitOfWork, row: HelpRequestRow, *, full: bool) -> tuple[str, str]:
        elder = await uow.session.get(CarePerson, row.person_id)
        name = await self.places.name_of(
            uow, community_id=row.community_id, building_id=row.building_id,
            room_id=elder.room_id if full and elder else None,
        )  # fmt: skip
        return say_both(name)

    async def _view(
        self, uow: UnitOfWork, row: HelpRequestRow, elder: CarePerson | None, *, full: bool
    ) -> HelpView:
        elder = elder or await uow.session.get(CarePerson, row.person_id)
        name = elder.name if elder else ""
        address = elder.address if full and elder else None
        return HelpView(
            row, name if full else (mask_name(name) or ""), address,
            await self._place(uow, row, full=full), full, local_time(row.wanted_at, self.tz),
        )  # fmt: skip


_TAKEN_WORDS = ("这条求助已有人接单或已结束。", "Someone has already taken this.")


def _serial(row: HelpRequestRow) -> int:
    return int(row.taken_at.timestamp()) if row.taken_at else 0
