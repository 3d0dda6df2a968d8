"""What gov-affairs tells people about activities: the announced activity to its audience,
the reminder the day before to everyone with a place (the first waiting moved up is
``usecases.activities``' own message)."""

from __future__ import annotations

import hashlib

from gov_affairs.db.votes import ActivityRow
from gov_affairs.domain import activities as d
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.messages import both
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.db.uow import UnitOfWork

AUDIENCE_ROLES = ("resident", "tenant", "family")


async def tell_announced(uow: UnitOfWork, row: ActivityRow, act: d.Activity) -> None:
    """The announced activity, told to the residents, tenants and family of its audience."""
    recipients = Recipients(
        roles_in_scope=[
            RoleInScope(role=role, scope_type=p.type, scope_id=p.id)
            for p in act.audience.places
            for role in AUDIENCE_ROLES
        ]
    )
    await tell(uow, row, act, "gov.activity.announced", recipients, f"{row.id}:announced")


async def tell(
    uow: UnitOfWork,
    row: ActivityRow,
    act: d.Activity,
    template: str,
    recipients: Recipients,
    once: str,
) -> None:
    at = act.starts_at.astimezone(CHINA)
    variables = {
        "title": act.title,
        "activity": act.title,
        "venue": act.venue,
        "capacity": str(act.capacity),
        "time": f"{at.month}月{at.day}日 {at:%H:%M}",
        "time_en": f"{at:%d %b %H:%M}",
    }
    key = "gov-" + hashlib.sha256(once.encode()).hexdigest()[:32]
    await uow.publish(
        NotificationRequestedV1(
            request_id=key,
            recipients=recipients,
            template=template,
            variables={**variables, **both(template, variables)},
            severity=NotificationSeverity.INFO,
            channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
            source_service="gov-affairs",
            community_id=row.community_id,
            correlation_id=str(row.id),
        ),
        key=key,
    )
