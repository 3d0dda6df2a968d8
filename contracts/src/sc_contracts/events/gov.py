"""Government affairs (政务) as gov-affairs publishes it on ``gov.*.v1`` topics.

Like identity's events, none carries personal data (names, ID numbers, phones, the answers
of a form, a welfare amount tied to a person's name): consumers that need more ask
gov-affairs, which masks by the caller's grade. Ids, statuses, places and counts only.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class ApplicationStatus(StrEnum):
    """Where an application to the service hall stands."""

    NEEDS_MORE = "needs_more"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ApplicationChangedV1(EventData):
    """An application to the online service hall was submitted or took a step."""

    application_id: str = Field(
        max_length=64, min_length=1, description="Application id; the message key."
    )
    number: str = Field(
        max_length=32, min_length=1, description="Its reference, e.g. GA-2026-000123."
    )
    item_code: str = Field(
        max_length=60, min_length=1, description="The service, e.g. old_age_allowance."
    )
    item_version: int = Field(ge=1, description="Version of the service it was made under.")
    community_id: str = Field(
        max_length=64, min_length=1, description="Community of the application."
    )
    building_id: str | None = Field(max_length=64, default=None, description="Building, if known.")
    grid_id: str | None = Field(max_length=64, default=None, description="Grid, if known.")
    applicant_id: str = Field(max_length=64, min_length=1, description="Account that applied.")
    action: str = Field(
        max_length=32,
        min_length=1,
        description="submitted, more_requested, resubmitted, approved_step, delegated, "
        "escalated, approved, rejected or withdrawn.",
    )
    step: str | None = Field(
        max_length=40, default=None, description="Approval step concerned, if any."
    )
    status: ApplicationStatus = Field(description="Status after the step.")
    instant: bool = Field(default=False, description="Granted at once by an instant rule.")
    actor_id: str | None = Field(
        max_length=64, default=None, description="Who acted; null for the system."
    )
    occurred_at: AwareDatetime = Field(description="When.")


class CertificateIssuedV1(EventData):
    """A certificate was issued for an approved application, or revoked."""

    certificate_id: str = Field(
        max_length=64, min_length=1, description="Certificate id; the message key."
    )
    number: str = Field(max_length=32, min_length=1, description="Its printed number.")
    application_id: str | None = Field(
        max_length=64, default=None, description="Application it concludes."
    )
    item_code: str = Field(max_length=60, min_length=1, description="Service it was issued for.")
    community_id: str = Field(max_length=64, min_length=1, description="Issuing community.")
    holder_id: str = Field(max_length=64, min_length=1, description="Account of the holder.")
    issued_on: str = Field(pattern=DATE_PATTERN, description="Issue date, YYYY-MM-DD.")
    valid_until: str | None = Field(default=None, pattern=DATE_PATTERN, description="Expiry.")
    revoked: bool = Field(default=False, description="True when this records a revocation.")
    occurred_at: AwareDatetime = Field(description="When.")


class WelfareChangedV1(EventData):
    """A welfare record (minimum living allowance, hardship aid, disability support,
    old-age allowance) began, was reviewed, suspended or ended, or paid a month; a
    disability certificate (残疾人证) was registered or updated (programme
    ``disability_card``); an assistive device (辅助器具) was applied for, approved, refused,
    issued, lent or returned (programme ``assistive_device``). Ids and codes only: who the
    person is never leaves the service. Statistics per grid and community can be built from
    these."""

    beneficiary_id: str = Field(
        min_length=1, max_length=64, description="Welfare record id; the message key."
    )
    programme: str = Field(
        min_length=1,
        max_length=40,
        description="Programme code, e.g. dibao; disability_card for the certificate register,"
        " assistive_device for a device.",
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community of the record.")
    grid_id: str | None = Field(default=None, max_length=64, description="Grid, if known.")
    action: str = Field(
        min_length=1,
        max_length=16,
        description="enrolled, reviewed, adjusted, suspended, ended or paid; registered or"
        " updated (disability_card); applied, approved, refused, issued, lent or returned"
        " (assistive_device).",
    )
    status: str = Field(
        min_length=1,
        max_length=16,
        description="active, suspended or ended; valid or expired (disability_card); applied,"
        " approved, refused, issued, on_loan or returned (assistive_device).",
    )
    monthly_amount: str | None = Field(
        default=None,
        max_length=16,
        pattern=r"^\d{1,10}\.\d{2}$",
        description="Monthly amount in yuan after the step (decimal string), if any.",
    )
    month: str | None = Field(
        default=None, pattern=r"^\d{4}-\d{2}$", description="Month paid (action paid)."
    )
    amount: str | None = Field(
        default=None,
        max_length=16,
        pattern=r"^\d{1,10}\.\d{2}$",
        description="Amount paid in yuan (action paid), decimal string.",
    )
    device_type: str | None = Field(
        default=None,
        max_length=24,
        pattern=r"^[a-z][a-z_]*$",
        description="Device code (assistive_device): wheelchair, hearing_aid, walker,"
        " white_cane, prosthesis ...",
    )
    occurred_at: AwareDatetime = Field(description="When.")


class PopulationFlagChangedV1(EventData):
    """A population check (人口核查, 6.5.2 a) raised a flag, added evidence to it, or the
    flag took a step. No key, no person: ids of places and counts only."""

    flag_id: str = Field(min_length=1, max_length=64, description="Flag id; the message key.")
    kind: str = Field(
        min_length=1,
        max_length=32,
        description="unregistered_frequent (seen often, not registered) or absent_resident.",
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    grid_id: str | None = Field(default=None, max_length=64, description="Grid, if known.")
    building_id: str | None = Field(default=None, max_length=64, description="Building, if known.")
    status: str = Field(
        min_length=1, max_length=16, description="open, in_progress, resolved or closed."
    )
    resolution: str | None = Field(
        default=None, max_length=32, description="What was found, once resolved."
    )
    evidence_days: int = Field(
        default=0, ge=0, le=3660, description="Days of passages in the evidence."
    )
    occurred_at: AwareDatetime = Field(description="When.")


class AlterationChangedV1(EventData):
    """An alteration request (装修/改建) of a room was filed or took a step; the room has an
    open alteration while ``open`` holds (what the room register shows)."""

    alteration_id: str = Field(
        min_length=1, max_length=64, description="Request id; the message key."
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    building_id: str | None = Field(default=None, max_length=64, description="Building, if known.")
    room_id: str = Field(min_length=1, max_length=64, description="Room being altered.")
    kind: str = Field(
        min_length=1, max_length=16, description="decoration, alteration or extension."
    )
    status: str = Field(
        min_length=1,
        max_length=16,
        description="submitted, approved, rejected, withdrawn, in_works, rectifying, "
        "inspected or archived (after the step).",
    )
    open: bool = Field(description="True while the room has this alteration open.")
    occurred_at: AwareDatetime = Field(description="When.")


class AssemblyThreshold(StrEnum):
    """One of the four thresholds of an owners' assembly vote (Civil Code art. 278)."""

    PARTICIPATION_AREA = "participation_area"
    PARTICIPATION_HEADS = "participation_heads"
    APPROVAL_AREA = "approval_area"
    APPROVAL_HEADS = "approval_heads"


