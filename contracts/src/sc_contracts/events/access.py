"""People and vehicles passing doors and gates (access control records)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class PassageDirection(StrEnum):
    """Which way the passage went."""

    IN = "in"
    OUT = "out"
    UNKNOWN = "unknown"


class PassageMethod(StrEnum):
    """How the person or vehicle was recognised."""

    FACE = "face"
    CARD = "card"
    QR = "qr"
    PLATE = "plate"
    APP = "app"
    PASSWORD = "password"  # noqa: S105 - a keypad code, not a secret
    OTHER = "other"


class PassageRecordedV1(EventData):
    """Someone (or a vehicle) passed a door or gate, or was refused there (``granted``)."""

    passage_id: str = Field(
        max_length=64, min_length=1, description="Unique id; consumers dedupe on it."
    )
    device_id: str = Field(
        max_length=64, min_length=1, description="Reader or camera (message key)."
    )
    door_id: str | None = Field(
        max_length=64, default=None, description="Door or gate id in identity."
    )
    community_id: str = Field(
        max_length=64, min_length=1, description="Community of the door or gate."
    )
    direction: PassageDirection = Field(description="In, out or unknown.")
    method: PassageMethod = Field(description="How the passer was recognised.")
    ts: AwareDatetime = Field(description="When the passage happened.")
    face_id: str | None = Field(
        max_length=128, default=None, description="Face template id matched by the device, if any."
    )
    card_no: str | None = Field(
        max_length=64, default=None, description="Access card number, if any."
    )
    plate: str | None = Field(max_length=16, default=None, description="Vehicle plate, if any.")
    person_id: str | None = Field(
        max_length=64, default=None, description="Person id in identity when the device knows it."
    )
    pass_id: str | None = Field(
        max_length=64, default=None, description="Visitor pass id for a QR passage."
    )
    granted: bool = Field(
        default=True,
        description="False when the device refused the attempt (an unknown face, a card "
        "not allowed): every attempt is recorded.",
    )
