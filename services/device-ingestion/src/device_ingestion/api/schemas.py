"""Request and response models of the management API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from device_ingestion.domain.firmware import state_words
from sc_core.schema import JsonObject

Id = Field(min_length=1, max_length=64)
# issue 19 item 2: a new device or profile may leave the community out (api/places.py)
DEFAULTED = "Default: the one community the caller manages devices in"


class Place(BaseModel):
    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class DeviceCreate(Place):
    model_config = ConfigDict(extra="forbid")
    community_id: str | None = Field(  # type: ignore[assignment]
        default=None, min_length=1, max_length=64, description=DEFAULTED
    )
    name: str = Field(min_length=1, max_length=128)
    label: str | None = Field(default=None, max_length=256)
    device_type: str = Field(min_length=1, max_length=64)
    inactivity_timeout_s: int | None = Field(default=None, ge=10, le=30 * 86400)
    # gates and door controllers: the door or gate id passages name (identity's door id);
    # unset = the device's own id
    door_id: str | None = Field(default=None, min_length=1, max_length=64)
    # a meter's number at its utility company (表号): the utility's readings come in by it
    meter_no: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The utility company's meter number (表号) of a water, electricity or "
        "gas meter: its readings come in by it (POST /api/v1/utility-readings)",
    )


class DeviceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str | None = Field(default=None, max_length=256)
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    inactivity_timeout_s: int | None = Field(default=None, ge=10, le=30 * 86400)
    door_id: str | None = Field(default=None, min_length=1, max_length=64)
    # a meter's number at its utility company (表号): the utility's readings come in by it
    meter_no: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The utility company's meter number (表号) of a water, electricity or "
        "gas meter: its readings come in by it (POST /api/v1/utility-readings)",
    )
    shared_attributes: JsonObject | None = None


class Label(BaseModel):
    """Words for people, zh-CN first."""

    zh_CN: str = Field(serialization_alias="zh-CN", validation_alias="zh-CN")
    en: str


class DeviceRead(Place):
    id: uuid.UUID
    name: str
    label: str | None
    device_type: str
    inactivity_timeout_s: int | None
    door_id: str | None = None
    meter_no: str | None = None
    status: Literal["online", "offline"]
    last_activity_at: datetime | None
    status_changed_at: datetime | None
    attributes: dict[str, Any]
    shared_attributes: dict[str, Any]
    provisioned_by: str | None
    created_at: datetime
    updated_at: datetime
    firmware_id: uuid.UUID | None = Field(
        default=None, description="A firmware package assigned to this device itself"
    )
    fw_state: str | None = Field(
        default=None,
        description="The firmware state the device last reported (fw_state telemetry) for the "
        "package it is to run; null: none yet (QUEUED)",
    )
    fw_error: str | None = Field(default=None, description="Why it FAILED, as the device said")
    fw_state_at: datetime | None = None

    @computed_field(description="The firmware state in words, zh-CN first")  # type: ignore[prop-decorator]
    @property
    def fw_state_text(self) -> Label:
        words = state_words(self.fw_state, "fw_title" in self.shared_attributes)
        return Label.model_validate({"zh-CN": words[0], "en": words[1]})


class DeviceWithToken(DeviceRead):
    access_token: str = Field(description="The device's access token; shown only this once")


class KeyRead(BaseModel):
    name: str
    type: str
    unit: str | None
    min: float | None
    max: float | None
    enum: list[str] | None
    max_length: int | None
    fiware: str | None


class DeviceTypeRead(BaseModel):
    name: str
    category: str
    description: str
    inactivity_timeout_s: int
    energy: str | None
    counter: str | None
    commands: list[str] | None
    keys: list[KeyRead]
    strict: bool = Field(
        default=False,
        description="true: keys the type does not declare are refused (reading.unknown_key); "
        "false: they are kept as unvalidated extra keys",
    )


class ProfileCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=128)
    device_type: str = Field(min_length=1, max_length=64)
    community_id: str | None = Field(
        default=None, min_length=1, max_length=64, description=DEFAULTED
    )
    building_id: str | None = Field(default=None, max_length=64)


class ProfileRead(BaseModel):
    key: str
    name: str
    device_type: str
    community_id: str
    building_id: str | None
    enabled: bool
    created_at: datetime


class ProfileWithSecret(ProfileRead):
    secret: str = Field(description="provisionDeviceSecret; shown only this once")


EnergyScope = Literal["community", "building", "unit", "household"]


class Bucket(BaseModel):
    start: datetime
    consumption: float


class EnergyStats(BaseModel):
    kind: str
    scope: EnergyScope
    id: str
    period: str
    unit: str | None
    meters: int
    total: float
    timezone: str = Field(default="Asia/Shanghai", description="The zone of the bucket starts")
    buckets: list[Bucket]


class DeviceClaim(BaseModel):
    """A person claims a device with the secret it announced (ThingsBoard's claiming)."""

    model_config = ConfigDict(extra="forbid")
    device_name: str = Field(min_length=1, max_length=128)
    secret_key: str = Field(max_length=128)
    household_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the household the device joins; default the caller's only household",
    )


class DeviceClaimed(BaseModel):
    id: uuid.UUID
    name: str
    label: str | None
    device_type: str
    community_id: str
    household_id: str | None


class FirmwareRead(BaseModel):
    id: uuid.UUID
    community_id: str
    device_type: str
    title: str
    version: str
    checksum_algorithm: str
    checksum: str
    size: int
    uploaded_by: str
    created_at: datetime


class FirmwareAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device_ids: list[uuid.UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="These devices (of the package's type and community); absent: the whole "
        "device type in the package's community (devices without a package of their own)",
    )


class FirmwareAssigned(BaseModel):
    firmware_id: uuid.UUID
    devices: int = Field(description="How many devices were told of the package")


class StateCount(BaseModel):
    state: str
    text: Label
    devices: int


class FirmwareRollout(BaseModel):
    firmware_id: uuid.UUID
    title: str
    version: str
    devices: int = Field(description="Devices that are to run the package (in the caller's places)")
    states: list[StateCount] = Field(description="Devices in each state, every state listed")
