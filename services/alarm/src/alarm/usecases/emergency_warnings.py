"""Warnings to residents, speakers and e-screens (6.1.4 c), sent through the notification
service: a notification request in the outbox, in the warning's own transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from alarm.api.emergency import LEVEL_SEVERITY, WarningBody
from alarm.db.emergency import EmergencyWarning
from alarm.db.models import DIRECTORY
from alarm.domain.access import EMERGENCY_WRITERS, ensure_place
from alarm.engine.notify import request as notification_request
from alarm.usecases.records import Records
from alarm.usecases.scope import public_scope
from sc_contracts.events.notification import Recipients, RoleInScope
from sc_core.api import PageParams
from sc_core.auth import Caller

RESIDENT_ROLES = ("resident", "tenant", "family")


def _audience(community_id: str, building_ids: list[str]) -> Recipients:
    """Residents hold household grants: a role in a place reaches every holder of it
    anywhere inside (the notification service resolves it with sc_core.places), so the
    audience is the residents of the community, or of the buildings named; the buildings
    also travel as a variable for speakers and screens to narrow to."""
    places = [("building", b) for b in building_ids] or [("community", community_id)]
    return Recipients(
        roles_in_scope=[
            RoleInScope(role=role, scope_type=scope_type, scope_id=scope_id)
            for scope_type, scope_id in places
            for role in RESIDENT_ROLES
        ]
    )


class EmergencyWarnings:
    def __init__(self, records: Records) -> None:
        self.records = records
        self.db = records.db

    async def warn(self, who: Caller, body: WarningBody) -> EmergencyWarning:
        """Warn residents (every household member holding a grant in the community, or in
        the buildings named) and the speakers and e-screens there. Left out, the community
        is the one the caller writes in (422 ``place.ambiguous`` / ``place.required``)."""
        async with self.db.uow() as uow:
            community_id = await DIRECTORY.default_community(
                uow, who.principal, body.community_id, roles=EMERGENCY_WRITERS
            )
            ensure_place(who.principal, community_id, allowed=EMERGENCY_WRITERS)
            warning = EmergencyWarning(
                id=uuid.uuid4(),
                issued_by=who.subject,
                created_at=datetime.now(UTC),
                **{**body.model_dump(), "community_id": community_id},
            )
            uow.session.add(warning)
            await notification_request(
                uow,
                request_id=f"warning:{warning.id}",
                recipients=_audience(community_id, body.building_ids),
                template="emergency.warning",
                variables={
                    "title": body.title,
                    "message": body.message,
                    "building_ids": ",".join(body.building_ids),
                },
                severity=LEVEL_SEVERITY[body.level],
                channels=list(body.channels),
                community_id=community_id,
                correlation_id=str(warning.id),
            )
            await uow.audit(
                who,
                "emergency_warning.create",
                "emergency_warning",
                str(warning.id),
                community_id=community_id,
            )
            await uow.commit()
        return warning

    async def warnings(
        self, who: Caller, community_id: str | None, paging: PageParams
    ) -> tuple[list[EmergencyWarning], int]:
        w = EmergencyWarning
        query = select(w).where(
            await public_scope(self.db, who.principal, w.community_id, community_id)
        )
        return await self.records.page(query.order_by(w.created_at.desc(), w.id), paging)
