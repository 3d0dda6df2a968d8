"""Events of gov-affairs about legal services (法律服务, 6.5.4 c): community lawyers'
consultations booked, cancelled, called off, consulted, linked to a mediation case, rated."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class LegalBookingChangedV1(EventData):
    """A legal consultation booking took a step. Ids, codes and figures only: no resident,
    no question, no outcome, no comment (a legal matter is a person's own business)."""

    booking_id: str = Field(min_length=1, max_length=64, description="Booking id; the message key.")
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    lawyer_id: str = Field(min_length=1, max_length=64, description="The community lawyer's id.")
    slot_id: str = Field(min_length=1, max_length=64, description="The consultation slot's id.")
    action: str = Field(
        min_length=1,
        max_length=16,
        description="booked, cancelled (by the resident or the office), withdrawn (the office"
        " withdrew the slot or the lawyer), consulted (the outcome recorded), case_linked (a"
        " mediation case) or rated.",
    )
    status: str = Field(
        min_length=1, max_length=16, description="booked, cancelled or done (after it)."
    )
    topic: str = Field(
        min_length=1,
        max_length=24,
        description="The matter's code (family, labour, neighbours ...).",
    )
    starts_at: AwareDatetime = Field(description="When the consultation starts.")
    fee_fen: int = Field(ge=0, le=100_000_000, description="Its fee in fen (0: free).")
    case_id: str | None = Field(
        default=None, max_length=64, description="The mediation work order it went on to."
    )
    rating: int | None = Field(
        default=None, ge=1, le=5, description="On rated: the resident's stars, 1 to 5."
    )
    occurred_at: AwareDatetime = Field(description="When.")
