"""The SLA sweeper: reminders before a deadline, then a breach event and escalation to the
property manager after it, each exactly once per case and deadline (``sla_marks``)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from prometheus_client import Counter
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from sc_contracts.events.notification import NotificationSeverity
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from work_orders import events
from work_orders.cases import StepInput, add_timeline, now_utc
from work_orders.db.models import SlaMark, WorkOrder
from work_orders.domain import states
from work_orders.events import Topics

log = logging.getLogger(__name__)
SLA_EVENTS = Counter(
    "work_order_sla_events_total",
    "SLA reminders sent and breaches recorded by the sweeper (breach: escalated)",
    ["kind"],
)
LOCK_KEY = 7_110_001  # advisory lock: one sweeper at a time across replicas


def deadlines(wo: WorkOrder) -> list[tuple[str, datetime]]:
    out: list[tuple[str, datetime]] = []
    if wo.status in states.AWAITING_RESPONSE and wo.response_due_at is not None:
        out.append(("response", wo.response_due_at))
    if wo.status in states.OPEN and wo.resolution_due_at is not None:
        out.append(("resolution", wo.resolution_due_at))
    return out


async def _mark(uow: UnitOfWork, wo: WorkOrder, kind: str, deadline: str, due: datetime) -> bool:
    """Record that this reminder/breach was handled; False when it was already."""
    result = await uow.session.execute(
        insert(SlaMark)
        .values(work_order_id=wo.id, kind=kind, deadline=deadline, due_at=due)
        .on_conflict_do_nothing()
        .returning(SlaMark.work_order_id)
    )
    return result.first() is not None


def next_check(wo: WorkOrder, reminder_before: timedelta, now: datetime) -> datetime | None:
    """The next instant after ``now`` with a reminder or a breach due for ``wo``."""
    points = [
        point for _, due in deadlines(wo) for point in (due - reminder_before, due) if point > now
    ]
    return min(points, default=None)


async def sweep(
    db: Database,
    topics: Topics,
    *,
    reminder_before: timedelta,
    now: datetime | None = None,
    batch: int = 500,
    max_batches: int = 20,
) -> dict[str, int]:
    """Handle every case whose ``sla_check_at`` has come (``now`` defaults to the clock),
    a batch per transaction; returns counts of what it did."""
    now = now or now_utc()
    done = {"reminders": 0, "breaches": 0}
    for _ in range(max_batches):
        if await _sweep_batch(db, topics, reminder_before, now, batch, done) < batch:
            break
    if any(done.values()):
        log.info("sla sweep: %s", done)
    SLA_EVENTS.labels("reminder").inc(done["reminders"])
    SLA_EVENTS.labels("breach").inc(done["breaches"])
    return done


async def _sweep_batch(
    db: Database,
    topics: Topics,
    reminder_before: timedelta,
    now: datetime,
    batch: int,
    done: dict[str, int],
) -> int:
    async with db.uow() as uow:
        got = await uow.session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY}
        )
        if not got:
            return 0
        rows = (
            await uow.session.scalars(
                select(WorkOrder)
                .where(WorkOrder.sla_check_at <= now)
                .order_by(WorkOrder.sla_check_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for wo in rows:
            for deadline, due in deadlines(wo):
                if due <= now:
                    if await _breach(uow, topics, wo, deadline, due, now):
                        done["breaches"] += 1
                elif due - reminder_before <= now and await _remind(uow, topics, wo, deadline, due):
                    done["reminders"] += 1
            wo.sla_check_at = next_check(wo, reminder_before, now)
        await uow.commit()
        return len(rows)


async def _remind(
    uow: UnitOfWork, topics: Topics, wo: WorkOrder, deadline: str, due: datetime
) -> bool:
    if not await _mark(uow, wo, "reminder", deadline, due):
        return False
    request_id = f"wo:{wo.id}:sla_reminder:{deadline}:{int(due.timestamp())}"
    await events.notify(
        uow,
        topics,
        wo,
        request_id=request_id,
        template="generic.message",
        user_ids=[wo.assignee_id] if wo.assignee_id else None,
        roles=None if wo.assignee_id else events.staff_of(wo),
        severity=NotificationSeverity.WARNING,
        extra={
            "body": f"{wo.number} {wo.title}: {deadline} due at {due.isoformat()}",
            "deadline": deadline,
            "due_at": due.isoformat(),
        },
    )
    return True


async def _breach(
    uow: UnitOfWork, topics: Topics, wo: WorkOrder, deadline: str, due: datetime, now: datetime
) -> bool:
    if not await _mark(uow, wo, "breach", deadline, due):
        return False
    await events.publish_breach(uow, topics, wo, due_at=due, at=now)
    wo.escalated = True
    wo.version += 1
    wo.updated_at = now
    await add_timeline(
        uow,
        wo,
        action="escalated",
        previous=wo.status,
        actor_id=None,
        actor_kind="system",
        step=StepInput(
            text=f"{deadline} deadline {due.isoformat()} passed; escalated to property_manager",
            data={"deadline": deadline, "due_at": due.isoformat()},
        ),
        at=now,
    )
    await events.notify(
        uow,
        topics,
        wo,
        request_id=f"wo:{wo.id}:sla_breached:{deadline}:{int(due.timestamp())}",
        template="workorder.sla_breached",
        roles=events.staff_of(wo, "property_manager"),
        user_ids=[wo.assignee_id] if wo.assignee_id else None,
        severity=NotificationSeverity.URGENT,
        extra={"deadline": deadline, "due_at": due.isoformat()},
    )
    return True
