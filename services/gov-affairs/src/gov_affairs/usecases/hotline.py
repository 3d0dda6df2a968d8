"""The hotline view for government officers (issue 24 item 7): 12345 hotline tickets are
work orders, and work-orders lets only its own staff roles read them. gov-affairs keeps a
read model of them from work-orders' events (``WorkOrderChangedV1``): a ticket's category
(its case type), status, priority, due time, its steps with their times, how many
replies it had and each reply's text (the latest on the ticket itself). An officer reads
the tickets of the communities they hold a grant on. The events carry no resident's name
or phone, so this view has none to show (nothing to mask); it never calls work-orders and
never imports its code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from gov_affairs.db.hotline import HotlineStepRow, HotlineTicketRow
from sc_contracts.events import WorkOrderChangedV1
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller, in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.service import Runtime

# who reads the hotline view: officers, the community's office, the platform
READERS = frozenset({"gov_officer", "community_admin", "platform_admin"})
HOTLINE_TYPES = frozenset({"hotline_ticket"})  # the case type work-orders gives 12345 tickets
HOTLINE_SOURCES = frozenset({"hotline", "open311"})  # passed on by the hotline or a city platform
FINISHED = frozenset({"closed", "cancelled", "rejected"})
MAX_STEPS = 500  # a ticket keeps at most this many steps (a longer one keeps its counters)


def is_hotline(event: WorkOrderChangedV1) -> bool:
    return event.case_type in HOTLINE_TYPES or event.source in HOTLINE_SOURCES


@dataclass(frozen=True)
class Ticket:
    row: HotlineTicketRow
    steps: list[HotlineStepRow]


def _not_found() -> Problem:
    return Problem(404, "hotline.not_found", "No such hotline ticket", zh="没有这张热线工单")


class Hotline:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        community_id: str | None,
        status: str | None,
        open_only: bool,
    ) -> tuple[list[HotlineTicketRow], PageTotal]:
        t = HotlineTicketRow
        query = select(t).where(
            scope_clause(who.principal, community_col=t.community_id, roles=READERS)
        )
        if community_id is not None:
            query = query.where(t.community_id == community_id)
        if status is not None:
            query = query.where(t.status == status)
        if open_only:
            query = query.where(t.status.not_in(FINISHED))
        query = query.order_by(t.community_id, t.opened_at.desc(), t.work_order_id)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging)

    async def ticket(self, who: Caller, work_order_id: str) -> Ticket:
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(HotlineTicketRow, work_order_id)
            if row is None or not in_scope(
                who.principal, community_id=row.community_id, roles=READERS
            ):
                raise _not_found()
            steps = await uow.session.scalars(
                select(HotlineStepRow)
                .where(HotlineStepRow.work_order_id == work_order_id)
                .order_by(HotlineStepRow.occurred_at, HotlineStepRow.seq)
            )
            await uow.audit(
                who,
                "hotline.read",
                "work_order",
                work_order_id,
                community_id=row.community_id,
            )
            return Ticket(row, list(steps))

    @staticmethod
    async def on_case(uow: UnitOfWork, event: WorkOrderChangedV1) -> bool:
        """A hotline ticket took a step: the ticket's row and its timeline follow it. Steps
        may come twice (the inbox keeps one) or late: the latest step's state wins."""
        if not is_hotline(event):
            return False
        row = await uow.session.get(HotlineTicketRow, event.work_order_id, with_for_update=True)
        at = event.occurred_at
        if row is None:
            row = HotlineTicketRow(
                work_order_id=event.work_order_id,
                community_id=event.community_id,
                building_id=event.building_id,
                case_type=event.case_type,
                source=event.source,
                ticket_number=event.external_ref,
                status=event.status.value,
                priority=event.priority.value,
                assignee_id=event.assignee_id,
                due_at=event.due_at,
                opened_at=at,
                updated_at=at,
                replies=0,
            )
            uow.session.add(row)
            await uow.session.flush()
        elif at >= row.updated_at:
            row.status = event.status.value
            row.priority = event.priority.value
            row.assignee_id = event.assignee_id
            row.due_at = event.due_at
            row.building_id = event.building_id or row.building_id
            row.ticket_number = event.external_ref or row.ticket_number
            row.updated_at = at
        if event.action == "created" or at < row.opened_at:
            row.opened_at = min(row.opened_at, at)
        if event.action == "reply":
            row.replies += 1
            if row.last_reply_at is None or at >= row.last_reply_at:
                row.last_reply_at = at
                row.last_reply_text = event.reply_text
        if event.status.value in FINISHED and at >= row.updated_at:
            row.closed_at = at
        elif row.status not in FINISHED:
            row.closed_at = None
        count = await uow.session.scalar(
            select(func.count())
            .select_from(HotlineStepRow)
            .where(HotlineStepRow.work_order_id == row.work_order_id)
        )
        if (count or 0) < MAX_STEPS:
            uow.session.add(
                HotlineStepRow(
                    work_order_id=row.work_order_id,
                    seq=(count or 0) + 1,
                    action=event.action,
                    status=event.status.value,
                    actor_id=event.actor_id,
                    reply_text=event.reply_text if event.action == "reply" else None,
                    occurred_at=at,
                )
            )
        return True


def subscribe_hotline(runtime: Runtime) -> None:
    """Hotline tickets' steps from work-orders' events."""
    consumer = runtime.consumer(name="hotline")

    @consumer.on(WorkOrderChangedV1)
    async def on_case(event: WorkOrderChangedV1, uow: UnitOfWork) -> None:
        await Hotline.on_case(uow, event)
