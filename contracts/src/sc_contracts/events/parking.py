"""Parking (停车): gate decisions and parking sessions, from parking-payment."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class GateDirection(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class GateAction(StrEnum):
    """What the gate did with the car."""

    PASS = "pass"  # noqa: S105 - the barrier lifts, not a secret
    PAY = "pay"
    REFUSE = "refuse"


class ParkingPassageDecidedV1(EventData):
    """An ANPR camera (or the desk, or a plate-less QR) read a car at a gate and the gate
    decided. The plate is personal data: desensitise before it leaves the platform."""

    passage_id: str = Field(
        max_length=64, min_length=1, description="Unique id; consumers dedupe on it."
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community of the car park.")
    lot_id: str = Field(max_length=64, min_length=1, description="Car park (message key).")
    gate_id: str = Field(max_length=64, min_length=1, description="Gate that read the car.")
    direction: GateDirection = Field(description="Entry or exit.")
    plate: str | None = Field(
        max_length=16, default=None, description="Plate read; none for plate-less cars."
    )
    action: GateAction = Field(description="Pass (barrier opened), pay or refuse.")
    reason: str = Field(
        max_length=32, min_length=1, description="Stable reason, e.g. entry_monthly, exit_due."
    )
    due_fen: int = Field(default=0, ge=0, description="Amount to pay before leaving, in fen.")
    session_id: str | None = Field(
        max_length=64, default=None, description="Parking session concerned."
    )
    watch_reason: str | None = Field(
        max_length=16,
        default=None,
        description="blacklist, stolen or unpaid when the plate is watched.",
    )
    at: AwareDatetime = Field(description="When the camera read the plate.")


class ParkingSessionClosedV1(EventData):
    """A car left a car park: its stay, fee and what was paid."""

    session_id: str = Field(
        max_length=64, min_length=1, description="Parking session (message key)."
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community of the car park.")
    lot_id: str = Field(max_length=64, min_length=1, description="Car park.")
    plate: str | None = Field(
        max_length=16, default=None, description="Plate; none for plate-less cars."
    )
    kind: str = Field(
        max_length=16, min_length=1, description="monthly, owner_permanent, visitor, temporary."
    )
    entry_at: AwareDatetime = Field(description="Entry time.")
    exit_at: AwareDatetime = Field(description="Exit time.")
    minutes: int = Field(ge=0, description="Length of the stay in whole minutes.")
    fee_fen: int = Field(ge=0, description="Fee of the whole stay, in fen.")
    paid_fen: int = Field(ge=0, description="Paid for the stay, in fen.")
