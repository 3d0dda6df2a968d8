"""Events of gov-affairs about party affairs (党建, 6.5.2 b): a meeting of 三会一课 recorded
with its attendance counts, a resident's opinion given and answered. Membership is
sensitive (ADR 0055): no event names a member, an officer or the resident who spoke."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class PartyMeetingRecordedV1(EventData):
    """A meeting of a party organisation was recorded. Counts only: never who came, who
    was excused or why, and never the topic (it may name people)."""

    meeting_id: str = Field(min_length=1, max_length=64, description="Meeting id.")
    org_id: str = Field(
        min_length=1, max_length=64, description="Party organisation id; the message key."
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    kind: str = Field(
        min_length=1,
        max_length=24,
        description="branch_assembly, branch_committee, group_meeting or party_lecture.",
    )
    held_on: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Day it was held.")
    members: int = Field(ge=0, le=100_000, description="Members of the organisation then.")
    attended: int = Field(ge=0, le=100_000, description="Members who came.")
    excused: int = Field(ge=0, le=100_000, description="Members excused (leave asked).")
    absent: int = Field(ge=0, le=100_000, description="Members neither present nor excused.")
    occurred_at: AwareDatetime = Field(description="When it was recorded.")


class PartyOpinionChangedV1(EventData):
    """A resident's opinion to a party organisation was given or answered. Ids and times
    only: no text, no answer, no author, no officer."""

    opinion_id: str = Field(min_length=1, max_length=64, description="Opinion id.")
    org_id: str = Field(
        min_length=1, max_length=64, description="Party organisation id; the message key."
    )
    community_id: str = Field(min_length=1, max_length=64, description="Community.")
    action: str = Field(min_length=1, max_length=16, description="given or answered.")
    given_at: AwareDatetime = Field(description="When the opinion was given.")
    answered_at: AwareDatetime | None = Field(
        default=None, description="When it was answered (action answered)."
    )
    occurred_at: AwareDatetime = Field(description="When.")
