"""Events of gov-affairs about social organisations and enterprises (6.5.1 c-d)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class OrganisationChange(StrEnum):
    REGISTERED = "registered"
    UPDATED = "updated"


class OrganisationChangedV1(EventData):
    """The community's office registered an organisation or enterprise, or corrected its
    record (name, address, contact, industry ...). No personal data: the contact person is
    not carried. Keyed by organisation, like its complaints, so one organisation's events
    stay in order."""

    organisation_id: str = Field(
        max_length=64, min_length=1, description="Organisation id; the message key."
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    name: str = Field(max_length=120, min_length=1, description="Its name as registered.")
    kind: str = Field(
        max_length=24,
        min_length=1,
        description="social_organisation, enterprise, property_company or institution.",
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
    active: bool = Field(description="Whether it is still active in the community.")
    change: OrganisationChange = Field(description="What happened.")
    fields: list[str] = Field(
        default_factory=list,
        max_length=16,
        description="On an update: the names of the fields that changed.",
    )
    changed_by: str = Field(max_length=64, min_length=1, description="User who made the change.")
    changed_at: AwareDatetime = Field(description="When it happened.")


class OrganisationComplaintFiledV1(EventData):
    """A resident filed a complaint about a registered organisation or enterprise: the
    request a complaint work order is opened from (the complaint's id as its external
    reference, by which gov-affairs follows the case)."""

    complaint_id: str = Field(max_length=64, min_length=1, description="Complaint id.")
    organisation_id: str = Field(
        max_length=64, min_length=1, description="Organisation id; the message key."
    )
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
