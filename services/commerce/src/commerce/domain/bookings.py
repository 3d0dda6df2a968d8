"""A booking follows its case (6.4 a): work-orders opens a maintenance booking case
(维修预约) from each booking and publishes every step of it; the booking shows the case's
state in the resident's words and, once rated, the rating. Pure."""

from __future__ import annotations

from datetime import datetime

from sc_contracts.events import WorkOrderStatus

# the case type work-orders opens from a booking (``commerce.bookings.v1``)
BOOKING_CASE_TYPE = "maintenance_booking"
REQUESTED = "requested"

# the booking's state: "requested" until work-orders has its case, then the case's
STATUS_LABELS: dict[str, tuple[str, str]] = {
    REQUESTED: ("已预约，等待安排", "Booked, awaiting scheduling"),
    WorkOrderStatus.SUBMITTED: ("已提交，等待受理", "Submitted, awaiting acceptance"),
    WorkOrderStatus.ACCEPTED: ("已受理，等待派单", "Accepted, a provider is being assigned"),
    WorkOrderStatus.ASSIGNED: ("已派给服务商", "Assigned to the provider"),
    WorkOrderStatus.IN_PROGRESS: ("服务中", "In progress"),
    WorkOrderStatus.RESOLVED: ("已完成，请确认", "Done, please confirm"),
    WorkOrderStatus.CLOSED: ("已确认完成", "Done and confirmed"),
    WorkOrderStatus.REJECTED: ("未受理", "Declined"),
    WorkOrderStatus.REOPENED: ("已重新处理", "Reopened"),
    WorkOrderStatus.CANCELLED: ("已取消", "Cancelled"),
}

RATING_LABELS: dict[int, tuple[str, str]] = {
    1: ("非常不满意", "Very poor"),
    2: ("不满意", "Poor"),
    3: ("一般", "Fair"),
    4: ("满意", "Good"),
    5: ("非常满意", "Excellent"),
}


def status_of(case_status: WorkOrderStatus) -> str:
    """The booking's state for its case's: a submitted case is still a booked service."""
    return REQUESTED if case_status == WorkOrderStatus.SUBMITTED else str(case_status)


def newer(step_at: datetime, known_at: datetime | None) -> bool:
    """Whether a step of the case at ``step_at`` is news to a booking last moved at
    ``known_at`` (a step redelivered or late changes nothing)."""
    return known_at is None or step_at >= known_at


def rating_text(rating: int) -> tuple[str, str]:
    """``("5 星，非常满意", "5 stars, excellent")``."""
    zh, en = RATING_LABELS[rating]
    return f"{rating} 星，{zh}", f"{rating} star{'s' if rating != 1 else ''}, {en.lower()}"
