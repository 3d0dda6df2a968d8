"""The desk's copy of a residence-permit reminder (居住证到期提醒): when the daily sweep
reminds a holder that their permit ends soon, the community's grid workers hear it too, by
the holder's masked name, the permit's number and the flat as people say it. A holder the
desk registered without a platform account (the console's 居住登记 never links one) is
then reminded in person; no ID number or phone leaves the service."""

from __future__ import annotations

import hashlib

from gov_affairs.db.migrants import MigrantRow, PermitRow
from gov_affairs.db.models import PLACES
from gov_affairs.domain.certificates import mask_name
from gov_affairs.domain.messages import both
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places
from sc_core.places.words import say_both

TEMPLATE = "gov.permit.desk_reminder"


async def tell_desk(
    uow: UnitOfWork, row: MigrantRow, permit: PermitRow, days: int, once: str
) -> None:
    """Ask the notification service to tell the community's grid workers; ``once`` is the
    reminder's key (the permit's end and the offset), so a retried sweep asks once."""
    place, place_en = say_both(
        await Places(PLACES).name_of(
            uow, community_id=row.community_id, building_id=row.building_id, room_id=row.room_id
        )
    )
    holder = mask_name(row.name)
    variables = {
        "holder": holder,
        "holder_en": holder,
        "place": place,
        "place_en": place_en,
        "number": permit.number or "—",
        "valid_until": permit.valid_until.isoformat() if permit.valid_until else "—",
        "days": str(days),
    }
    key = "gov-" + hashlib.sha256(f"{permit.id}:{TEMPLATE}:{once}".encode()).hexdigest()[:32]
    await uow.publish(
        NotificationRequestedV1(
            request_id=key,
            recipients=Recipients(
                roles_in_scope=[
                    RoleInScope(
                        role="grid_worker", scope_type="community", scope_id=row.community_id
                    )
                ]
            ),
            template=TEMPLATE,
            variables={**variables, **both(TEMPLATE, variables)},
            severity=NotificationSeverity.INFO,
            channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
            source_service="gov-affairs",
            community_id=row.community_id,
            correlation_id=str(permit.id),
        ),
        key=key,
    )
