"""Bookings follow their cases (6.4 a): work-orders' events on ``workorder.events.v1``
move a booking to its maintenance case's state and record the resident's rating. Called
from the consumer in its unit of work (the inbox skips a redelivered event by its id);
a step older than the one the booking shows changes nothing, so a late or repeated event
never moves a booking back."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from commerce.db.models import Booking
from commerce.domain import bookings as rules
from sc_contracts.events import WorkOrderChangedV1, WorkOrderRatedV1
from sc_core.db.uow import UnitOfWork


class BookingCases:
    async def on_changed(self, uow: UnitOfWork, event: WorkOrderChangedV1) -> bool:
        """A step of a case: the booking it was opened from (its external reference)
        follows it. Other cases, and bookings this service does not know, are skipped."""
        if event.case_type != rules.BOOKING_CASE_TYPE or not event.external_ref:
            return False
        try:
            booking_id = uuid.UUID(event.external_ref)
        except ValueError:
            return False
        b = await uow.session.scalar(
            select(Booking)
            .where(Booking.id == booking_id, Booking.community_id == event.community_id)
            .with_for_update()
        )
        if b is None:
            return False
        b.work_order_id = event.work_order_id
        if not rules.newer(event.occurred_at, b.status_at):
            return False
        b.status = rules.status_of(event.status)
        b.status_at = event.occurred_at
        return True

    async def on_rated(self, uow: UnitOfWork, event: WorkOrderRatedV1) -> bool:
        """The resident rated the case: the booking shows the rating (the latest one)."""
        if event.case_type != rules.BOOKING_CASE_TYPE:
            return False
        b = await uow.session.scalar(
            select(Booking).where(Booking.work_order_id == event.work_order_id).with_for_update()
        )
        if b is None or (b.rated_at is not None and event.rated_at < b.rated_at):
            return False
        b.rating, b.rating_comment, b.rated_at = event.rating, event.comment, event.rated_at
        return True