class VoteClosedV1(EventData):
    """An owners' assembly vote (业主大会表决) or a poll closed, with its result. For an
    assembly vote the four thresholds of Civil Code art. 278 are given as counted: the
    participating area and owners of the whole, the agreeing area and owners of those
    participating (areas in square metres, owners as voting units), and those missed."""

    vote_id: str = Field(min_length=1, max_length=64, description="Vote id; the message key.")
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    kind: str = Field(min_length=1, max_length=16, description="assembly or poll.")
    matter: str | None = Field(
        default=None, max_length=16, description="Assembly: ordinary or special (art. 278 6-8)."
    )
    passed: bool | None = Field(
        default=None, description="For an assembly vote: whether every threshold was met."
    )
    ballots: int = Field(ge=0, description="Ballots counted.")
    eligible: int = Field(ge=0, description="Owners (assembly) or people (poll) asked.")
    total_area_m2: float | None = Field(
        default=None, ge=0, description="Assembly: the exclusive area of every voting unit."
    )
    participating_area_m2: float | None = Field(
        default=None, ge=0, description="Assembly: the exclusive area that voted."
    )
    agreeing_area_m2: float | None = Field(
        default=None, ge=0, description="Assembly: the exclusive area that agreed."
    )
    agreeing: int | None = Field(default=None, ge=0, description="Assembly: owners who agreed.")
    missed: list[AssemblyThreshold] = Field(
        default_factory=list, max_length=4, description="Assembly: the thresholds missed."
    )
    head: str | None = Field(
        default=None, max_length=64, description="For a poll: the ballot chain's head."
    )
    occurred_at: AwareDatetime = Field(description="When it closed.")


