"""Each step of a legal consultation booking as ``LegalBookingChangedV1`` on ``gov.legal.v1``
(6.5.4 c), for integrators and the evaluation of legal services: ids, codes, times, the fee
and the stars; never the resident, the question, the outcome or a comment."""

from __future__ import annotations

from datetime import datetime

from gov_affairs.db.legal import LegalBookingRow
from sc_contracts.events import LegalBookingChangedV1
from sc_core.db.uow import UnitOfWork


async def booking_changed(uow: UnitOfWork, row: LegalBookingRow, action: str, at: datetime) -> None:
    """Publish the booking's state after ``action`` in the step's unit of work (outbox)."""
    await uow.publish(
        LegalBookingChangedV1(
            booking_id=str(row.id),
            community_id=row.community_id,
            lawyer_id=str(row.lawyer_id),
            slot_id=str(row.slot_id),
            action=action,
            status=row.status,
            topic=row.topic,
            starts_at=row.starts_at,
            fee_fen=row.fee_fen,
            case_id=row.case_id,
            rating=row.rating if action == "rated" else None,
            occurred_at=at,
        ),
        key=str(row.id),
    )
