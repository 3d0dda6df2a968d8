"""KPIs of legal services (法律服务, ``gov.legal.v1``) and party affairs (党建,
``gov.party.v1``): the facts their events carry and what each aggregate contributes.

A legal booking is booked once (counted at the booking), ends kept (consulted) or not
(cancelled by the resident or the office, or withdrawn with its slot or lawyer) at its first
final step, and its latest stars count towards the rating average. A resident's opinion to a
party organisation counts at the moment it was given, as answered in time when its first
answer came within :data:`ANSWER_WITHIN`; until then (or when answered later) it counts as
not answered in time. A meeting of 三会一课 counts at the day it was held, with its
attendance (members who came of the members then)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from evaluation.domain.kpis.contribution import Contribution, Emit
from evaluation.domain.kpis.facts import Fact
from evaluation.domain.kpis.facts import fact_of as service_fact_of
from evaluation.domain.periods import LOCAL_TZ
from sc_contracts.events.base import EventData
from sc_contracts.events.legal import LegalBookingChangedV1
from sc_contracts.events.party import PartyMeetingRecordedV1, PartyOpinionChangedV1

ANSWER_WITHIN = timedelta(days=7)
KEPT, NOT_KEPT = frozenset({"consulted"}), frozenset({"cancelled", "withdrawn"})


@dataclass(frozen=True)
class LegalStep(Fact):
    """A step of a legal consultation booking (ids, codes, stars; never the resident)."""

    booking_id: str
    action: str  # booked, cancelled, withdrawn, consulted, case_linked, rated
    topic: str  # the matter's code (family, labour ...): the KPI's service legal_<topic>
    rating: int | None

    @property
    def aggregate(self) -> str:
        return f"legal:{self.booking_id}"


@dataclass(frozen=True)
class PartyOpinionStep(Fact):
    """A resident's opinion to a party organisation given or answered (ids and times)."""

    opinion_id: str
    action: str  # given or answered
    given_at: datetime
    answered_at: datetime | None

    @property
    def aggregate(self) -> str:
        return f"party_opinion:{self.opinion_id}"


@dataclass(frozen=True)
class PartyMeeting(Fact):
    """A meeting of 三会一课 recorded, ``at`` noon (local) of the day it was held."""

    meeting_id: str
    kind: str
    members: int
    attended: int

    @property
    def aggregate(self) -> str:
        return f"party_meeting:{self.meeting_id}"


def fact_of(event_id: str, data: EventData) -> Fact | None:
    """The fact an event carries (any the KPIs read), or None."""
    match data:
        case LegalBookingChangedV1():
            return LegalStep(
                event_id,
                data.community_id,
                data.occurred_at,
                data.booking_id,
                data.action,
                data.topic,
                data.rating,
            )
        case PartyOpinionChangedV1():
            return PartyOpinionStep(
                event_id,
                data.community_id,
                data.occurred_at,
                data.opinion_id,
                data.action,
                data.given_at,
                data.answered_at,
            )
        case PartyMeetingRecordedV1():
            held = datetime.combine(date.fromisoformat(data.held_on), time(12), LOCAL_TZ)
            return PartyMeeting(
                event_id,
                data.community_id,
                held,
                data.meeting_id,
                data.kind,
                data.members,
                data.attended,
            )
    return service_fact_of(event_id, data)


def derive_civic(ordered: Sequence[Fact]) -> tuple[Contribution, ...]:
    """One aggregate's contributions; ``ordered`` by time (see ``derive``)."""
    legal = [f for f in ordered if isinstance(f, LegalStep)]
    if legal:
        return _legal(legal)
    opinions = [f for f in ordered if isinstance(f, PartyOpinionStep)]
    if opinions:
        return _opinion(opinions)
    meetings = [f for f in ordered if isinstance(f, PartyMeeting)]
    return _meeting(meetings[-1]) if meetings else ()


def _legal(steps: list[LegalStep]) -> tuple[Contribution, ...]:
    emit = Emit(steps[-1].community_id, None, {}, f"legal_{steps[-1].topic}")
    booked = next((s for s in steps if s.action == "booked"), None)
    if booked is not None:
        emit("legal.booked", booked.at, 1, 0, booked)
    ended = next((s for s in steps if s.action in KEPT | NOT_KEPT), None)
    if ended is not None:
        emit("legal.kept_rate", ended.at, 1 if ended.action in KEPT else 0, 1, ended)
        if ended.action in NOT_KEPT:
            emit("legal.cancelled", ended.at, 1, 0, ended)
    rated = [s for s in steps if s.action == "rated" and s.rating is not None]
    if rated:
        r = rated[-1]  # the latest stars are the ones that count
        emit("legal.rating_mean", r.at, r.rating or 0, 1, r)
    return tuple(emit.out)


def _opinion(steps: list[PartyOpinionStep]) -> tuple[Contribution, ...]:
    given = steps[0].given_at
    emit = Emit(steps[0].community_id, None, {}, None)
    answers = sorted(
        (s for s in steps if s.action == "answered" and s.answered_at is not None),
        key=lambda s: (s.answered_at, s.event_id),
    )
    first = answers[0] if answers else None
    in_time = first is not None and first.answered_at - given <= ANSWER_WITHIN  # type: ignore[operator]
    emit("party.opinions_answered_rate", given, 1 if in_time else 0, 1, *steps[:1], *answers[:1])
    return tuple(emit.out)


def _meeting(m: PartyMeeting) -> tuple[Contribution, ...]:
    emit = Emit(m.community_id, None, {}, m.kind)
    emit("party.meetings", m.at, 1, 0, m)
    if m.members:
        emit("party.attendance_rate", m.at, m.attended, m.members, m)
    return tuple(emit.out)
