"""The incident register (6.1.1 b): incidents recorded, read (audited) and counted by
period and type by register readers in their places; corrected, never deleted."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from alarm.api.deps import (
    REGISTER_READERS,
    DispatchAnswerer,
    IncidentsDep,
    RegisterReader,
)
from alarm.api.editing import editable
from alarm.api.filters import IdFilter, InstantFilter
from alarm.api.incident_dispatches import dispatch_view
from alarm.api.registers import IncidentBody, IncidentFields, IncidentRead, IncidentRecord
from alarm.db.registers import Incident
from alarm.usecases.incidents import WRITER, IncidentSearch
from sc_core.api import Page, Paging
from sc_core.schema import Instant, TimeZoneName

router = APIRouter(tags=["safety registers"])


@router.post("/api/v1/incidents", status_code=201, response_model=IncidentRead)
async def record_incident(
    body: IncidentBody, who: RegisterReader, incidents: IncidentsDep
) -> IncidentRead:
    incident = await incidents.record(who, body)
    return IncidentRead.model_validate(incident, from_attributes=True)


@router.get("/api/v1/incidents", response_model=Page[IncidentRead])
async def list_incidents(
    who: RegisterReader,
    incidents: IncidentsDep,
    paging: Paging,
    incident_type: IdFilter = None,
    since: InstantFilter = None,
    until: InstantFilter = None,
) -> Page[IncidentRead]:
    search = IncidentSearch(incident_type, since, until)
    items, total = await incidents.page(who, search, paging)
    reads = [IncidentRead.model_validate(i, from_attributes=True) for i in items]
    return Page[IncidentRead].of(reads, total, paging)


@router.get("/api/v1/incidents/stats")
async def incident_stats(
    who: RegisterReader,
    incidents: IncidentsDep,
    since: Annotated[Instant, Query()],
    until: Annotated[Instant, Query()],
    period: Literal["day", "week", "month", "year"] = "month",
    timezone: Annotated[TimeZoneName, Query()] = "Asia/Shanghai",
) -> dict[str, Any]:
    """Incidents counted by period (in ``timezone``) and type (6.1.1 b)."""
    rows = await incidents.stats(who, since, until, period, timezone)
    return {
        "period": period,
        "timezone": timezone,
        "rows": [
            {"period": start.date().isoformat(), "incident_type": kind, "count": count}
            for start, kind, count in rows
        ],
    }


@router.get("/api/v1/incidents/{incident_id}", response_model=IncidentRead)
async def get_incident(
    incident_id: uuid.UUID, who: DispatchAnswerer, incidents: IncidentsDep
) -> IncidentRead:
    """An incident with its dispatches and their answers: to register readers of its
    place, and to the officers of a department it is routed to."""
    incident, dispatches = await incidents.get(who, incident_id)
    read = IncidentRead.model_validate(incident, from_attributes=True)
    read.dispatches = [dispatch_view(d) for d in dispatches]
    return read


# an incident record is corrected (type, time, place, account, measures taken), never
# deleted: it is the register of what happened, and every correction is audited
editable(
    router,
    "/api/v1/incidents",
    model=Incident,
    body=IncidentFields,
    read=lambda obj, _p: IncidentRecord.model_validate(obj, from_attributes=True),
    response_model=IncidentRecord,
    kind="incident",
    writers=REGISTER_READERS,
    check=WRITER,
    with_delete=False,
)
