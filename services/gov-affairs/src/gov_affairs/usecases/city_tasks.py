"""Tasks a district or city platform sends down (issue 25 item 2, 5.2), and what became of
them, reported back.

The sender is the client an active exchange agreement names (its client-credentials
token's ``sub``, as for pulls, ADR 0036), and the agreement covers every community the task
names. Each task is received once per sender and task id (the same task again answers what
it became; the same id with other content is refused). It becomes, in each community:

- an inspection or a population check: a case of work-orders, asked for by
  ``CityTaskCaseRequestedV1`` (the item's id is the case's external reference); each state
  the case takes (``WorkOrderChangedV1``) is reported back;
- a warning: a notice published at once to the community's residents (the district is
  the authority; no second approval here), reported back as published.

Every report is a ``CityTaskOutcomeV1`` on ``exchange.task-outcomes.v1`` (keyed by the
sender, whose Kafka principal the agreement gives) and an exchange record (dataset
``task_outcome``, its SHA-256) with its audit record, once per item, state and instant
(:mod:`gov_affairs.usecases.city_task_outcomes`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, or_, select, true
from sqlalchemy.dialects.postgresql import array, insert

from gov_affairs.db.city_tasks import CityTaskItemRow, CityTaskRow
from gov_affairs.db.exchange import ExchangeAgreementRow
from gov_affairs.db.models import NoticePlaceRow, NoticeRow
from gov_affairs.domain import notices as d
from gov_affairs.domain.exchange.periods import local_day
from gov_affairs.domain.exchange.records import content_hash
from gov_affairs.usecases.city_task_outcomes import report
from gov_affairs.usecases.exchange_agreements import active
from gov_affairs.usecases.notices import _event, _push
from sc_contracts.events import (
    CityTaskCaseRequestedV1,
    CityTaskKind,
    WorkOrderChangedV1,
)
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, NotFound
from sc_core.service import Runtime

# Who reads every task (the senders read their own; community staff those of their places).
ALL_READERS = frozenset({"platform_admin", "auditor"})
PLACE_READERS = frozenset({"community_admin", "gov_officer"})
SOURCE = "city"  # the source of the cases work-orders opens from these tasks


@dataclass(frozen=True)
class NewTask:
    task_id: str
    kind: CityTaskKind
    title: str
    title_en: str | None
    description: str
    communities: list[str]
    building_id: str | None
    due_at: datetime | None

    def content(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "kind": self.kind.value,
            "title": self.title,
            "title_en": self.title_en,
            "description": self.description,
            "communities": self.communities,
            "building_id": self.building_id,
            "due_at": self.due_at.isoformat() if self.due_at else None,
        }


@dataclass(frozen=True)
class Received:
    task: CityTaskRow
    items: list[CityTaskItemRow]
    new: bool


def _not_found() -> NotFound:
    return NotFound("city_task.not_found", "No such task", zh="没有这项任务")


class CityTasks:
    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.clock = clock or (lambda: datetime.now(UTC))

    async def receive(
        self, who: Caller, new: NewTask, *, agreement_id: uuid.UUID | None = None
    ) -> Received:
        """``agreement_id``: the agreement the task names (sent over Kafka, ADR 0042); it
        must be one naming the caller, as any agreement of the caller must be."""
        now = self.clock()
        digest = content_hash(new.content())
        async with self.db.uow() as uow:
            agreement = await self._agreement(uow, who, new.communities, now, agreement_id)
            task_id = await uow.session.scalar(
                insert(CityTaskRow)
                .values(
                    id=uuid.uuid4(),
                    agreement_id=agreement.id,
                    sender_code=agreement.recipient_code,
                    external_id=new.task_id,
                    kind=new.kind.value,
                    title=new.title,
                    title_en=new.title_en,
                    description=new.description,
                    communities=new.communities,
                    building_id=new.building_id,
                    due_at=new.due_at,
                    content_sha256=digest,
                    received_by=who.subject,
                    received_at=now,
                )
                .on_conflict_do_nothing(constraint="uq_city_tasks_sender_task")
                .returning(CityTaskRow.id)
            )
            if task_id is None:  # received before: what it became
                task = await uow.session.scalar(
                    select(CityTaskRow).where(
                        CityTaskRow.sender_code == agreement.recipient_code,
                        CityTaskRow.external_id == new.task_id,
                    )
                )
                assert task is not None  # the conflict was this row
                if task.content_sha256 != digest:
                    raise Conflict(
                        "city_task.changed",
                        "A task with this id was received with other content",
                        zh="已收到过同一编号、内容不同的任务",
                    )
                return Received(task, await _items(uow, task.id), False)
            task = await uow.session.get(CityTaskRow, task_id)
            assert task is not None
            items = []
            for community in new.communities:
                item = CityTaskItemRow(
                    id=uuid.uuid4(), task_id=task.id, community_id=community, state="requested",
                    state_at=now,
                )  # fmt: skip
                uow.session.add(item)
                items.append(item)
            await uow.session.flush()
            for item in items:
                if new.kind == CityTaskKind.WARNING:
                    item.notice_id = await _publish_notice(uow, task, item.community_id, now)
                    item.state = "published"
                    await report(uow, task, agreement, item, now)
                else:
                    await uow.publish(_case_request(task, item), key=str(item.id))
            await uow.audit(
                who,
                "exchange.task_received",
                "city_task",
                str(task.id),
                detail={
                    "sender": task.sender_code,
                    "task_id": task.external_id,
                    "kind": task.kind,
                    "communities": ",".join(task.communities)[:500],
                    "sha256": digest,
                },
            )
            await uow.commit()
        return Received(task, items, True)

    async def _agreement(
        self,
        uow: UnitOfWork,
        who: Caller,
        communities: list[str],
        now: datetime,
        agreement_id: uuid.UUID | None = None,
    ) -> ExchangeAgreementRow:
        today = local_day(now)
        query = select(ExchangeAgreementRow).where(ExchangeAgreementRow.client_id == who.subject)
        if agreement_id is not None:
            query = query.where(ExchangeAgreementRow.id == agreement_id)
        rows = [
            r
            for r in await uow.session.scalars(
                query.order_by(ExchangeAgreementRow.created_at.desc(), ExchangeAgreementRow.id)
            )
            if active(r, today)
        ]
        if not rows:
            raise Forbidden(
                "exchange.no_agreement",
                "No active exchange agreement names you as a sender",
                zh="没有有效的数据交换协议允许您下发任务",
            )
        found = next((r for r in rows if set(communities) <= set(r.communities)), None)
        if found is None:
            raise Forbidden(
                "exchange.community_not_covered",
                "Your exchange agreement does not cover every community the task names",
                zh="任务所列社区不全在您的数据交换协议范围内",
            )
        return found

    # reading -------------------------------------------------------------------------
    def _visible(self, who: Caller) -> Any:
        p = who.principal
        if p.has_role(*ALL_READERS):
            return true()
        mine = CityTaskRow.received_by == who.subject
        places = sorted(p.scope_ids("community", PLACE_READERS))
        if not places:
            return mine
        return or_(mine, CityTaskRow.communities.has_any(array(places)))

    async def page(self, who: Caller, paging: PageParams) -> tuple[list[Received], int]:
        query: Select[Any] = (
            select(CityTaskRow)
            .where(self._visible(who))
            .order_by(CityTaskRow.received_at.desc(), CityTaskRow.id.desc())
        )
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(uow.session, query, paging)
            return [Received(t, await _items(uow, t.id), False) for t in rows], total

    async def get(self, who: Caller, task_id: uuid.UUID) -> Received:
        async with self.db.uow(read_only=True) as uow:
            task = await uow.session.scalar(
                select(CityTaskRow).where(CityTaskRow.id == task_id, self._visible(who))
            )
            if task is None:
                raise _not_found()
            return Received(task, await _items(uow, task.id), False)

    # from work-orders' events -----------------------------------------------------------
    async def case_changed(self, uow: UnitOfWork, event: WorkOrderChangedV1) -> bool:
        """A case opened from a task took a step: its new state, reported back once."""
        if event.source != SOURCE or not event.external_ref:
            return False
        try:
            item_id = uuid.UUID(event.external_ref)
        except ValueError:
            return False
        item = await uow.session.get(CityTaskItemRow, item_id, with_for_update=True)
        if item is None:
            return False
        item.work_order_id = item.work_order_id or event.work_order_id
        state = event.status.value
        if state == item.state:
            return False
        item.state, item.state_at = state, event.occurred_at
        task = await uow.session.get(CityTaskRow, item.task_id)
        agreement = task and await uow.session.get(ExchangeAgreementRow, task.agreement_id)
        if task is None or agreement is None:
            return False
        await report(uow, task, agreement, item, event.occurred_at)
        return True


def subscribe_city_tasks(runtime: Runtime, tasks: CityTasks) -> None:
    consumer = runtime.consumer(name="city-tasks")

    @consumer.on(WorkOrderChangedV1)
    async def on_case(event: WorkOrderChangedV1, uow: UnitOfWork) -> None:
        await tasks.case_changed(uow, event)


async def _items(uow: UnitOfWork, task_id: uuid.UUID) -> list[CityTaskItemRow]:
    return list(
        await uow.session.scalars(
            select(CityTaskItemRow)
            .where(CityTaskItemRow.task_id == task_id)
            .order_by(CityTaskItemRow.community_id)
        )
    )


def _case_request(task: CityTaskRow, item: CityTaskItemRow) -> CityTaskCaseRequestedV1:
    return CityTaskCaseRequestedV1(
        request_id=str(item.id),
        task_id=str(task.id),
        sender=task.sender_code,
        kind=CityTaskKind(task.kind),
        community_id=item.community_id,
        building_id=task.building_id,
        title=task.title,
        title_en=task.title_en,
        description=task.description,
        due_at=task.due_at,
        requested_at=task.received_at,
    )


async def _publish_notice(
    uow: UnitOfWork, task: CityTaskRow, community_id: str, now: datetime
) -> uuid.UUID:
    """The warning as a published safety notice to the community's residents."""
    author = f"exchange:{task.sender_code}"[:64]
    row = NoticeRow(
        id=uuid.uuid4(),
        community_id=community_id,
        title=task.title,
        body=task.description,
        title_en=task.title_en,
        category="safety",
        roles=sorted(d.RESIDENT_SIDE),
        status="published",
        author_id=author,
        approved_by=author,
        pinned=False,
        expires_at=task.due_at,
        attachments=[],
        published_at=now,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    where = [d.PlaceRef(type="community", id=community_id)]
    uow.session.add(NoticePlaceRow(notice_id=row.id, place_type="community", place_id=community_id))
    await uow.publish(_event(row, where, now), key=str(row.id))
    await _push(uow, row, where)
    return row.id
