"""The SLA sweeper: reminders before a deadline, then a breach event and escalation to the
property manager after it, each exactly once per case and deadline (``sla_marks``)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, text
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


async def sweep(
    db: Database,
    topics: Topics,
    *,
    reminder_before: timedelta,
    now: datetime | None = None,
    batch: int = 500,
) -> dict[str, int]:
    """One pass; ``now`` defaults to the clock. Returns counts of what it did."""
    now = now or now_utc()
    done = {"reminders": 0, "breaches": 0}
    async with db.uow() as uow:
        got = await uow.session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY}
        )
        if not got:
            return done
        soon = now + reminder_before
        due_soon = or_(
            and_(
                WorkOrder.status.in_(sorted(states.AWAITING_RESPONSE)),
                WorkOrder.response_due_at <= soon,
            ),
            WorkOrder.resolution_due_at <= soon,
        )
        rows = (
            await uow.session.scalars(
                select(WorkOrder)
                .where(WorkOrder.status.in_(sorted(states.OPEN)), due_soon)
                .order_by(WorkOrder.resolution_due_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for wo in rows:
            for deadline, due in deadlines(wo):
                if due <= now:
                    if await _breach(uow, topics, wo, deadline, due, now):
                        done["breaches"] += 1
                elif due <= soon and await _remind(uow, topics, wo, deadline, due):
                    done["reminders"] += 1
        await uow.commit()
    if any(done.values()):
        log.info("sla sweep: %s", done)
    return done


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