class ActivityChangedV1(EventData):
    """A community activity (6.6) was announced, took place, was archived or cancelled."""

    activity_id: str = Field(
        min_length=1, max_length=64, description="Activity id; the message key."
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    status: str = Field(min_length=1, max_length=16, description="Status after the step.")
    starts_at: AwareDatetime = Field(description="When it starts.")
    capacity: int = Field(ge=1, description="Places.")
    signed_up: int = Field(ge=0, description="People with a place.")
    came: int = Field(ge=0, description="People who checked in.")
    average_rating: float | None = Field(default=None, description="Mean rating, 1-5.")
    occurred_at: AwareDatetime = Field(description="When.")


class NoticePlace(EventData):
    """A place a notice is addressed to."""

    type: str = Field(min_length=1, max_length=16, description="community, building or grid.")
    id: str = Field(min_length=1, max_length=64, description="Id of the place.")


class NoticeChangedV1(EventData):
    """A community notice (公告) was published or withdrawn."""

    notice_id: str = Field(min_length=1, max_length=64, description="Notice id; the message key.")
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    status: str = Field(
        min_length=1, max_length=16, description="published or withdrawn (after the step)."
    )
    title: str = Field(min_length=1, max_length=120, description="Title as published.")
    category: str = Field(
        min_length=1, max_length=24, description="Kind of notice, e.g. outage or safety."
    )
    places: list[NoticePlace] = Field(
        min_length=1, max_length=50, description="Places it is addressed to."
    )
    roles: list[str] = Field(
        default_factory=list, max_length=17, description="Roles it is for; empty: residents."
    )
    pinned: bool = Field(description="Shown first on the board.")
    published_at: AwareDatetime | None = Field(default=None, description="When it was published.")
    expires_at: AwareDatetime | None = Field(default=None, description="When it expires, if ever.")
    occurred_at: AwareDatetime = Field(description="When the step was taken.")


class VolunteerChangedV1(EventData):
    """A volunteer (志愿者, 6.5.2 c) registered, was certified, suspended or reinstated; a
    service of theirs was booked; hours were recorded or corrected; a certificate of hours
    was issued; banked hours were spent. Ids and figures only: no name, ID number, phone."""

    volunteer_id: str = Field(
        min_length=1, max_length=64, description="Volunteer id; the message key."
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    action: str = Field(
        min_length=1,
        max_length=24,
        description="registered, certified, suspended, reinstated, booked, hours_recorded,"
        " hours_corrected, certificate_issued or hours_spent.",
    )
    status: str = Field(
        min_length=1, max_length=16, description="applied, certified or suspended (after it)."
    )
    record_id: str | None = Field(
        default=None, max_length=64, description="Hours record, booking or certificate id."
    )
    corrects: str | None = Field(
        default=None, max_length=64, description="The hours record a correction replaces."
    )
    hours: float | None = Field(
        default=None, ge=-10000, le=10000, description="Hours of this record (spent: negative)."
    )
    total_hours: float | None = Field(
        default=None, ge=0, description="The volunteer's hours after it, corrections applied."
    )
    occurred_at: AwareDatetime = Field(description="When.")
