"""Sign-up and requests to join a household: the API's models."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sc_core.privacy import Sensitive
from sc_core.schema import Day
from sc_core.validators import MobileNumber

Relation = Literal["owner", "family", "tenant"]
JoinStatus = Literal["pending", "approved", "rejected"]


class SignUp(BaseModel):
    """A new resident's account: the mobile number is the login name."""

    model_config = ConfigDict(extra="forbid")

    mobile: MobileNumber
    password: str = Field(min_length=8, max_length=256)
    display_name: str = Field(min_length=1, max_length=100, examples=["孙丽"])
    sms_code: str | None = Field(
        default=None,
        pattern=r"^\d{6}$",
        description="The SMS code sent to the mobile (POST /api/v1/auth/sms-codes with "
        "purpose signup): it proves the number before the account exists",
    )


class SignedUp(BaseModel):
    id: uuid.UUID
    display_name: str
    mobile: Annotated[str, Sensitive("mobile")]
    next: str = Field(description="What to do next, in words (zh-CN).")


class JoinRequestCreate(BaseModel):
    """The flat as the resident knows it: the community's code (on the property's notice
    or QR poster) and the building, unit and room numbers."""

    model_config = ConfigDict(extra="forbid")

    community_code: str = Field(min_length=1, max_length=32, examples=["DEMO-001"])
    building_code: str = Field(min_length=1, max_length=32, examples=["1"])
    unit_code: str = Field(min_length=1, max_length=32, examples=["1"])
    room_code: str = Field(min_length=1, max_length=16, examples=["101"])
    relation: Relation = Field(description="owner (业主), family (家庭成员) or tenant (租户)")
    name: str = Field(min_length=1, max_length=100, description="The applicant's real name")


class JoinDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=200)


class JoinApproval(BaseModel):
    """An approval; for a tenant, the day the tenancy ends (optional)."""

    model_config = ConfigDict(extra="forbid")

    ends_on: Day | None = Field(
        default=None,
        description=(
            "A tenant's end date (租期截止): from this day, in the community's time zone, the "
            "tenant's household grant ends; the owner is told some days before"
        ),
        examples=["2027-06-30"],
    )


class JoinRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    account_id: uuid.UUID
    community_id: uuid.UUID
    room_id: uuid.UUID
    household_id: uuid.UUID | None
    place: str = Field(description="The flat in words: 幸福里社区 1号楼1单元101室")
    relation: Relation
    relation_label: str = Field(description="The relation in words: 业主 / 家庭成员 / 租户")
    name: Annotated[str, Sensitive("name")]
    status: JoinStatus
    status_label: str = Field(description="The status in words: 待审核 / 已通过 / 未通过")
    reason: str | None
    decided_at: datetime | None
    created_at: datetime
    ends_on: date | None = Field(default=None, description="A tenant's end date, if any")
    ended: bool = Field(default=False, description="The tenancy has ended (its grant is gone)")


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    relation: Literal["family", "tenant"] = Field(description="family (家庭成员) or tenant (租户)")
    ends_on: Day | None = Field(
        default=None,
        description=(
            "A tenant's end date (租期截止): from this day, in the community's time zone, the "
            "tenant's household grant ends; the owner is told some days before"
        ),
        examples=["2027-06-30"],
    )


class InvitationRead(BaseModel):
    code: str = Field(description="Shown once: 8 letters and digits the invitee types in")
    relation: Literal["family", "tenant"]
    relation_label: str
    place: str = Field(description="The flat in words")
    expires_at: datetime
    ends_on: date | None = None


class InvitationUse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100, description="The invitee's real name")
