"""What the hall tells others: the contract event of an application's step, and the
notifications its effects call for (through the notification service)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from gov_affairs.db.models import PLACES, ApplicationRow
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.hall import applications as dom
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.domain.messages import both
from gov_affairs.domain.text import Text
from sc_contracts.events import (
    ApplicationChangedV1,
    ApplicationStatus,
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
)
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places, say_both


def application_event(
    row: ApplicationRow, action: str, actor: str | None, now: datetime
) -> ApplicationChangedV1:
    return ApplicationChangedV1(
        application_id=str(row.id),
        number=row.number,
        item_code=row.item_code,
        item_version=row.item_version,
        community_id=row.community_id,
        building_id=row.building_id,
        grid_id=row.grid_id,
        applicant_id=row.applicant_id,
        action=action,
        status=ApplicationStatus(row.status),
        instant=row.instant,
        actor_id=actor,
        occurred_at=now,
    )


def _due(at: datetime | None) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if at else "—"


async def notify(
    uow: UnitOfWork,
    row: ApplicationRow,
    item: ServiceItem,
    effect: object,
    now: datetime,
    *,
    code: str = "",
) -> None:
    """One notification per effect that someone must hear about (idempotent by request id);
    an approval carries the certificate's code, handed to the applicant here only."""
    # the applicant's flat as people say it (幸福里社区 1号楼1单元101室), never empty or an id
    place, place_en = say_both(
        await Places(PLACES).name_of(
            uow,
            community_id=row.community_id,
            building_id=row.building_id,
            unit_id=row.unit_id,
            room_id=row.room_id,
        )
    )
    names = {
        "item": item.name.zh,
        "item_en": item.name.en,
        "place": place,
        "place_en": place_en,
        "code": code or "—",
    }
    to: list[str] = []
    template = ""
    variables = dict(names)
    severity = NotificationSeverity.INFO
    if isinstance(effect, engine.TasksOpened):
        to, template = list(effect.assignees), "gov.approval.task"
        variables["due"] = _due(effect.due_at)
    elif isinstance(effect, engine.Reminded):
        to, template = list(effect.assignees), "gov.approval.reminder"
        variables["due"] = _due(effect.due_at)
        severity = NotificationSeverity.WARNING
    elif isinstance(effect, engine.Escalated) and effect.to:
        to, template = list(effect.to), "gov.approval.escalated"
        variables["due"] = _due(effect.due_at)
        severity = NotificationSeverity.WARNING
    elif isinstance(effect, dom.MoreRequested):
        to, template = [row.applicant_id], "gov.application.more_requested"
        variables.update(
            materials="、".join(_material(item, c).zh for c in effect.materials),
            materials_en=", ".join(_material(item, c).en for c in effect.materials),
            note=effect.note.zh if effect.by != dom.SYSTEM else "",
            note_en=effect.note.en if effect.by != dom.SYSTEM else "",
        )
    elif isinstance(effect, dom.Decided) and effect.outcome in {"approved", "rejected"}:
        to = [row.applicant_id]
        template = f"gov.application.{effect.outcome}"
        variables.update(result="", result_en="", reason="")
    if not to or not template:
        return
    texts = both(template, variables)
    digest = hashlib.sha256(f"{row.id}:{template}:{sorted(to)}:{row.version}".encode()).hexdigest()[
        :32
    ]
    await uow.publish(
        NotificationRequestedV1(
            request_id=f"gov-{digest}",
            recipients=Recipients(user_ids=sorted(set(to))),
            template=template,
            variables={**variables, **texts},
            severity=severity,
            channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
            source_service="gov-affairs",
            community_id=row.community_id,
            correlation_id=str(row.id),
        ),
        key=f"gov-{digest}",
    )


def _material(item: ServiceItem, code: str) -> Text:
    m = item.material(code)
    return m.name if m else Text(zh=code, en=code)


IN_APP_AND_PUSH = (NotificationChannel.INAPP, NotificationChannel.PUSH)


async def tell_accounts(
    uow: UnitOfWork,
    *,
    to: list[str],
    template: str,
    variables: dict[str, str],
    community_id: str,
    correlation_id: str,
    once: str,
    channels: tuple[NotificationChannel, ...] = (
        NotificationChannel.INAPP,
        NotificationChannel.PUSH,
    ),
) -> None:
    """Ask the notification service to tell these accounts ``template`` in both languages;
    ``once`` names the message, so a retried step asks once (the request id is its digest)."""
    digest = hashlib.sha256(once.encode()).hexdigest()[:32]
    await uow.publish(
        NotificationRequestedV1(
            request_id=f"gov-{digest}",
            recipients=Recipients(user_ids=sorted(set(to))),
            template=template,
            variables={**variables, **both(template, variables)},
            severity=NotificationSeverity.INFO,
            channels=list(channels),
            source_service="gov-affairs",
            community_id=community_id,
            correlation_id=correlation_id,
        ),
        key=f"gov-{digest}",
    )
