"""The office's hold on its legal services (法律服务, 6.5.4 c): deactivate and reactivate a
lawyer, withdraw a consultation slot still to come. A live booking of what is called off is
cancelled and its resident told why, in words (``usecases/legal_roster.py``)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gov_affairs.api.deps import LegalRosterDep
from gov_affairs.api.legal import LegalLawyerRead, LegalSlotRead, _lawyer, _slot
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/legal", tags=["legal"])


class LegalLawyerDeactivated(BaseModel):
    lawyer: LegalLawyerRead
    bookings_cancelled: int = Field(description="live bookings called off, each resident told")


class LegalSlotWithdrawn(BaseModel):
    slot: LegalSlotRead
    bookings_cancelled: int = Field(description="0, or 1 when a resident had booked it")


@router.post(
    "/lawyers/{lawyer_id}/deactivate",
    summary="Deactivate a lawyer (the office): their slots to come withdrawn, bookers told",
)
async def deactivate(
    lawyer_id: uuid.UUID, who: CurrentCaller, roster: LegalRosterDep
) -> LegalLawyerDeactivated:
    """403 ``legal.not_office``; 404 ``legal.lawyer_not_found``; 409
    ``legal.lawyer_inactive`` when deactivated already."""
    lawyer, cancelled = await roster.deactivate(who, lawyer_id)
    return LegalLawyerDeactivated(lawyer=_lawyer(lawyer), bookings_cancelled=cancelled)


@router.post("/lawyers/{lawyer_id}/reactivate", summary="Reactivate a lawyer (the office)")
async def reactivate(
    lawyer_id: uuid.UUID, who: CurrentCaller, roster: LegalRosterDep
) -> LegalLawyerRead:
    """409 ``legal.lawyer_active`` when the lawyer serves already. Withdrawn slots stay
    withdrawn: the office publishes new times."""
    return _lawyer(await roster.reactivate(who, lawyer_id))


@router.post(
    "/slots/{slot_id}/withdraw",
    summary="Withdraw a consultation slot to come (the office); a booking of it cancelled",
)
async def withdraw(
    slot_id: uuid.UUID, who: CurrentCaller, roster: LegalRosterDep
) -> LegalSlotWithdrawn:
    """403 ``legal.not_office``; 404 ``legal.slot_not_found``; 409 ``legal.slot_withdrawn``
    or ``legal.slot_past``."""
    view, cancelled = await roster.withdraw(who, slot_id)
    return LegalSlotWithdrawn(slot=_slot(view), bookings_cancelled=cancelled)
