"""The hotline's (12345) and mediation's view for gov officers, from the work-orders
service's events: tickets and mediation cases stay work orders there; this service keeps a
projection of their status (``workorder.events.v1``) for the street office's pages and for
the legal-service records a mediation case is linked to.

A redelivered event is dropped by the consumer's inbox; a step older than the last one seen
changes nothing here, so a late event never moves a case backwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from gov_affairs.domain.text import Text

WATCHED = frozenset({"hotline_ticket", "mediation"})
STATUS_TEXT = {
    "submitted": Text(zh="已受理待分派", en="received"),
    "accepted": Text(zh="已接单", en="accepted"),
    "assigned": Text(zh="已派单", en="assigned"),
    "in_progress": Text(zh="处理中", en="in progress"),
    "resolved": Text(zh="已办结待确认", en="resolved"),
    "closed": Text(zh="已办结", en="closed"),
    "rejected": Text(zh="已退回", en="rejected"),
    "reopened": Text(zh="已重新打开", en="reopened"),
    "cancelled": Text(zh="已撤销", en="cancelled"),
}


@dataclass(frozen=True)
class CaseView:
    work_order_id: str
    case_type: str
    community_id: str
    status: str
    last_action: str
    ticket_number: str | None  # the 12345 ticket's number
    replies: int
    due_at: datetime | None
    overdue: bool
    opened_at: datetime
    updated_at: datetime

    @property
    def status_text(self) -> Text:
        return STATUS_TEXT.get(self.status, Text(zh="处理中", en="in progress"))


@dataclass(frozen=True)
class CaseStep:
    """The fields of ``WorkOrderChangedV1`` / ``WorkOrderSlaBreachedV1`` this view reads."""

    work_order_id: str
    case_type: str
    community_id: str
    action: str  # created, accepted, reply, ... or sla_breached
    status: str
    occurred_at: datetime
    external_ref: str | None = None
    due_at: datetime | None = None


def apply(view: CaseView | None, step: CaseStep) -> CaseView | None:
    """The view after ``step`` (None for a case type this view does not watch)."""
    if step.case_type not in WATCHED:
        return view
    if view is None:
        return CaseView(
            work_order_id=step.work_order_id,
            case_type=step.case_type,
            community_id=step.community_id,
            status=step.status,
            last_action=step.action,
            ticket_number=step.external_ref,
            replies=1 if step.action == "reply" else 0,
            due_at=step.due_at,
            overdue=step.action == "sla_breached",
            opened_at=step.occurred_at,
            updated_at=step.occurred_at,
        )
    if step.action == "sla_breached":
        return replace(
            view, overdue=view.status not in {"resolved", "closed", "cancelled", "rejected"}
        )
    if step.occurred_at < view.updated_at:
        return view
    return replace(
        view,
        status=step.status,
        last_action=step.action,
        ticket_number=step.external_ref or view.ticket_number,
        replies=view.replies + (1 if step.action == "reply" else 0),
        due_at=step.due_at or view.due_at,
        overdue=view.overdue and step.status not in {"resolved", "closed", "cancelled", "rejected"},
        updated_at=step.occurred_at,
    )
