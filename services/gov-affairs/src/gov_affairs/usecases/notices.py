"""Community notices (公告, 6.5.3) as a service: the committee, the street office or the
property drafts a notice for places (the community, buildings, grids) and roles; someone
other than the author approves it, which publishes it and pushes it through the
notification service to everyone it is for; residents read only the notices for their
places and roles (pinned first, then the newest; expired ones drop off), each reading
leaves one receipt; the committee sees how many have read it and who has not. The rules are
in :mod:`gov_affairs.domain.notices`; ``NoticeChangedV1`` on ``gov.notices.v1``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.models import ApplicationFileRow, NoticePlaceRow, NoticeReadRow, NoticeRow
from gov_affairs.domain import notices as d
from gov_affairs.domain.messages import both
from gov_affairs.usecases import notice_audience as aud
from gov_affairs.usecases.notice_files import NoticeFile, files_of
from gov_affairs.usecases.notice_page import figures_of, newest_first, places_of
from sc_contracts.events import (
    NoticeChangedV1,
    NoticePlace,
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import offset_only
from sc_core.places import Places

CONFLICTS = {"notice.bad_state"}
FORBIDDEN = {"notice.own_notice", "notice.not_approver", "notice.not_author"}


@dataclass(frozen=True)
class Draft:
    community_id: str
    title: str
    body: str
    category: str
    places: list[d.PlaceRef]
    roles: list[str]
    pinned: bool
    pinned_until: datetime | None
    expires_at: datetime | None
    attachments: list[uuid.UUID]


@dataclass(frozen=True)
class Listed:
    row: NoticeRow
    places: list[d.PlaceRef]
    reads: int | None = None  # staff only
    audience: int | None = None
    files: list[NoticeFile] = field(default_factory=list)  # the attachments, named


def _not_found() -> Problem:
    return Problem(404, "notice.not_found", "No such notice", zh="没有这条公告")


def _roles_here(who: Caller, community_id: str) -> set[str]:
    """The caller's notice roles over this community."""
    p = who.principal
    roles = {r for r in d.AUTHOR_ROLES if community_id in p.scope_ids("community", {r})}
    if p.is_platform_admin:
        roles.add("platform_admin")
    return roles


