"""Community activities (社区活动, 6.6) as a service: staff plan one (place, time, capacity,
audience), someone other than the organiser approves it, it is announced; residents sign
up (a waiting list beyond the capacity moves up in order when someone cancels), check in
with the QR code shown at the venue, and rate it; the finished activity has a generated
summary (who came, ratings, comments) in zh-CN and en. The rules are in
:mod:`gov_affairs.domain.activities`; ``ActivityChangedV1`` on ``gov.activities.v1``."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from gov_affairs.db.votes import ActivityRow
from gov_affairs.domain import activities as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.certificates import mask_name
from gov_affairs.domain.messages import both
from gov_affairs.domain.notices import Audience, PlaceRef
from gov_affairs.domain.text import Text
from gov_affairs.usecases.activity_audience import building_names
from gov_affairs.usecases.activity_messages import tell_announced
from sc_contracts.events import (
    ActivityChangedV1,
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places

OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "grid_worker", "platform_admin"})
CONFLICTS = {"activity.bad_state", "activity.already_signed_up", "activity.started"}


def _problem(exc: d.ActivityError) -> Problem:
    status = 409 if exc.code in CONFLICTS else 403 if exc.code == "activity.own_activity" else 422
    return Problem(status, exc.code, str(exc), zh=exc.zh)


class Activities:
    def __init__(
        self, db: Database, places: Places, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.db = db
        self.places = places
        self.clock = clock or (lambda: datetime.now(UTC))

    def _office(self, who: Caller, community_id: str) -> None:
        p = who.principal
        if not (p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)):
            raise Problem(
                403,
                "auth.out_of_scope",
                "Activities of this community are not yours to run",
                zh="您不负责该社区的活动",
            )

    async def plan(
        self,
        who: Caller,
        *,
        community_id: str,
        title: str,
        description: str,
        venue: str,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        max_party: int,
        building_ids: list[str],
    ) -> ActivityRow:
        self._office(who, community_id)
        places = [PlaceRef(type="building", id=b) for b in building_ids] or [
            PlaceRef(type="community", id=community_id)
        ]
        try:
            a = d.Activity(
                title=title,
                description=description,
                venue=venue,
                community_id=community_id,
                audience=Audience(places=places),
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity,
                max_party=max_party,
                organiser=who.subject,
            )
        except ValueError as exc:
            raise Problem(
                422,
                "activity.times_invalid",
                "An activity ends after it starts",
                zh="活动的结束时间须晚于开始时间",
            ) from exc
        row = ActivityRow(
            id=uuid.uuid4(),
            community_id=community_id,
            status=a.status,
            starts_at=starts_at,
            organiser=who.subject,
            data=a.model_dump(mode="json"),
        )
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.audit(
                who, "activity.plan", "activity", str(row.id), community_id=community_id
            )
            await uow.commit()
        return row

    async def move(self, who: Caller, activity_id: uuid.UUID, action: str) -> ActivityRow:
        """submit, approve, reject, announce, finish or cancel."""
        async with self.db.uow() as uow:
            row, a = await self._locked(uow, activity_id)
            self._office(who, row.community_id)
            try:
                a = d.move(a, action, who.subject)
            except d.ActivityError as exc:
                raise _problem(exc) from exc
            await self._save(uow, row, a)
            if action == "announce":
                await tell_announced(uow, row, a)
            await uow.audit(
                who, f"activity.{action}", "activity", str(row.id), community_id=row.community_id
            )
            await uow.commit()
        return row

    async def sign_up(
        self, who: Caller, activity_id: uuid.UUID, party: int
    ) -> tuple[ActivityRow, d.Signup, int | None]:
        async with self.db.uow() as uow:
            row, a = await self._locked(uow, activity_id)
            await self._resident(uow, who, row.community_id)
            try:
                a, s = d.sign_up(
                    a, who.subject, mask_name(who.principal.name or "居民"), self.clock(), party
                )
            except d.ActivityError as exc:
                raise _problem(exc) from exc
            await self._save(uow, row, a)
            await uow.audit(
                who, "activity.sign_up", "activity", str(row.id), community_id=row.community_id
            )
            await uow.commit()
        return row, s, d.waiting_position(a, who.subject)

    async def cancel_signup(self, who: Caller, activity_id: uuid.UUID) -> ActivityRow:
        async with self.db.uow() as uow:
            row, a = await self._locked(uow, activity_id)
            try:
                a, promoted = d.cancel_signup(a, who.subject)
            except d.ActivityError as exc:
                raise _problem(exc) from exc
            await self._save(uow, row, a)
            for p in promoted:
                await _tell_promoted(uow, row, a, p.person)
            await uow.commit()
        return row

    async def check_in(self, who: Caller, activity_id: uuid.UUID, code: str) -> ActivityRow:
        async with self.db.uow() as uow:
            row, a = await self._locked(uow, activity_id)
            try:
                a = d.check_in(a, who.subject, code, self.clock())
            except d.ActivityError as exc:
                raise _problem(exc) from exc
            await self._save(uow, row, a)
            await uow.commit()
        return row

    async def rate(
        self, who: Caller, activity_id: uuid.UUID, stars: int, comment: str | None
    ) -> ActivityRow:
        async with self.db.uow() as uow:
            row, a = await self._locked(uow, activity_id)
            try:
                a = d.rate(a, who.subject, stars, comment, self.clock())
            except d.ActivityError as exc:
                raise _problem(exc) from exc
            await self._save(uow, row, a)
            await uow.commit()
        return row

    async def get(self, who: Caller, activity_id: uuid.UUID) -> tuple[ActivityRow, d.Activity]:
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(ActivityRow, activity_id)
            if row is None:
                raise _not_found()
            await self.places.ensure_readable(
                uow, who.principal, community_id=row.community_id, roles=OFFICE_ROLES
            )
            return row, d.Activity.model_validate(row.data)

    async def check_in_code(self, who: Caller, activity_id: uuid.UUID) -> str:
        """The code the venue's QR shows, for the community's staff."""
        row, a = await self.get(who, activity_id)
        self._office(who, row.community_id)
        return a.check_in_token

    async def summary(self, who: Caller, activity_id: uuid.UUID) -> d.Summary:
        row, a = await self.get(who, activity_id)
        if a.status not in ("finished", "archived"):
            raise Problem(
                409,
                "activity.not_finished",
                "The summary is written once the activity has finished",
                zh="活动结束后才生成活动小结",
            )
        async with self.db.uow(read_only=True) as uow:
            name = await self.places.name_of(uow, community_id=row.community_id)
        community = (name.community if name else None) or "本社区"
        return d.summarise(a, community)

    async def audience_names(self, rows: list[ActivityRow]) -> dict[str, Text]:
        """The audience's buildings of ``rows`` by name, for what the API returns."""
        return await building_names(self.db, self.places, rows)

    async def page(
        self, who: Caller, community_id: str, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[ActivityRow], int]:
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(
                uow, who.principal, community_id=community_id, roles=OFFICE_ROLES
            )
            where = [ActivityRow.community_id == community_id]
            p = who.principal
            if not (p.is_platform_admin or community_id in p.scope_ids("community", OFFICE_ROLES)):
                where.append(ActivityRow.status.in_(("announced", "finished", "archived")))
            rows, total = await fetch_page(
                uow.session,
                select(ActivityRow)
                .where(*where)
                .order_by(ActivityRow.starts_at.desc(), ActivityRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            return list(rows), total

    async def _resident(self, uow: UnitOfWork, who: Caller, community_id: str) -> None:
        if community_id not in await self.places.home_communities(
            uow, who.principal, RESIDENT_ROLES
        ):
            raise Problem(
                403,
                "activity.not_a_resident",
                "Residents of the community sign up",
                zh="本社区居民才能报名",
            )

    async def _locked(
        self, uow: UnitOfWork, activity_id: uuid.UUID
    ) -> tuple[ActivityRow, d.Activity]:
        row = await uow.session.get(ActivityRow, activity_id, with_for_update=True)
        if row is None:
            raise _not_found()
        return row, d.Activity.model_validate(row.data)

    async def _save(self, uow: UnitOfWork, row: ActivityRow, a: d.Activity) -> None:
        row.data, row.status, row.updated_at = a.model_dump(mode="json"), a.status, self.clock()
        if a.status in ("announced", "finished", "archived", "cancelled"):
            confirmed = [s for s in a.signups if s.status == "confirmed"]
            stars = [s.rating for s in confirmed if s.rating]
            await uow.publish(
                ActivityChangedV1(
                    activity_id=str(row.id),
                    community_id=row.community_id,
                    status=a.status,
                    starts_at=a.starts_at,
                    capacity=a.capacity,
                    signed_up=a.taken(),
                    came=sum(s.party for s in confirmed if s.checked_in_at),
                    average_rating=sum(stars) / len(stars) if stars else None,
                    occurred_at=self.clock(),
                ),
                key=str(row.id),
            )


async def _tell_promoted(uow: UnitOfWork, row: ActivityRow, a: d.Activity, person: str) -> None:
    """The first waiting has a place now: told in the app (gov.activity.promoted)."""
    at = a.starts_at.astimezone(CHINA)
    variables = {
        "activity": a.title,
        "venue": a.venue,
        "time": f"{at.month}月{at.day}日 {at:%H:%M}",
        "time_en": f"{at:%d %b %H:%M}",
    }
    texts = both("gov.activity.promoted", variables)
    key = "gov-" + hashlib.sha256(f"{row.id}:promoted:{person}".encode()).hexdigest()[:32]
    await uow.publish(
        NotificationRequestedV1(
            request_id=key,
            recipients=Recipients(user_ids=[person]),
            template="gov.activity.promoted",
            variables={**variables, **texts},
            severity=NotificationSeverity.INFO,
            channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
            source_service="gov-affairs",
            community_id=row.community_id,
            correlation_id=str(row.id),
        ),
        key=key,
    )


def _not_found() -> Problem:
    return Problem(404, "activity.not_found", "No such activity", zh="没有这项活动")
