"""Who hears what at an alteration request's step (装修/改建申请, 6.5.2 d), through the
notification service (:func:`gov_affairs.usecases.outbound.tell_accounts`): the applicant
that it was submitted, approved or refused, that the works started and the inspection is
due, what the inspection found, that the file is archived; the approvers (everyone given a
task on the request's approval run) the same outcomes, and each signer their task when it
opens, a reminder before its due time and (the sweep) the works' planned end. Texts are in
:mod:`gov_affairs.domain.alteration_messages`; each message is asked for once (its ``once``
names the request, the message and the round)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from gov_affairs.db.alterations import AlterationRow
from gov_affairs.db.models import PLACES
from gov_affairs.domain import alterations as d
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.usecases.outbound import tell_accounts
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places, say_both

# the status a step reaches -> what the applicant and the approvers are told
_OUTCOMES = {
    "approved": "gov.alteration.approved",
    "rejected": "gov.alteration.rejected",
    "in_works": "gov.alteration.inspection_due",
    "rectifying": "gov.alteration.rectify",
    "inspected": "gov.alteration.inspected",
    "archived": "gov.alteration.archived",
}


def approvers(run: engine.Approval, step: str | None = None) -> list[str]:
    """Everyone given a task on the run (or on one step of it), in order, once."""
    found = [
        t.assignee
        for s in run.steps
        if step is None or s.key == step
        for t in s.tasks
        if t.status not in ("cancelled", "delegated")
    ]
    return list(dict.fromkeys(found))


def _due(at: datetime | None) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if at else "—"


async def words(uow: UnitOfWork, row: AlterationRow, a: d.Alteration) -> dict[str, str]:
    """The room and the kind of work as people say them, in both languages."""
    place, place_en = say_both(
        await Places(PLACES).name_of(
            uow,
            community_id=row.community_id,
            building_id=row.building_id,
            unit_id=row.unit_id,
            room_id=row.room_id,
        )
    )
    kind = d.KINDS[a.kind]
    return {"place": place, "place_en": place_en, "kind": kind.zh, "kind_en": kind.en}


async def tell(
    uow: UnitOfWork,
    row: AlterationRow,
    a: d.Alteration,
    to: Sequence[str],
    template: str,
    once: str,
    **more: str,
) -> None:
    if not to:
        return
    await tell_accounts(
        uow,
        to=list(to),
        template=template,
        variables={**await words(uow, row, a), **more},
        community_id=row.community_id,
        correlation_id=str(row.id),
        once=f"{row.id}:{once}",
    )


async def tell_effects(
    uow: UnitOfWork,
    row: AlterationRow,
    a: d.Alteration,
    effects: Sequence[engine.Effect],
) -> None:
    """Each signer hears of their task when it opens, and once before its due time."""
    for e in effects:
        if isinstance(e, engine.TasksOpened | engine.Reminded | engine.Escalated):
            to = e.to if isinstance(e, engine.Escalated) else e.assignees
            template = (
                "gov.alteration.reminder"
                if isinstance(e, engine.Reminded)
                else "gov.alteration.task"
            )
            name = d.FLOW.step(e.step).name
            await tell(
                uow,
                row,
                a,
                to,
                template,
                f"{template}:{e.step}:{e.due_at}:{sorted(to)}",
                step=name.zh,
                step_en=name.en,
                due=_due(e.due_at),
            )


async def tell_step(
    uow: UnitOfWork,
    row: AlterationRow,
    before: str | None,
    after: d.Alteration,
    run: engine.Approval,
    actor: str,
    *,
    comment: str = "",
    effects: Sequence[engine.Effect] = (),
) -> None:
    """What a step tells the applicant, the approvers and the signers whose task it opens;
    ``before`` is the status before the step (None: the request was just made)."""
    await tell_effects(uow, row, after, effects)
    others = [x for x in approvers(run) if x != actor]
    if before is None and after.status == "submitted":
        active = run.active()
        name = d.FLOW.step(active.key).name if active else d.FLOW.steps[0].name
        await tell(
            uow,
            row,
            after,
            [row.applicant_id],
            "gov.alteration.submitted",
            "submitted",
            step=name.zh,
            step_en=name.en,
        )
        return
    if after.status == before and after.status != "rectifying":  # a new failed one is news
        return
    if after.status == "withdrawn":
        await tell(uow, row, after, others, "gov.alteration.withdrawn", "withdrawn")
        return
    template = _OUTCOMES.get(after.status)
    if template is None:
        return
    if after.status in ("in_works", "rectifying", "inspected"):
        # the works are the property's to inspect: its signers, not the community's
        others = [x for x in approvers(run, "property") if x != actor]
    more: dict[str, str] = {}
    if after.status == "approved":
        more["date"] = after.planned_start.isoformat()
    elif after.status == "in_works":
        more["date"] = after.planned_end.isoformat()
    elif after.status == "rejected":
        more["reason"] = comment
    elif after.status == "rectifying":
        more["note"] = after.inspections[-1].findings
    await tell(
        uow,
        row,
        after,
        [row.applicant_id, *others],
        template,
        f"{template}:{len(after.inspections)}",
        **more,
    )


async def tell_works_ending(
    uow: UnitOfWork, row: AlterationRow, a: d.Alteration, run: engine.Approval, today: date
) -> None:
    """The applicant and the property's signers, before the works' planned end."""
    await tell(
        uow,
        row,
        a,
        [row.applicant_id, *approvers(run, "property")],
        "gov.alteration.works_ending",
        f"works_ending:{a.planned_end}",
        date=a.planned_end.isoformat(),
        days=str((a.planned_end - today).days),
    )
