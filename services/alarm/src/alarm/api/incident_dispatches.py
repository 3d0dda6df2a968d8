"""An incident's dispatches to departments (multi-department linkage, 6.1.1 c): routed by
register readers, answered by the department's officers (the community's roster) or by
register staff on its behalf."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from alarm.api.deps import DispatchAnswerer, IncidentsDep, RegisterReader
from alarm.api.registers import DispatchBody, DispatchUpdate
from alarm.db.registers import IncidentDispatch

router = APIRouter(tags=["safety registers"])


def dispatch_view(d: IncidentDispatch) -> dict[str, Any]:
    return {
        "id": str(d.id),
        "incident_id": str(d.incident_id),
        "department": d.department,
        "status": d.status,
        "response": d.response,
        "responses": list(d.responses or []),
        "updated_at": d.updated_at.isoformat(),
        "updated_by": d.updated_by,
    }


@router.post("/api/v1/incidents/{incident_id}/dispatches", status_code=201)
async def route_incident(
    incident_id: uuid.UUID, body: DispatchBody, who: RegisterReader, incidents: IncidentsDep
) -> dict[str, Any]:
    """Route an incident to a department (multi-department linkage, 6.1.1 c)."""
    return dispatch_view(await incidents.route(who, incident_id, body.department))


@router.patch("/api/v1/incidents/{incident_id}/dispatches/{dispatch_id}")
async def track_dispatch(
    incident_id: uuid.UUID,
    dispatch_id: uuid.UUID,
    body: DispatchUpdate,
    who: DispatchAnswerer,
    incidents: IncidentsDep,
) -> dict[str, Any]:
    """The department a dispatch is addressed to answers it (its officers on the
    community's roster); register staff may record an answer on its behalf."""
    return dispatch_view(await incidents.answer(who, incident_id, dispatch_id, body))
