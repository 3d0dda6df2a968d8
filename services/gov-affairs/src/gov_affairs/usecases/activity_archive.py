"""What activities still lacked (6.6): a finished activity archived with its photos (files
uploaded through the service hall's upload, ``POST /api/v1/hall/files``), the generated
summary as a PDF (the PDF mechanism of the certificates, ``adapters/summary_pdf.py``),
the announced activity told to its audience, and a reminder to everyone with a place the
day before (once per activity, whichever replica's sweep gets there first)."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.adapters.summary_pdf import render_summary
from gov_affairs.db.activity_reminders import ActivityReminderRow
from gov_affairs.db.models import ApplicationFileRow
from gov_affairs.db.votes import ActivityRow
from gov_affairs.domain import activities as d
from gov_affairs.usecases.activities import Activities, _problem
from gov_affairs.usecases.activity_messages import tell
from sc_contracts.events import Recipients
from sc_core.auth import Caller
from sc_core.errors import Problem

PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
REMIND_BEFORE = timedelta(hours=24)


class ActivityArchive:
    def __init__(self, activities: Activities) -> None:
        self.a = activities

    async def archive(
        self, who: Caller, activity_id: uuid.UUID, photos: list[uuid.UUID], notes: str | None
    ) -> ActivityRow:
        """A finished activity archived with up to twelve photos the caller uploaded."""
        async with self.a.db.uow() as uow:
            row, act = await self.a._locked(uow, activity_id)
            self.a._office(who, row.community_id)
            kept = list(dict.fromkeys(photos))
            for file_id in kept:
                f = await uow.session.get(ApplicationFileRow, file_id)
                if (
                    f is None
                    or f.owner_id != who.subject
                    or f.application_id is not None
                    or f.content_type not in PHOTO_TYPES
                ):
                    raise Problem(
                        422,
                        "activity.photo_unknown",
                        "Add JPEG or PNG photos you uploaded yourself",
                        zh="只能添加您本人上传的 JPEG 或 PNG 照片",
                    )
            try:
                act = d.archive(act, [str(p) for p in kept], notes)
            except d.ActivityError as exc:
                raise _problem(exc) from exc
            await self.a._save(uow, row, act)
            await uow.audit(
                who, "activity.archive", "activity", str(row.id), community_id=row.community_id
            )
            await uow.commit()
        return row

    async def photo(
        self, who: Caller, activity_id: uuid.UUID, file_id: uuid.UUID
    ) -> ApplicationFileRow:
        _, act = await self.a.get(who, activity_id)
        async with self.a.db.uow(read_only=True) as uow:
            f = await uow.session.get(ApplicationFileRow, file_id)
            if f is None or str(file_id) not in act.photos:
                raise Problem(404, "activity.photo_not_found", "No such photo", zh="没有这张照片")
            return f

    async def summary_pdf(self, who: Caller, activity_id: uuid.UUID) -> tuple[str, bytes]:
        """The generated summary (409 ``activity.not_finished`` before) as an A4 PDF."""
        summary = await self.a.summary(who, activity_id)
        row, _ = await self.a.get(who, activity_id)
        async with self.a.db.uow(read_only=True) as uow:
            name = await self.a.places.name_of(uow, community_id=row.community_id)
            photos = []
            for file_id in summary.photos:
                f = await uow.session.get(ApplicationFileRow, uuid.UUID(file_id))
                if f is not None:
                    photos.append(base64.b64decode(f.content))
        community = (name.community if name else None) or "本社区"
        return summary.title.zh, render_summary(summary, community, photos)

    # notifications -----------------------------------------------------------------------
    async def remind_due(self) -> int:
        """Everyone with a place in an announced activity that starts within a day is
        reminded once (a reminder row, inserted first, makes it once across replicas)."""
        now = self.a.clock()
        reminded = 0
        async with self.a.db.uow() as uow:
            rows = list(
                await uow.session.scalars(
                    select(ActivityRow).where(
                        ActivityRow.status == "announced",
                        ActivityRow.starts_at > now,
                        ActivityRow.starts_at <= now + REMIND_BEFORE,
                    )
                )
            )
            for row in rows:
                first = await uow.session.scalar(
                    insert(ActivityReminderRow)
                    .values(activity_id=row.id, sent_at=now)
                    .on_conflict_do_nothing()
                    .returning(ActivityReminderRow.activity_id)
                )
                if first is None:
                    continue
                act = d.Activity.model_validate(row.data)
                people = [s.person for s in act.signups if s.status == "confirmed"]
                if people:
                    await tell(
                        uow,
                        row,
                        act,
                        "gov.activity.reminder",
                        Recipients(user_ids=people),
                        f"{row.id}:reminder",
                    )
                    reminded += 1
            await uow.commit()
        return reminded
