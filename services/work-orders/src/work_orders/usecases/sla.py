"""The SLA sweeper (a job): reminders before a deadline, then a breach event and escalation
to the property manager after it, each exactly once per case and deadline
(``sla_marks``)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from prometheus_client import Counter

from sc_contracts.events import NotificationSeverity
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from work_orders.db import cases as repo
from work_orders.db.models import WorkOrder
from work_orders.domain.cases import StepInput
from work_orders.domain.notices import Notice, sla_breach_step, sla_reminder, staff_of
from work_orders.domain.sla import deadlines, next_check
from work_orders.usecases import case_events
from work_orders.usecases.lifecycle import Lifecycle, now_utc

log = logging.getLogger(__name__)
SLA_EVENTS = Counter(
    "work_order_sla_events_total",
    "SLA reminders sent and breaches recorded by the sweeper (breach: escalated)",
    ["kind"],
)


class SlaSweeper:
    def __init__(
        self, db: Database, lifecycle: Lifecycle, *, reminder_before: timedelta, batch: int = 500
    ) -> None:
        self.db = db
        self.lifecycle = lifecycle
        self.reminder_before = reminder_before
        self.batch = batch

    async def run(self) -> None:
        """The periodic job: one sweep at the clock's time."""
        await self.sweep()

    async def sweep(
        self, *, now: datetime | None = None, batch: int | None = None, max_batches: int = 20
    ) -> dict[str, int]:
        """Handle every case whose ``sla_check_at`` has come (``now`` defaults to the clock),
        a batch per transaction; returns counts of what it did."""
        now = now or now_utc()
        size = batch or self.batch
        done = {"reminders": 0, "breaches": 0}
        for _ in range(max_batches):
            if await self._sweep_batch(now, size, done) < size:
                break
        if any(done.values()):
            log.info("sla sweep: %s", done)
        SLA_EVENTS.labels("reminder").inc(done["reminders"])
        SLA_EVENTS.labels("breach").inc(done["breaches"])
        return done

    async def _sweep_batch(self, now: datetime, batch: int, done: dict[str, int]) -> int:
        async with self.db.uow() as uow:
            if not await repo.take_sweeper_lock(uow):
                return 0
            rows = await repo.due_for_sla(uow, now, batch)
            for wo in rows:
                for deadline, due in deadlines(wo):
                    if due <= now:
                        if await self._breach(uow, wo, deadline, due, now):
                            done["breaches"] += 1
                    elif due - self.reminder_before <= now and await self._remind(
                        uow, wo, deadline, due
                    ):
                        done["reminders"] += 1
                wo.sla_check_at = next_check(wo, self.reminder_before, now)
            await uow.commit()
            return len(rows)

    async def _remind(self, uow: UnitOfWork, wo: WorkOrder, deadline: str, due: datetime) -> bool:
        if not await repo.mark_sla(uow, wo, "reminder", deadline, due):
            return False
        words = sla_reminder(wo, deadline, due)
        notice = replace(
            words,
            user_ids=[wo.assignee_id] if wo.assignee_id else [],
            roles=[] if wo.assignee_id else staff_of(wo),
        )
        request_id = f"wo:{wo.id}:sla_reminder:{deadline}:{int(due.timestamp())}"
        await case_events.notify(uow, wo, notice, request_id=request_id)
        return True

    async def _breach(
        self, uow: UnitOfWork, wo: WorkOrder, deadline: str, due: datetime, now: datetime
    ) -> bool:
        if not await repo.mark_sla(uow, wo, "breach", deadline, due):
            return False
        await case_events.breached(uow, wo, due_at=due, at=now)
        wo.escalated = True
        said, said_en = sla_breach_step(deadline, due)
        await self.lifecycle.record(
            uow,
            wo,
            "escalated",
            actor_id=None,
            step=StepInput(
                text=said,
                data={"deadline": deadline, "due_at": due.isoformat(), "text_en": said_en},
            ),
            at=now,
            announce=False,  # the breach event says it
        )
        notice = Notice(
            "workorder.sla_breached",
            roles=staff_of(wo, "property_manager"),
            user_ids=[wo.assignee_id] if wo.assignee_id else [],
            severity=NotificationSeverity.URGENT,
            extra={"deadline": deadline, "due_at": due.isoformat()},
        )
        request_id = f"wo:{wo.id}:sla_breached:{deadline}:{int(due.timestamp())}"
        await case_events.notify(uow, wo, notice, request_id=request_id)
        return True
