"""The periodic sweep of alteration requests (装修/改建申请, 6.5.2 d), as the other
gov-affairs reminders run: before an approval step's due time its signers are reminded,
once (the run records ``reminded_at``; escalation follows the flow at the due time), and a
few days before the works' planned end the applicant and the property are told the
completion inspection is due, once (``remind_works_on`` is cleared in the same transaction
as the message). Rows are claimed ``FOR UPDATE SKIP LOCKED``: two replicas never tell twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gov_affairs.db.alterations import AlterationRow
from gov_affairs.domain import alterations as d
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.usecases import alteration_messages as messages
from gov_affairs.usecases.alteration_rows import context, write
from gov_affairs.usecases.alterations import Alterations


class AlterationReminders:
    def __init__(self, alterations: Alterations, batch: int = 200) -> None:
        self.a = alterations
        self.batch = batch

    async def sweep(self, now: datetime | None = None) -> int:
        """Tell what is due at ``now`` (the clock by default); returns how many messages."""
        now = now or self.a.clock()
        return await self._steps(now) + await self._works(now)

    async def _steps(self, now: datetime) -> int:
        told = 0
        async with self.a.db.uow() as uow:
            rows = await uow.session.scalars(
                select(AlterationRow)
                .where(AlterationRow.sweep_at <= now, AlterationRow.status == "submitted")
                .order_by(AlterationRow.sweep_at, AlterationRow.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            for row in list(rows):
                a = d.Alteration.model_validate(row.data)
                run = engine.Approval.model_validate(row.run)
                ctx = await context(uow, row, now, d.check_request(a))
                out = engine.tick(run, ctx)
                write(row, a, out.approval, now)
                await messages.tell_effects(uow, row, a, out.effects)
                told += len(out.effects)
            await uow.commit()
        return told

    async def _works(self, now: datetime) -> int:
        today = now.astimezone(CHINA).date()
        told = 0
        async with self.a.db.uow() as uow:
            rows = await uow.session.scalars(
                select(AlterationRow)
                .where(AlterationRow.remind_works_on <= today)
                .order_by(AlterationRow.remind_works_on, AlterationRow.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            for row in list(rows):
                row.remind_works_on = None
                a = d.Alteration.model_validate(row.data)
                if a.status != "in_works" or a.planned_end < today:
                    continue  # over, or already past its end: nothing to tell ahead of it
                run = engine.Approval.model_validate(row.run)
                await messages.tell_works_ending(uow, row, a, run, today)
                told += 1
            await uow.commit()
        return told
