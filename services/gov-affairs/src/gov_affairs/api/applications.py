"""Applications to the hall: apply, add material, resubmit, sign, withdraw, read."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter

from gov_affairs.api import views
from gov_affairs.api.deps import HallDep
from gov_affairs.api.schemas import (
    ApplicationCreate,
    ApplicationRead,
    Attach,
    Resubmit,
    StepBody,
    Withdraw,
)
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/hall/applications", tags=["service hall"])


@router.post("", status_code=201, summary="Apply for a service")
async def apply(body: ApplicationCreate, who: CurrentCaller, hall: HallDep) -> ApplicationRead:
    found = await hall.submit(who, body.item_code, body.household_id, body.data, body.materials)
    return views.application(found, reveal=True, certificate_id=found.certificate_id)


@router.get("/{application_id}", summary="One application, its steps and requests")
async def read(application_id: uuid.UUID, who: CurrentCaller, hall: HallDep) -> ApplicationRead:
    found = await hall.get(who, application_id)
    reveal = who.subject == found.row.applicant_id
    return views.application(found, reveal=reveal, certificate_id=found.certificate_id)


@router.post("/{application_id}/materials", summary="Add files to a material that was asked for")
async def attach(
    application_id: uuid.UUID, body: Attach, who: CurrentCaller, hall: HallDep
) -> ApplicationRead:
    found = await hall.attach(who, application_id, body.material, body.files)
    return views.application(found, reveal=True)


@router.post("/{application_id}/resubmit", summary="Resubmit after adding what was asked for")
async def resubmit(
    application_id: uuid.UUID, who: CurrentCaller, hall: HallDep, body: Resubmit | None = None
) -> ApplicationRead:
    found = await hall.resubmit(who, application_id, (body or Resubmit()).data)
    return views.application(found, reveal=True, certificate_id=found.certificate_id)


@router.post("/{application_id}/withdraw", summary="Withdraw the application")
async def withdraw(
    application_id: uuid.UUID, who: CurrentCaller, hall: HallDep, body: Withdraw | None = None
) -> ApplicationRead:
    found = await hall.withdraw(who, application_id, (body or Withdraw()).reason)
    return views.application(found, reveal=True)


@router.post(
    "/{application_id}/{action}", summary="A signer approves, rejects, delegates or asks for more"
)
async def step(
    application_id: uuid.UUID,
    action: Literal["approve", "reject", "delegate", "request-more"],
    who: CurrentCaller,
    hall: HallDep,
    body: StepBody | None = None,
) -> ApplicationRead:
    b = body or StepBody()
    verb: Literal["approve", "reject", "delegate", "request_more"] = (
        "request_more" if action == "request-more" else action
    )
    found = await hall.act(
        who, application_id, verb, comment=b.comment, to=b.to, materials=b.materials
    )
    return views.application(found, reveal=False, certificate_id=found.certificate_id)
