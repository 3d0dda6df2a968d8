"""Case types (data, admin-editable) and staff skills."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from work_orders.api.schemas.common import Ident, PlaceId, Priority


class SlaMinutes(BaseModel):
    response: int = Field(ge=1, le=60 * 24 * 90)
    resolution: int = Field(ge=1, le=60 * 24 * 365)


class CaseTypeWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    name_zh: str = Field(min_length=1, max_length=100)
    creator_roles: list[Ident] = Field(min_length=1, max_length=20)
    default_priority: Priority
    sla: dict[Priority, SlaMinutes] = Field(max_length=4)
    skills: list[Ident] = Field(default_factory=list, max_length=20)
    needs_external_ref: bool = False
    active: bool = True


class CaseTypeRead(CaseTypeWrite):
    code: str
    updated_at: datetime
    can_create: bool = Field(
        default=False,
        description="Whether the caller's roles may open a case of this type (an active type "
        "whose creator_roles hold one of them); `?creatable=true` lists only these",
    )


class StaffSkillWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: PlaceId
    display_name: str | None = Field(default=None, max_length=100)
    skills: list[Ident] = Field(max_length=20)
    building_ids: list[PlaceId] = Field(default_factory=list, max_length=200)
    active: bool = True


class StaffSkillRead(StaffSkillWrite):
    user_id: str
