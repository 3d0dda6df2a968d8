"""The office corrects an organisation's or enterprise's record (PATCH: only the fields
given change, checked as at registration), and reads its contact person in clear for a
stated purpose (audited)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from gov_affairs.api.deps import OrgEditsDep
from gov_affairs.api.organisations import (
    ContactName,
    OrganisationRead,
    OrgKind,
    Tag,
    organisation_read,
)
from sc_core.auth import CurrentCaller
from sc_core.industry import IndustryCode
from sc_core.privacy import Revealed, RevealRequest
from sc_core.validators import MobileNumber, UnifiedSocialCreditCode

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])

CLEARABLE = frozenset({"industry_code", "contact_name", "contact_phone"})


class OrganisationUpdate(BaseModel):
    """The fields to change; the contact person and the industry may be cleared (null)."""

    name: str | None = Field(default=None, min_length=2, max_length=120)
    kind: OrgKind | None = None
    uscc: UnifiedSocialCreditCode | None = Field(
        default=None, max_length=40, description="统一社会信用代码 (GB 32100), checked"
    )
    address: str | None = Field(default=None, min_length=1, max_length=200)
    scope: str | None = Field(default=None, max_length=1000)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    industry_code: IndustryCode | None = None
    contact_name: ContactName | None = None
    contact_phone: MobileNumber | None = Field(default=None, max_length=11)
    active: bool | None = Field(default=None, description="false: no longer active here")

    @model_validator(mode="after")
    def _kept(self) -> OrganisationUpdate:
        for key in self.model_fields_set - CLEARABLE:
            if getattr(self, key) is None:
                raise ValueError(f"{key} cannot be cleared")
        return self

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set}


@router.patch("/{organisation_id}", summary="Correct an organisation's record (the office)")
async def update_organisation(
    organisation_id: uuid.UUID, body: OrganisationUpdate, who: CurrentCaller, edits: OrgEditsDep
) -> OrganisationRead:
    """community_admin and gov_officer of its community; 409
    ``organisation.already_registered`` for a code another organisation here holds."""
    return organisation_read(await edits.update(who, organisation_id, body.changes()))


@router.post(
    "/{organisation_id}/reveal", summary="Its contact person in clear, for a stated purpose"
)
async def reveal_contact(
    organisation_id: uuid.UUID, body: RevealRequest, who: CurrentCaller, edits: OrgEditsDep
) -> Revealed:
    """``contact_name`` or ``contact_phone``; the office only; the read is audited."""
    value = await edits.reveal(who, organisation_id, body)
    return Revealed(field=body.field, value=value)
