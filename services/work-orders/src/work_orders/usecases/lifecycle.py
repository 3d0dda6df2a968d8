"""A case's lifecycle inside a unit of work someone else owns: open a case, take a step of
the state machine, record a step of the system's. Each writes the case, its timeline
step, its WorkOrderChangedV1 and its notification requests together; the caller (a use
case of :class:`~work_orders.usecases.cases.Cases`, the SLA sweeper, the patrol job, an
event handler) audits and commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem
from work_orders.db import cases as repo
from work_orders.db.models import CaseType, TimelineEntry, WorkOrder
from work_orders.domain import states
from work_orders.domain.cases import NewCase, StepInput
from work_orders.domain.notices import notice_for
from work_orders.domain.sla import due_times
from work_orders.usecases import case_events

RATING_COMMENT_MAX = 1000  # work_orders.rating_comment, WorkOrderRatedV1.comment


def now_utc() -> datetime:
    return datetime.now(UTC)


class Lifecycle:
    async def open(self, uow: UnitOfWork, new: NewCase, *, actor_id: str | None) -> WorkOrder:
        """Open ``new`` in ``uow``: the case, its first timeline step, its event and the
        staff's notice. Raises the Problems a client sees (unknown type ...)."""
        ct = await active_type(uow, new.case_type)
        if ct.needs_external_ref and not new.external_ref:
            raise Problem(
                422,
                "workorder.external_ref_required",
                f"A {ct.name} case needs external_ref (e.g. the 12345 ticket number)",
                zh=f"“{ct.name_zh}”工单需要外部编号（如 12345 热线工单号）",
            )
        priority = new.priority or ct.default_priority
        at = now_utc()
        response_due, resolution_due = due_times(ct.sla, priority, at)
        wo = WorkOrder(
            id=uuid.uuid4(),
            case_type=ct.code,
            title=new.title,
            description=new.description,
            status=states.SUBMITTED,
            priority=priority,
            source=new.source,
            community_id=new.community_id,
            grid_id=new.grid_id,
            building_id=new.building_id,
            unit_id=new.unit_id,
            room_id=new.room_id,
            household_id=new.household_id,
            place=new.place,
            longitude=new.longitude,
            latitude=new.latitude,
            reporter_id=new.reporter_id,
            alarm_id=new.alarm_id,
            external_ref=new.external_ref,
            details=new.details,
            response_due_at=response_due,
            resolution_due_at=resolution_due,
            sla_check_at=at,
            escalated=False,
            version=1,
            created_at=at,
            updated_at=at,
        )
        await repo.add(uow, wo)
        linked = await _link_attachments(uow, wo, new.attachment_ids, new.reporter_id)
        step = StepInput(
            text=new.description or None, longitude=new.longitude, latitude=new.latitude
        )
        entry = await _append(
            uow,
            wo,
            action="created",
            previous=None,
            actor_id=actor_id,
            actor_kind="system" if actor_id is None else "reporter",
            step=step,
            attachment_ids=linked,
            at=at,
        )
        await case_events.changed(
            uow, wo, action="created", previous=None, actor_id=actor_id, at=at
        )
        await _notify(uow, wo, "created", entry.seq)
        return wo

    async def take_step(
        self,
        uow: UnitOfWork,
        wo: WorkOrder,
        action: str,
        *,
        actor: states.Actor | None,
        actor_id: str | None,
        step: StepInput,
        expected: int | None = None,
    ) -> WorkOrder:
        """Apply ``action`` to a case locked in ``uow``; raises the Problems a client sees."""
        if expected is not None and expected != wo.version:
            raise Problem(
                412,
                "workorder.version_mismatch",
                f"The case changed (version {wo.version}, you sent {expected}); reload it",
                zh=f"工单已被更新（当前版本 {wo.version}，您提交的是 {expected}），请刷新后重试",
                current_version=wo.version,
            )
        previous = wo.status
        try:
            target = states.next_status(action, previous, actor)
        except states.NotAllowed as exc:
            raise Problem(403, "workorder.action_forbidden", str(exc), action=action) from exc
        except states.InvalidTransition as exc:
            raise Conflict(
                "workorder.invalid_transition", str(exc), action=action, current_status=previous
            ) from exc
        at = now_utc()
        await _apply(uow, wo, action, actor_id, step, at)
        linked = await _link_attachments(uow, wo, step.attachment_ids, actor_id)
        wo.status = target
        wo.version += 1
        wo.updated_at = at
        wo.sla_check_at = at if target in states.OPEN else None  # the sweeper re-plans
        entry = await _append(
            uow,
            wo,
            action=action,
            previous=previous,
            actor_id=actor_id,
            actor_kind=actor or "system",
            step=step,
            attachment_ids=linked,
            at=at,
        )
        await case_events.changed(
            uow,
            wo,
            action=action,
            previous=previous,
            actor_id=actor_id,
            at=at,
            reply_text=step.text,
        )
        if action == "rate" and actor_id is not None and wo.rating is not None:
            await case_events.rated(uow, wo, rating=wo.rating, rated_by=actor_id, at=at)
        await _notify(uow, wo, action, entry.seq)
        return wo

    async def record(
        self,
        uow: UnitOfWork,
        wo: WorkOrder,
        action: str,
        *,
        actor_id: str | None,
        step: StepInput,
        at: datetime | None = None,
        announce: bool = True,
    ) -> TimelineEntry:
        """A step the system takes without changing the status (alarm cleared, escalated):
        on the timeline and, when ``announce``, in a WorkOrderChangedV1."""
        wo.version += 1
        wo.updated_at = at or now_utc()
        entry = await _append(
            uow,
            wo,
            action=action,
            previous=wo.status,
            actor_id=actor_id,
            actor_kind="system",
            step=step,
            at=wo.updated_at,
        )
        if announce:
            await case_events.changed(
                uow,
                wo,
                action=action,
                previous=wo.status,
                actor_id=actor_id,
                at=wo.updated_at,
                reply_text=step.text,
            )
        return entry