class Notices:
    def __init__(
        self, db: Database, places: Places, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.db = db
        self.places = places
        self.clock = clock or (lambda: datetime.now(UTC))

    # writing -------------------------------------------------------------------------
    async def draft(self, who: Caller, draft: Draft) -> Listed:
        if not _roles_here(who, draft.community_id):
            raise Problem(
                403,
                "auth.out_of_scope",
                "Notices of this community are not yours to draft",
                zh="您不负责该社区的公告",
            )
        if draft.pinned_until is not None and not draft.pinned:
            raise Problem(
                422,
                "notice.pin_needed",
                "A pin end date is for a pinned notice",
                zh="只有置顶的公告才设置置顶截止时间",
            )
        if draft.expires_at is not None and draft.expires_at <= self.clock():
            raise Problem(
                422, "notice.expired", "The expiry date is in the past", zh="有效期已过，请重新填写"
            )
        row = NoticeRow(
            id=uuid.uuid4(),
            community_id=draft.community_id,
            title=draft.title,
            body=draft.body,
            category=draft.category,
            roles=sorted(set(draft.roles)),
            status="draft",
            author_id=who.subject,
            pinned=draft.pinned,
            pinned_until=draft.pinned_until,
            expires_at=draft.expires_at,
            attachments=[str(a) for a in dict.fromkeys(draft.attachments)],
        )
        async with self.db.uow() as uow:
            await self._check_places(uow, draft.community_id, draft.places)
            await self._check_files(uow, who, draft.attachments)
            uow.session.add(row)
            await uow.session.flush()
            for p in dict.fromkeys(draft.places):
                uow.session.add(NoticePlaceRow(notice_id=row.id, place_type=p.type, place_id=p.id))
            await uow.audit(
                who, "notice.draft", "notice", str(row.id), community_id=row.community_id
            )
            files = (await files_of(uow, [row]))[row.id]
            await uow.commit()
        return Listed(row, list(dict.fromkeys(draft.places)), 0, files=files)

    async def move(self, who: Caller, notice_id: uuid.UUID, action: str, note: str) -> Listed:
        """submit, approve (which publishes), reject, or withdraw (with a reason)."""
        if action == "withdraw" and not note.strip():
            raise Problem(
                422,
                "notice.reason_required",
                "Say why the notice is withdrawn",
                zh="撤回公告须说明理由",
            )
        now = self.clock()
        async with self.db.uow() as uow:
            row = await uow.session.get(NoticeRow, notice_id, with_for_update=True)
            if row is None:
                raise _not_found()
            roles = _roles_here(who, row.community_id)
            if not roles:
                raise Problem(
                    403,
                    "auth.out_of_scope",
                    "Notices of this community are not yours to handle",
                    zh="您不负责该社区的公告",
                )
            where = await self._places_of(uow, row)
            was = row.status
            try:
                n = d.move(_domain(row, where), action, who.subject, roles, now, note.strip())
            except d.NoticeError as exc:
                status = 409 if exc.code in CONFLICTS else 403 if exc.code in FORBIDDEN else 422
                raise Problem(status, exc.code, exc.message, zh=exc.zh) from exc
            row.status, row.approved_by, row.published_at = n.status, n.approved_by, n.published_at
            row.withdrawn_at, row.rejection = n.withdrawn_at, n.rejection
            if action == "withdraw":
                row.withdrawal_reason = note.strip()[:500]
            row.updated_at = now
            if row.status == "published" or (action == "withdraw" and was == "published"):
                await uow.publish(_event(row, where, now), key=str(row.id))
            if action == "approve":
                await _push(uow, row, where)
            await uow.audit(
                who, f"notice.{action}", "notice", str(row.id), community_id=row.community_id
            )
            files = (await files_of(uow, [row]))[row.id]
            await uow.commit()
        return Listed(row, where, files=files)

    # reading -------------------------------------------------------------------------
    async def page(
        self,
        who: Caller,
        community_id: str | None,
        limit: int,
        offset: int,
        category: str | None = None,
        cursor: str | None = None,
    ) -> tuple[list[Listed], int]:
        """The community's every notice with read figures, for its staff; for everyone
        else (and staff without ``community_id``) the board: the published notices for
        their places and roles."""
        now = self.clock()
        staff = community_id is not None and bool(_roles_here(who, community_id))
        async with self.db.uow(read_only=True) as uow:
            if staff:
                where = [NoticeRow.community_id == community_id]
            else:
                mine = await aud.viewer_places(uow, self.places, who.principal)
                # every place a notice is for lies in its community (_check_places), and
                # the caller's places name their communities: the board reads those
                # communities' notices through their indexes, not every notice
                communities = sorted(pid for kind, pid in mine if kind == "community")
                where = [
                    NoticeRow.community_id.in_(communities),
                    aud.board_clause(mine, _roles(who), now),
                ]
                if community_id is not None:
                    where.append(NoticeRow.community_id == community_id)
            if category is not None:  # e.g. legal: the legal education articles (6.5.4 a)
                where.append(NoticeRow.category == category)
            pinned_now = and_(
                NoticeRow.pinned,
                (NoticeRow.pinned_until.is_(None)) | (NoticeRow.pinned_until > now),
            )
            if cursor is not None:  # pinned first, then the newest: paged by offset
                raise offset_only()
            rows, total = await newest_first(uow, where, pinned_now, limit, offset)
            named = await files_of(uow, rows)
            where_of = await places_of(uow, rows)
            figures = await figures_of(uow, self.places, rows, where_of) if staff else {}
            found = []
            for row in rows:
                if staff and row.id in figures:
                    people, reads = figures[row.id]
                    found.append(Listed(row, where_of[row.id], reads, people, named[row.id]))
                elif staff:  # not yet published: it has reached nobody
                    found.append(Listed(row, where_of[row.id], 0, files=named[row.id]))
                else:
                    found.append(Listed(row, where_of[row.id], None, files=named[row.id]))
            return found, total

    async def read(self, who: Caller, notice_id: uuid.UUID) -> Listed:
        """One notice; reading one addressed to the caller leaves a receipt (once)."""
        now = self.clock()
        async with self.db.uow() as uow:
            row, where, for_me = await self._readable(uow, who, notice_id, now)
            if for_me:
                await uow.session.execute(
                    insert(NoticeReadRow)
                    .values(notice_id=row.id, account_id=who.subject, read_at=now)
                    .on_conflict_do_nothing()
                )
            files = (await files_of(uow, [row]))[row.id]
            await uow.commit()
        return Listed(row, where, files=files)

    async def unread(
        self, who: Caller, notice_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[list[aud.Unread], int, int, int]:
        """(a page of who has not read it, how many have not, the audience, the readers)."""
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(NoticeRow, notice_id)
            if row is None:
                raise _not_found()
            if not _roles_here(who, row.community_id):
                raise Problem(
                    403,
                    "auth.out_of_scope",
                    "Who has read this community's notices is for its staff",
                    zh="公告阅读情况仅供本社区工作人员查看",
                )
            where = await self._places_of(uow, row)
            people, reads = await aud.read_figures(uow, self.places, row, where)
            page, missing = await aud.unread_page(uow, self.places, row, where, limit, offset)
            return page, missing, people, reads

    async def attachment(
        self, who: Caller, notice_id: uuid.UUID, file_id: uuid.UUID
    ) -> ApplicationFileRow:
        async with self.db.uow(read_only=True) as uow:
            row, _, _ = await self._readable(uow, who, notice_id, self.clock())
            found = await uow.session.get(ApplicationFileRow, file_id)
            if found is None or str(file_id) not in (row.attachments or []):
                raise Problem(
                    404, "notice.attachment_not_found", "No such attachment", zh="没有这个附件"
                )
            return found

    # helpers -------------------------------------------------------------------------
    async def _readable(
        self, uow: UnitOfWork, who: Caller, notice_id: uuid.UUID, now: datetime
    ) -> tuple[NoticeRow, list[d.PlaceRef], bool]:
        """The notice, its places, and whether it is addressed to the caller; staff of its
        community read every one, anyone else only those on their board (404 otherwise)."""
        row = await uow.session.get(NoticeRow, notice_id)
        if row is None:
            raise _not_found()
        where = await self._places_of(uow, row)
        mine = await aud.viewer_places(uow, self.places, who.principal)
        viewer = d.Viewer(who.subject, _roles(who), frozenset(mine))
        for_me = d.visible(_domain(row, where), viewer, now)
        if not for_me and not _roles_here(who, row.community_id):
            raise _not_found()
        return row, where, for_me

    async def _places_of(self, uow: UnitOfWork, row: NoticeRow) -> list[d.PlaceRef]:
        found = await uow.session.scalars(
            select(NoticePlaceRow)
            .where(NoticePlaceRow.notice_id == row.id)
            .order_by(NoticePlaceRow.place_type, NoticePlaceRow.place_id)
        )
        return [d.PlaceRef(type=p.place_type, id=p.place_id) for p in found]

    async def _check_places(
        self, uow: UnitOfWork, community_id: str, places: list[d.PlaceRef]
    ) -> None:
        """Each place is the community itself, or a building or grid the directory knows
        inside it."""
        h, bg = self.places.tables.households.c, self.places.tables.building_grids.c
        for p in places:
            if p.type == "community":
                known = p.id == community_id
            elif p.type == "building":
                known = bool(
                    await uow.session.scalar(
                        select(func.count()).where(
                            h.building_id == p.id, h.community_id == community_id
                        )
                    )
                    or await uow.session.scalar(
                        select(func.count()).where(
                            bg.building_id == p.id, bg.community_id == community_id
                        )
                    )
                )
            else:
                known = bool(
                    await uow.session.scalar(
                        select(func.count()).where(
                            bg.grid_id == p.id, bg.community_id == community_id
                        )
                    )
                )
            if not known:
                raise Problem(
                    422,
                    "notice.unknown_place",
                    "A place of the notice is not in this community",
                    zh="公告的发布范围不在本社区内",
                )

    async def _check_files(self, uow: UnitOfWork, who: Caller, ids: list[uuid.UUID]) -> None:
        for file_id in ids:
            f = await uow.session.get(ApplicationFileRow, file_id)
            if f is None or f.owner_id != who.subject or f.application_id is not None:
                raise Problem(
                    422,
                    "notice.attachment_unknown",
                    "Attach files you uploaded yourself",
                    zh="只能添加您本人上传的附件",
                )


def _roles(who: Caller) -> frozenset[str]:
    p = who.principal
    return frozenset(p.roles) | frozenset(g.role for g in p.grants)


def _domain(row: NoticeRow, where: list[d.PlaceRef]) -> d.Notice:
    return d.Notice(
        title=row.title,
        body=row.body,
        community_id=row.community_id,
        audience=d.Audience(places=where, roles=list(row.roles or [])),
        author=row.author_id,
        status=row.status,  # type: ignore[arg-type]
        pinned=row.pinned,
        pinned_until=row.pinned_until,
        expires_at=row.expires_at,
        attachments=list(row.attachments or []),
        approved_by=row.approved_by,
        published_at=row.published_at,
        withdrawn_at=row.withdrawn_at,
        rejection=row.rejection,
    )


def _event(row: NoticeRow, where: list[d.PlaceRef], now: datetime) -> NoticeChangedV1:
    return NoticeChangedV1(
        notice_id=str(row.id),
        community_id=row.community_id,
        status=row.status,
        title=row.title,
        category=row.category,
        places=[NoticePlace(type=p.type, id=p.id) for p in where],
        roles=list(row.roles or []),
        pinned=row.pinned,
        published_at=row.published_at,
        expires_at=row.expires_at,
        occurred_at=now,
    )


async def _push(uow: UnitOfWork, row: NoticeRow, where: list[d.PlaceRef]) -> None:
    """The notice to everyone it is for, in the app and by push: each of its roles in each
    of its places (a role in a place reaches every holder of it anywhere inside)."""
    roles = sorted(row.roles or d.RESIDENT_SIDE)
    excerpt = " ".join(row.body.split())
    variables = {
        "title": row.title,
        "excerpt": excerpt[:80] + ("…" if len(excerpt) > 80 else ""),
        "category": d.CATEGORY_WORDS[row.category][0],
    }
    # the notification service shows the titles and bodies rendered here (zh-CN and en; the
    # notice's own title and text stay as the author wrote them)
    texts = both("gov.notice.published", variables)
    key = f"gov-notice-{row.id}"
    await uow.publish(
        NotificationRequestedV1(
            request_id=key,
            recipients=Recipients(
                roles_in_scope=[
                    RoleInScope(role=role, scope_type=p.type, scope_id=p.id)
                    for p in where
                    for role in roles
                ]
            ),
            template="gov.notice.published",
            variables={**variables, **texts},
            severity=NotificationSeverity.INFO,
            channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
            source_service="gov-affairs",
            community_id=row.community_id,
            correlation_id=str(row.id),
        ),
        key=key,
    )
