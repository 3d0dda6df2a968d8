"""Social organisations and enterprises (6.5.1 c-d), party affairs (6.5.2 b) and legal
services (6.5.4 a, c): registers, visibility and bookings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from gov_affairs.domain.text import Refusal
from sc_core.validators import UnifiedSocialCreditCode

# --- organisations and enterprises -------------------------------------------------------

OrgKind = Literal["social_organisation", "enterprise", "property_company", "institution"]


class Organisation(BaseModel):
    name: str = Field(min_length=2, max_length=120)
    kind: OrgKind
    uscc: UnifiedSocialCreditCode  # GB 32100, checked
    community_id: str
    address: str = Field(min_length=1, max_length=200)
    contact_person_ref: str | None = None  # the representative's encrypted record
    scope: str = Field(default="", max_length=1000)  # 业务范围 / 经营范围
    tags: list[str] = Field(default_factory=list, max_length=20)
    active: bool = True


def search(
    orgs: Iterable[Organisation],
    *,
    text: str = "",
    kind: OrgKind | None = None,
    tag: str | None = None,
) -> list[Organisation]:
    """Name, scope or code containing ``text`` (case-blind), of a kind, with a tag; active first."""
    needle = text.strip().lower()
    hits = [
        o
        for o in orgs
        if (
            not needle
            or needle in o.name.lower()
            or needle in o.scope.lower()
            or needle == o.uscc.lower()
        )
        and (kind is None or o.kind == kind)
        and (tag is None or tag in o.tags)
    ]
    return sorted(hits, key=lambda o: (not o.active, o.name))


class OrgMeeting(BaseModel):
    """A meeting of an organisation with the community (议事, 协商), with its minutes."""

    org_uscc: str
    held_at: datetime
    topic: str = Field(min_length=1, max_length=200)
    attendees: list[str] = Field(default_factory=list, max_length=500)
    minutes: str = Field(default="", max_length=20000)


class Complaint(BaseModel):
    """A resident's complaint about an enterprise: the case itself is a work order
    (``case_type`` complaint) handled in the work-orders service; this links the two."""

    org_uscc: str
    resident: str
    summary: str = Field(min_length=1, max_length=500)
    work_order_id: str | None = None  # set when the work-orders service opened the case
    status: str = "submitted"  # mirrored from the case's events


def complaints_by_org(complaints: Iterable[Complaint]) -> dict[str, tuple[int, int]]:
    """Per organisation: complaints in all, and those still open (for its public record)."""
    out: dict[str, tuple[int, int]] = {}
    for c in complaints:
        total, still_open = out.get(c.org_uscc, (0, 0))
        out[c.org_uscc] = (
            total + 1,
            still_open + (c.status not in {"closed", "cancelled", "rejected"}),
        )
    return out


# --- party affairs (党务) ------------------------------------------------------------------

MeetingKind = Literal["branch_assembly", "branch_committee", "group_meeting", "party_lecture"]
MEETING_NAMES = {
    "branch_assembly": ("支部党员大会", "branch assembly"),
    "branch_committee": ("支部委员会", "branch committee"),
    "group_meeting": ("党小组会", "party group meeting"),
    "party_lecture": ("党课", "party lecture"),
}  # 三会一课


class PartyOrg(BaseModel):
    id: str
    name: str
    parent_id: str | None = None
    community_id: str
    officers: list[str] = Field(default_factory=list)  # accounts of the secretary and committee


def can_see_members(viewer: str, org: PartyOrg, orgs: dict[str, PartyOrg]) -> bool:
    """Members (sensitive: encrypted, audited) are visible only to the officers of their
    organisation or of an organisation above it."""
    seen: set[str] = set()
    node: PartyOrg | None = org
    while node is not None and node.id not in seen:
        if viewer in node.officers:
            return True
        seen.add(node.id)
        node = orgs.get(node.parent_id) if node.parent_id else None
    return False


class Meeting(BaseModel):
    org_id: str
    kind: MeetingKind
    held_on: date
    topic: str = Field(min_length=1, max_length=200)
    attended: list[str] = Field(default_factory=list)  # member refs
    excused: dict[str, str] = Field(default_factory=dict)  # member ref -> reason (请假)


@dataclass(frozen=True)
class Attendance:
    members: int
    attended: int
    excused: int
    absent: tuple[str, ...]
    percent: int


def attendance(meeting: Meeting, members: Sequence[str]) -> Attendance:
    came = [m for m in members if m in meeting.attended]
    excused = [m for m in members if m in meeting.excused and m not in meeting.attended]
    absent = tuple(m for m in members if m not in meeting.attended and m not in meeting.excused)
    pct = len(came) * 100 // len(members) if members else 0
    return Attendance(len(members), len(came), len(excused), absent, pct)


def lectures_per_quarter(meetings: Iterable[Meeting], org_id: str, year: int) -> dict[int, int]:
    """党课 held per quarter (a branch holds at least one a quarter): quarters with none show 0."""
    out = {q: 0 for q in (1, 2, 3, 4)}
    for m in meetings:
        if m.org_id == org_id and m.kind == "party_lecture" and m.held_on.year == year:
            out[(m.held_on.month - 1) // 3 + 1] += 1
    return out


# --- legal services ----------------------------------------------------------------------

BookingStatus = Literal["booked", "completed", "cancelled", "no_show"]
CANCEL_BEFORE = timedelta(hours=2)


class Lawyer(BaseModel):
    id: str
    name: str
    firm: str
    specialties: list[str] = Field(default_factory=list)
    fee_per_session: Decimal = Field(default=Decimal(0), ge=0)  # 0: free community service


class LegalBooking(BaseModel):
    lawyer_id: str
    resident: str
    starts_at: datetime
    ends_at: datetime
    topic: str = Field(min_length=1, max_length=500)
    status: BookingStatus = "booked"
    fee: Decimal = Decimal(0)
    rating: int | None = Field(default=None, ge=1, le=5)
    mediation_case: str | None = None  # the work order of a linked mediation (调解) case
    opinion: str | None = None  # the lawyer's written answer


class LegalError(Refusal):
    """A refusal of a legal-aid booking step; ``code`` is stable (``legal.<reason>``)."""


def book_lawyer(
    lawyer: Lawyer,
    bookings: Sequence[LegalBooking],
    resident: str,
    starts_at: datetime,
    ends_at: datetime,
    topic: str,
    now: datetime,
) -> LegalBooking:
    if starts_at <= now:
        raise LegalError("legal.slot_past", "Choose a time in the future", zh="请选择将来的时间")
    clash = any(
        b.lawyer_id == lawyer.id
        and b.status == "booked"
        and b.starts_at < ends_at
        and starts_at < b.ends_at
        for b in bookings
    )
    if clash:
        raise LegalError(
            "legal.slot_taken", "The lawyer is booked at that time", zh="律师在该时段已有预约"
        )
    return LegalBooking(
        lawyer_id=lawyer.id,
        resident=resident,
        starts_at=starts_at,
        ends_at=ends_at,
        topic=topic,
        fee=lawyer.fee_per_session,
    )


def cancel_booking(b: LegalBooking, actor: str, now: datetime) -> LegalBooking:
    if b.status != "booked":
        raise LegalError(
            "legal.bad_state",
            "Only a booked consultation is cancelled",
            zh="只有已预约的咨询可以取消",
        )
    if actor == b.resident and b.starts_at - now < CANCEL_BEFORE:
        raise LegalError(
            "legal.too_late", "Cancel at least two hours before", zh="请至少提前两小时取消"
        )
    return b.model_copy(update={"status": "cancelled"})


def complete(b: LegalBooking, opinion: str) -> LegalBooking:
    if b.status != "booked":
        raise LegalError(
            "legal.bad_state",
            "Only a booked consultation is completed",
            zh="只有已预约的咨询可以办结",
        )
    return b.model_copy(update={"status": "completed", "opinion": opinion or None})


def rate_booking(b: LegalBooking, resident: str, stars: int) -> LegalBooking:
    if b.resident != resident or b.status != "completed":
        raise LegalError(
            "legal.cannot_rate",
            "The resident rates a completed consultation",
            zh="居民只能评价自己已办结的咨询",
        )
    if not 1 <= stars <= 5:
        raise LegalError("legal.bad_rating", "A rating is 1 to 5 stars", zh="评价为1至5星")
    return b.model_copy(update={"rating": stars})
