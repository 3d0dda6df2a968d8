"""Events of gov-affairs about social organisations and enterprises (6.5.1 c-d)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class OrganisationComplaintFiledV1(EventData):
    """A resident filed a complaint about a registered organisation or enterprise: the
    request a complaint work order is opened from (the complaint's id as its external
    reference, by which gov-affairs follows the case)."""

    complaint_id: str = Field(
        max_length=64, min_length=1, description="Complaint id; the message key."
    )
    organisation_id: str = Field(max_length=64, min_length=1, description="Organisation id.")
    organisation_name: str = Field(
        max_length=120, min_length=1, description="Name of the organisation complained about."
    )
    uscc: str = Field(
        max_length=18, min_length=18, description="Its unified social credit code (GB 32100)."
    )
    industry_code: str | None = Field(
        max_length=2,
        min_length=2,
        default=None,
        description="Its industry (GB/T 4754-2017 division, two digits), when known.",
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    building_id: str | None = Field(
        max_length=64, default=None, description="Building of the household, if known."
    )
    household_id: str = Field(
        max_length=64, min_length=1, description="Household of the resident who complained."
    )
    summary: str = Field(
        max_length=500, min_length=1, description="The complaint in the resident's words."
    )
    filed_by: str = Field(max_length=64, min_length=1, description="User who complained.")
    filed_at: AwareDatetime = Field(description="When it was filed.")
