"""Work order (case) lifecycle, published by the work-orders service.

Every change event carries the case's full state after the step, so a consumer never needs
an earlier event to act on a later one. No personal data: people appear only as user ids;
the text of the case stays in the service.

The lengths are work-orders' columns (issue 18): ids 64, a case type, an action and a role
32, the source 16, a rating's comment 1000; its consumers' (alarm's history, evaluation's
facts) are as wide.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class WorkOrderStatus(StrEnum):
    """States of the one work-order state machine."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    REOPENED = "reopened"
    CANCELLED = "cancelled"


class WorkOrderPriority(StrEnum):
    """How fast a case must be handled; each case type has an SLA per priority."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class WorkOrderChangedV1(EventData):
    """A work order was created or took a step (accept, assign, start, reply, resolve, ...)."""

    work_order_id: str = Field(
        max_length=64, min_length=1, description="Work order id; the message key."
    )
    case_type: str = Field(
        max_length=32,
        min_length=1,
        description="Case type code, e.g. repair, complaint, alarm_dispatch.",
    )
    action: str = Field(
        max_length=32,
        min_length=1,
        description="The step taken: created, accepted, assigned, reply, ...",
    )
    status: WorkOrderStatus = Field(description="Status after the step.")
    previous_status: WorkOrderStatus | None = Field(
        default=None, description="Status before the step; null when created."
    )
    priority: WorkOrderPriority = Field(description="Current priority.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the case.")
    building_id: str | None = Field(max_length=64, default=None, description="Building, if known.")
    unit_id: str | None = Field(max_length=64, default=None, description="Unit, if known.")
    room_id: str | None = Field(max_length=64, default=None, description="Room, if known.")
    source: str = Field(
        max_length=16,
        min_length=1,
        description="Where it came from: app, staff, alarm, hotline, patrol.",
    )
    reporter_id: str | None = Field(
        max_length=64, default=None, description="User who reported it, if a user."
    )
    assignee_id: str | None = Field(
        max_length=64, default=None, description="User handling it, if assigned."
    )
    alarm_id: str | None = Field(
        max_length=64, default=None, description="Alarm it was opened from, if any."
    )
    external_ref: str | None = Field(
        max_length=64,
        default=None,
        description="Reference in an outside system, e.g. the 12345 ticket number.",
    )
    due_at: AwareDatetime | None = Field(default=None, description="When the SLA says it is due.")
    actor_id: str | None = Field(
        max_length=64, default=None, description="User who took the step; null when the system did."
    )
    reply_text: str | None = Field(
        max_length=4000,
        default=None,
        description="On a reply step: the reply's text as staff wrote it to the reporter"
        " (what a 12345 hotline's view shows); null on every other step.",
    )
    occurred_at: AwareDatetime = Field(description="When the step was taken.")


class WorkOrderRatedV1(EventData):
    """A resident rated how their case was handled (input to experience evaluation)."""

    work_order_id: str = Field(
        max_length=64, min_length=1, description="Work order id; the message key."
    )
    case_type: str = Field(max_length=32, min_length=1, description="Case type code.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the case.")
    building_id: str | None = Field(
        max_length=64,
        default=None,
        description="Building of the case, if known (so a rating counts for its building "
        "without the case's changed events).",
    )
    rating: int = Field(ge=1, le=5, description="1 (very poor) to 5 (excellent).")
    comment: str | None = Field(
        max_length=1000, default=None, description="The resident's comment, if any."
    )
    rated_by: str = Field(max_length=64, min_length=1, description="User who rated.")
    assignee_id: str | None = Field(
        max_length=64, default=None, description="Who handled the case."
    )
    resolution_seconds: int | None = Field(
        default=None, ge=0, description="Seconds from creation to resolution."
    )
    rated_at: AwareDatetime = Field(description="When the rating was given.")


class WorkOrderSlaBreachedV1(EventData):
    """A work order passed its SLA deadline and was escalated."""

    work_order_id: str = Field(
        max_length=64, min_length=1, description="Work order id; the message key."
    )
    case_type: str = Field(max_length=32, min_length=1, description="Case type code.")
    priority: WorkOrderPriority = Field(description="Priority at the time of the breach.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the case.")
    status: WorkOrderStatus = Field(description="Status when the deadline passed.")
    due_at: AwareDatetime = Field(description="The deadline that passed.")
    breached_at: AwareDatetime = Field(description="When the breach was detected.")
    escalated_to_role: str | None = Field(
        max_length=32,
        default=None,
        description="Role the case was escalated to, e.g. property_manager.",
    )
