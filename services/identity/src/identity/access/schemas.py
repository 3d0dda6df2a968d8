"""Bodies of the door, visitor-pass and passage endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sc_core.privacy import Sensitive
from sc_core.schema import Instant
from sc_core.validators import MobileNumber


class DoorCreate(BaseModel):
    community_id: uuid.UUID
    building_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["gate", "building", "unit"]
    device_id: str = Field(min_length=1, max_length=64, description="The device that opens it.")


class DoorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID | None
    unit_id: uuid.UUID | None
    name: str
    kind: str
    device_id: str
    created_at: datetime


class DoorOpen(BaseModel):
    method: Literal["app", "mini_program", "qr"] = "app"
    qr_payload: str | None = Field(
        default=None, min_length=10, max_length=4096, description="A visitor pass shown as QR."
    )


class DoorOpened(BaseModel):
    command_id: uuid.UUID
    door_id: uuid.UUID
    device_id: str
    method: str
    expires_at: datetime


class PassCreate(BaseModel):
    household_id: uuid.UUID
    visitor_name: str = Field(min_length=1, max_length=100)
    visitor_phone: MobileNumber | None = None
    plate: str | None = Field(default=None, min_length=2, max_length=16)
    valid_from: Instant | None = Field(default=None, description="Default: now.")
    valid_until: Instant
    max_uses: int | None = Field(default=None, ge=1, le=100)


class PassRead(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    household_id: uuid.UUID
    host_account_id: uuid.UUID
    visitor_name: Annotated[str, Sensitive("name")]
    visitor_phone: Annotated[str | None, Sensitive("mobile")] = None
    plate: Annotated[str | None, Sensitive("plate")] = None
    valid_from: datetime
    valid_until: datetime
    max_uses: int | None
    uses: int
    status: Literal["active", "not_yet_valid", "expired", "used_up", "revoked"]
    qr_payload: str | None = Field(
        default=None, description="Signed pass to show as a QR code (to its host only)."
    )


class PassVerify(BaseModel):
    qr_payload: str = Field(min_length=10, max_length=4096)
    door_id: uuid.UUID | None = Field(
        default=None,
        description="The door the visitor stands at: a valid pass then uses one use and the "
        "door opens (no account needed). Without it the pass is only checked.",
    )


class PassVerification(BaseModel):
    valid: bool
    reason: str | None = Field(default=None, description="Why not, when not valid.")
    pass_id: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    visitor_name: Annotated[str | None, Sensitive("name")] = None
    valid_until: datetime | None = None
    uses_left: int | None = Field(default=None, description="None: unlimited.")
    opened: DoorOpened | None = Field(
        default=None, description="The door-open command, when verified at a door."
    )


class PassageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    device_id: str
    door_id: str | None
    community_id: str
    person_id: uuid.UUID | None
    face_id: Annotated[str | None, Sensitive("face_id")] = None
    card_no: Annotated[str | None, Sensitive("id_number")] = None
    plate: Annotated[str | None, Sensitive("plate")] = None
    pass_id: str | None
    direction: str
    method: str
    granted: bool = Field(description="False when the door refused the attempt.")
    occurred_at: datetime
