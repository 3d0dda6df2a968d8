"""The community register and access rights, as identity publishes them.

Every event on ``identity.events.v1`` carries ``aggregate_id`` (the person, household or
account it is about), the message key, so one aggregate's events stay in order. No event
carries personal data (names, ID numbers, phones): consumers that need them ask identity,
which masks them by the caller's grade.

The lengths are what the stores enforce (issue 18): ids at most 64 characters (identity's
are UUIDs; every consumer's id columns, the place directory's first, are 64 wide), a role
32, a scope type and a status 16 (identity's columns), names 100, a room number 16.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SEX_CODE_PATTERN = r"^[0129]$"  # GB/T 2261.1


class HouseholdRelation(StrEnum):
    """How a person belongs to a household."""

    OWNER = "owner"
    FAMILY = "family"
    TENANT = "tenant"


class Placement(EventData):
    """Where a household lives: its room and the places above it."""

    community_id: str = Field(max_length=64, min_length=1, description="Community id.")
    building_id: str = Field(max_length=64, min_length=1, description="Building id.")
    unit_id: str = Field(max_length=64, min_length=1, description="Unit (entrance) id.")
    room_id: str = Field(max_length=64, min_length=1, description="Room (house) id.")
    grid_id: str | None = Field(
        max_length=64, default=None, description="Grid of the building, if any."
    )
    # the names people say (added in 2026-12; absent from older events): a notification
    # names the flat "幸福里社区 3号楼2单元502室", never its ids. Lengths are identity's
    # columns (names 100, a room's number 16).
    community_name: str | None = Field(
        default=None, max_length=100, description="The community's name, as people say it."
    )
    community_name_en: str | None = Field(
        default=None, max_length=100, description="The community's English name, if it has one."
    )
    building_name: str | None = Field(
        default=None, max_length=100, description="The building's name (Chinese), as people say it."
    )
    building_name_en: str | None = Field(
        default=None, max_length=100, description="The building's English name, e.g. Building 3."
    )
    unit_name: str | None = Field(
        default=None,
        max_length=100,
        description="The unit's (entrance's) name (Chinese), as people say it.",
    )
    unit_name_en: str | None = Field(
        default=None, max_length=100, description="The unit's English name, e.g. Unit 2."
    )
    room_number: str | None = Field(
        default=None, max_length=16, description="The room's number, e.g. 502."
    )
    # added in 2026-12 (absent from older events): an owners' assembly vote counts each
    # room's exclusive area (专有面积, Civil Code art. 278) as the register has it
    room_area_m2: float | None = Field(
        default=None,
        ge=0,
        le=100000,
        description="The room's exclusive area in square metres in the register, if entered.",
    )
    # added in 2026-12 (absent from older events): the exchange datasets gov-affairs
    # publishes name the community's administrative division (GB/T 2260, issue 25)
    community_division_code: str | None = Field(
        default=None,
        max_length=6,
        pattern=r"^\d{6}$",
        description="The community's GB/T 2260 administrative-division code "
        "if the register has it.",
    )
    # added in 2026-12 (absent from older events): care targets a CAP warning (预警) at the
    # buildings inside its polygons and circles, or in the districts its geocodes name
    building_lat: float | None = Field(
        default=None, ge=-90, le=90, description="The building's latitude (WGS-84), if entered."
    )
    building_lng: float | None = Field(
        default=None, ge=-180, le=180, description="The building's longitude (WGS-84), if entered."
    )


class PersonRegisteredV1(EventData):
    """A person was entered into the population register (实有人口)."""

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The person id (message key)."
    )
    person_id: str = Field(max_length=64, min_length=1, description="Id of the registered person.")
    household_id: str = Field(
        max_length=64, min_length=1, description="Household the person joined."
    )
    relation: HouseholdRelation = Field(description="Relation to the household.")
    placement: Placement = Field(description="Where the household lives.")
    registered_by: str = Field(
        max_length=64, min_length=1, description="Account that registered the person."
    )
    registered_at: AwareDatetime = Field(description="When the person was registered.")
    # added in 2026-12 (absent from older events): gov-affairs counts the population it
    # exchanges by sex (issue 25 item 5); a code, never a name
    sex_code: str | None = Field(
        default=None,
        max_length=1,
        pattern=SEX_CODE_PATTERN,
        description="The person's GB/T 2261.1 sex code: 0 unknown, 1 male, 2 female, "
        "9 not stated; absent from older events.",
    )


class ResidencyStartedV1(EventData):
    """A person moved into a household: a residency (person, household, relation, dates) began."""

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The person id (message key)."
    )
    person_id: str = Field(max_length=64, min_length=1, description="Id of the person.")
    residency_id: str = Field(
        max_length=64, min_length=1, description="Id of the residency record."
    )
    household_id: str = Field(max_length=64, min_length=1, description="Household moved into.")
    relation: HouseholdRelation = Field(description="Relation to the household.")
    placement: Placement = Field(description="Where the household lives.")
    moved_in_on: str = Field(pattern=DATE_PATTERN, description="Move-in date, YYYY-MM-DD.")
    recorded_by: str = Field(
        max_length=64, min_length=1, description="Account that recorded the move."
    )
    # added in 2026-12 (absent from older events): gov-affairs counts the population it
    # exchanges by sex (issue 25 item 5); a code, never a name
    sex_code: str | None = Field(
        default=None,
        max_length=1,
        pattern=SEX_CODE_PATTERN,
        description="The person's GB/T 2261.1 sex code: 0 unknown, 1 male, 2 female, "
        "9 not stated; absent from older events.",
    )


class ResidencyEndedV1(EventData):
    """A person moved out of a household: their residency ended."""

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The person id (message key)."
    )
    person_id: str = Field(max_length=64, min_length=1, description="Id of the person.")
    residency_id: str = Field(
        max_length=64, min_length=1, description="Id of the residency record."
    )
    household_id: str = Field(max_length=64, min_length=1, description="Household moved out of.")
    placement: Placement = Field(description="Where the household lives.")
    moved_out_on: str = Field(pattern=DATE_PATTERN, description="Move-out date, YYYY-MM-DD.")
    recorded_by: str = Field(
        max_length=64, min_length=1, description="Account that recorded the move."
    )


class HouseholdChange(StrEnum):
    """What happened to a household."""

    CREATED = "created"
    UPDATED = "updated"
    MEMBERS_CHANGED = "members_changed"
    DISSOLVED = "dissolved"


class HouseholdChangedV1(EventData):
    """A household was created, changed, gained or lost members, or was dissolved.

    Carries the household's full current state.
    """

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The household id (message key)."
    )
    household_id: str = Field(max_length=64, min_length=1, description="Id of the household.")
    change: HouseholdChange = Field(description="What happened.")
    placement: Placement = Field(description="Where the household lives.")
    member_count: int = Field(ge=0, description="Current members after the change.")
    status: str = Field(max_length=16, min_length=1, description="active or dissolved.")
    changed_by: str = Field(
        max_length=64, min_length=1, description="Account that made the change."
    )
    changed_at: AwareDatetime = Field(description="When the change was made.")


class GrantChange(StrEnum):
    """Whether a grant was given or taken away."""

    GRANTED = "granted"
    REVOKED = "revoked"


class GrantChangedV1(EventData):
    """An account was given or lost a role over a place (a grant)."""

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The account id (message key)."
    )
    account_id: str = Field(
        max_length=64, min_length=1, description="Account whose grants changed."
    )
    grant_id: str = Field(max_length=64, min_length=1, description="Id of the grant.")
    change: GrantChange = Field(description="Granted or revoked.")
    role: str = Field(max_length=32, min_length=1, description="Role, e.g. grid_worker.")
    scope_type: str = Field(
        max_length=16,
        min_length=1,
        description="community, grid, building, unit, household or platform.",
    )
    scope_id: str = Field(
        max_length=64, min_length=1, description="Id of the place; '*' for platform."
    )
    community_id: str | None = Field(
        max_length=64,
        default=None,
        description="Community the place belongs to; null for platform.",
    )
    changed_by: str = Field(
        max_length=64, min_length=1, description="Account that made the change."
    )
    changed_at: AwareDatetime = Field(description="When the change was made.")


class AccessRevokedV1(EventData):
    """Access tokens identity issued are no longer to be accepted: those of one sign-in
    (``session_id``, the refresh-token family: a logout, a reused refresh token) or every
    one of the account issued up to ``revoked_at`` (the account disabled). Verifiers (the
    gateway, every service) refuse them until ``until``, when the last of them expires."""

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The account id (message key)."
    )
    account_id: str = Field(
        max_length=64, min_length=1, description="Account whose tokens are revoked."
    )
    session_id: str | None = Field(
        default=None,
        max_length=64,
        description="The sign-in (refresh-token family, the tokens' sid claim); null: every "
        "token of the account issued up to revoked_at.",
    )
    reason: str = Field(
        min_length=1,
        max_length=32,
        description="logout, refresh_reuse, code_reuse (an OIDC authorization code presented "
        "twice) or account_disabled.",
    )
    revoked_at: AwareDatetime = Field(description="When access was revoked.")
    until: AwareDatetime = Field(
        description="When the last access token revoked expires; verifiers forget it then."
    )


class SigningKeyRotatedV1(EventData):
    """identity added a signing key to its ring (a rotation, by a platform admin or the
    ``rotate-keys`` command): it is in the JWKS now and signs from ``activates_at``.
    Verifiers (the gateway, every service) fetch the key set again at once, past their
    rate limit for unknown keys, so tokens signed with it are accepted everywhere as soon
    as identity issues them. One event per key added (EdDSA access tokens, RS256 ID
    tokens)."""

    aggregate_id: str = Field(
        max_length=64, min_length=1, description="The new key's id, kid (message key)."
    )
    kid: str = Field(
        max_length=64, min_length=1, description="The new key's id, as in the JWKS and tokens."
    )
    activates_at: AwareDatetime = Field(description="When identity starts signing with it.")
    rotated_at: AwareDatetime = Field(description="When the key was added to the ring.")


class DoorChange(StrEnum):
    """What happened to a door or gate in the register."""

    REGISTERED = "registered"
    REMOVED = "removed"


class DoorChangedV1(EventData):
    """A door or gate was registered with its device, or removed: device-ingestion links
    the device to the door (a door and its device in one step)."""

    aggregate_id: str = Field(min_length=1, max_length=64, description="The door id (message key).")
    door_id: str = Field(min_length=1, max_length=64, description="Id of the door.")
    change: DoorChange = Field(description="Registered or removed.")
    community_id: str = Field(min_length=1, max_length=64, description="Community of the door.")
    building_id: str | None = Field(
        default=None, max_length=64, description="Building, for a building door."
    )
    device_id: str | None = Field(
        default=None, max_length=64, description="The access-control device that opens it."
    )
    changed_by: str = Field(
        min_length=1, max_length=64, description="Account that made the change."
    )
    changed_at: AwareDatetime = Field(description="When the change was made.")