async def active_type(uow: UnitOfWork, code: str) -> CaseType:
    ct = await repo.case_type(uow, code)
    if ct is None or not ct.active:
        raise Problem(
            422,
            "workorder.unknown_type",
            f"There is no active case type {code!r}",
            zh=f"没有启用的工单类型（{code}）",
        )
    return ct


async def _apply(
    uow: UnitOfWork, wo: WorkOrder, action: str, actor_id: str | None, step: StepInput, at: datetime
) -> None:
    """What each step changes besides the status."""
    if action == "accept":
        wo.accepted_at = at
        if category := step.data.get("category"):  # mediation: classify on acceptance
            wo.details = {**wo.details, "category": category}
    elif action == "assign":
        if not step.assignee_id:
            raise Problem(
                409,
                "workorder.no_assignee",
                "Nobody with the skill is available here",
                zh="此处暂无具备该技能的人员可派",
            )
        wo.assignee_id = step.assignee_id
    elif action == "resolve":
        wo.resolved_at = at
    elif action == "close":
        wo.closed_at = at
    elif action == "reopen":
        ct = await repo.case_type(uow, wo.case_type)
        wo.response_due_at, wo.resolution_due_at = due_times(
            ct.sla if ct else None, wo.priority, at
        )
        wo.resolved_at = None
        wo.closed_at = None
        wo.escalated = False
    elif action == "rate":
        if wo.rating is not None:
            raise Conflict(
                "workorder.already_rated", "This case has been rated already", zh="此工单已评价过"
            )
        # the reporter rates; a case nobody reported (opened by an alarm in a flat) is
        # rated by its household, whose members passed the reporter-side check already
        if wo.reporter_id is not None and wo.reporter_id != actor_id:
            raise Problem(
                403,
                "workorder.action_forbidden",
                "Only the reporter rates a case",
                zh="只有报事人可以评价工单",
            )
        if step.rating is None or not 1 <= step.rating <= 5:
            raise Problem(
                422, "workorder.rating_invalid", "rating must be 1 to 5", zh="评分须为 1 到 5 分"
            )
        if step.text is not None and len(step.text) > RATING_COMMENT_MAX:
            # the column and WorkOrderRatedV1.comment hold 1,000 (a longer one was a 500)
            raise Problem(
                422,
                "workorder.rating_comment_too_long",
                f"评价内容最多{RATING_COMMENT_MAX}字 / A rating's comment is at most "
                f"{RATING_COMMENT_MAX} characters",
            )
        wo.rating = step.rating
        wo.rating_comment = step.text
        wo.rated_at = at


async def _link_attachments(
    uow: UnitOfWork, wo: WorkOrder, ids: list[uuid.UUID], by: str | None
) -> list[str]:
    if not ids:
        return []
    found = await repo.attachments(uow, ids)
    for attachment_id in ids:
        a = found.get(attachment_id)
        if a is None or a.uploaded_by != by or a.work_order_id not in (None, wo.id):
            raise Problem(
                422,
                "attachment.not_usable",
                f"Attachment {attachment_id} is not one you uploaded for this case",
                zh="该附件不是您为此工单上传的",
            )
        a.work_order_id = wo.id
        a.community_id = wo.community_id
    return [str(i) for i in ids]


async def _append(
    uow: UnitOfWork,
    wo: WorkOrder,
    *,
    action: str,
    previous: str | None,
    actor_id: str | None,
    actor_kind: str,
    step: StepInput,
    at: datetime,
    attachment_ids: list[str] | None = None,
) -> TimelineEntry:
    return await repo.append_timeline(
        uow,
        TimelineEntry(
            work_order_id=wo.id,
            action=action,
            from_status=previous,
            to_status=wo.status,
            actor_id=actor_id,
            actor_kind=actor_kind,
            text=step.text,
            attachment_ids=attachment_ids or [],
            longitude=step.longitude,
            latitude=step.latitude,
            data=dict(step.data),
            created_at=at,
        ),
    )


async def _notify(uow: UnitOfWork, wo: WorkOrder, action: str, seq: int) -> None:
    notice = notice_for(action, wo)
    if notice is not None:
        await case_events.notify(uow, wo, notice, request_id=f"wo:{wo.id}:{action}:{seq}")
