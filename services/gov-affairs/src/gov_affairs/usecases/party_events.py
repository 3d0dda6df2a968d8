"""What party affairs (党建, 6.5.2 b) tell others on ``gov.party.v1`` (ADR 0055): a meeting of
三会一课 recorded, with its attendance as counts; a resident's opinion given or answered, as
ids and times. Never a member, an officer, the resident, the topic or a text: membership is
sensitive, and counts are all the evaluation of party work needs."""

from __future__ import annotations

from datetime import datetime

from gov_affairs.db.party import PartyFeedbackRow, PartyMeetingRow, PartyOrgRow
from gov_affairs.domain import organisations as rules
from sc_contracts.events import PartyMeetingRecordedV1, PartyOpinionChangedV1
from sc_core.db.uow import UnitOfWork


async def meeting_recorded(
    uow: UnitOfWork, org: PartyOrgRow, row: PartyMeetingRow, at: datetime
) -> None:
    """Publish the meeting's counts in the recording's unit of work (outbox), counted as
    the API counts them (:func:`gov_affairs.domain.organisations.attendance`)."""
    done = rules.attendance(
        rules.Meeting(
            org_id=str(org.id),
            kind=row.kind,  # type: ignore[arg-type]
            held_on=row.held_on,
            topic=row.topic,
            attended=list(row.attended),
            excused=dict(row.excused),
        ),
        list(row.members),
    )
    await uow.publish(
        PartyMeetingRecordedV1(
            meeting_id=str(row.id),
            org_id=str(org.id),
            community_id=org.community_id,
            kind=row.kind,
            held_on=row.held_on.isoformat(),
            members=done.members,
            attended=done.attended,
            excused=done.excused,
            absent=len(done.absent),
            occurred_at=at,
        ),
        key=str(org.id),
    )


async def opinion_changed(
    uow: UnitOfWork, org: PartyOrgRow, row: PartyFeedbackRow, action: str, at: datetime
) -> None:
    """Publish an opinion's step (given, answered) in the step's unit of work (outbox)."""
    await uow.publish(
        PartyOpinionChangedV1(
            opinion_id=str(row.id),
            org_id=str(org.id),
            community_id=org.community_id,
            action=action,
            given_at=row.at,
            answered_at=row.answered_at,
            occurred_at=at,
        ),
        key=str(org.id),
    )
