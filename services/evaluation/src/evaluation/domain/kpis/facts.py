"""Facts: the parts of other services' events that the KPIs are computed from.

One fact per event, keyed by the CloudEvents id, grouped by the aggregate it is about (a
work order, an alarm, a notification delivery). The KPIs of an aggregate are a function
of the *set* of its facts, never of the order they arrived in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sc_contracts.events import (
    ActivityChangedV1,
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    NotificationDeliveredV1,
    NotificationOpenedV1,
    WorkOrderChangedV1,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
)
from sc_contracts.events.base import EventData
from sc_contracts.events.care import (
    AnomalyDetectedV1,
    ThresholdBreachedV1,
    VisitDoneV1,
    WanderingDetectedV1,
)
from sc_contracts.events.gov import ApplicationChangedV1, WelfareChangedV1
from sc_contracts.events.payment import PaymentOrderClosedV1, PaymentOrderPaidV1
from sc_contracts.events.training import TrainingRecordChangedV1

AGGREGATE_MAX = 128  # kpi_facts.aggregate and kpi_aggregates.aggregate are String(128)


@dataclass(frozen=True)
class Fact:
    event_id: str
    community_id: str
    at: datetime  # the moment the event speaks of

    @property
    def aggregate(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class WorkOrderStep(Fact):
    work_order_id: str
    case_type: str
    action: str
    status: str
    building_id: str | None

    @property
    def aggregate(self) -> str:
        return f"workorder:{self.work_order_id}"


@dataclass(frozen=True)
class WorkOrderRating(Fact):
    work_order_id: str
    case_type: str
    rating: int
    comment: str | None
    building_id: str | None = None  # on WorkOrderRatedV1 since it became optional there

    @property
    def aggregate(self) -> str:
        return f"workorder:{self.work_order_id}"


@dataclass(frozen=True)
class WorkOrderBreach(Fact):
    work_order_id: str
    case_type: str
    due_at: datetime

    @property
    def aggregate(self) -> str:
        return f"workorder:{self.work_order_id}"


@dataclass(frozen=True)
class AlarmSnapshot(Fact):
    alarm_id: str
    alarm_type: str
    building_id: str | None
    first_at: datetime
    acknowledged_at: datetime | None
    cleared_at: datetime | None
    false_alarm: bool | None  # needs the proposed optional contract field; None until then

    @property
    def aggregate(self) -> str:
        return f"alarm:{self.alarm_id}"


@dataclass(frozen=True)
class Delivery(Fact):
    delivery_id: str
    template: str
    channel: str
    status: str  # sent, failed, held, suppressed

    @property
    def aggregate(self) -> str:
        return f"delivery:{self.delivery_id}"


@dataclass(frozen=True)
class DeliveryRead(Fact):
    """A recipient opened an in-app message (``community.notification.opened.v1``)."""

    delivery_id: str

    @property
    def aggregate(self) -> str:
        return f"delivery:{self.delivery_id}"


@dataclass(frozen=True)
class HallStep(Fact):
    """An application to the online service hall (网上办事大厅) took a step."""

    application_id: str
    item_code: str
    action: str
    status: str
    building_id: str | None
    grid_id: str | None

    @property
    def aggregate(self) -> str:
        return f"hall:{self.application_id}"


@dataclass(frozen=True)
class ActivitySnapshot(Fact):
    """A community activity's figures as gov-affairs last published them."""

    activity_id: str
    status: str
    starts_at: datetime
    signed_up: int
    came: int
    average_rating: float | None

    @property
    def aggregate(self) -> str:
        return f"activity:{self.activity_id}"


@dataclass(frozen=True)
class PaymentOutcome(Fact):
    """A payment order was paid, or closed unpaid."""

    order_id: str
    purpose: str
    paid: bool

    @property
    def aggregate(self) -> str:
        return f"payment:{self.order_id}"


@dataclass(frozen=True)
class CareBreach(Fact):
    """A person's vital signs left their range: a breach episode opened (care)."""

    episode_id: str
    kind: str  # what was measured (blood_pressure, heart_rate ...)
    told: bool  # someone (family, the grid worker) was told of it

    @property
    def aggregate(self) -> str:
        return f"care-breach:{self.episode_id}"


@dataclass(frozen=True)
class WanderingMove(Fact):
    """A person's wearable left (or came back into) a safe zone."""

    person_id: str
    zone_id: str
    move: str  # left or returned

    @property
    def aggregate(self) -> str:
        key = f"{self.person_id}:{self.zone_id}"
        if len(key) > 110:  # the aggregate column holds 128 characters
            key = hashlib.sha256(key.encode()).hexdigest()
        return f"wandering:{key}"


@dataclass(frozen=True)
class CheckOnVisit(Fact):
    """A check-on visit opened by a lone-elder anomaly (``opened``), or any visit
    recorded (``done``). One aggregate per visit id."""

    visit_id: str
    step: str  # opened or done
    rule: str | None  # the anomaly rule that opened it (opened)
    purpose: str | None  # routine, follow_up or check_on (done)

    @property
    def aggregate(self) -> str:
        return f"visit:{self.visit_id}"


@dataclass(frozen=True)
class WelfareStep(Fact):
    """A welfare record (低保, 临时救助, disability and old-age allowances) began, ended or
    paid a month (``gov.welfare.v1``); ids and codes only."""

    beneficiary_id: str
    programme: str
    action: str  # enrolled, ended or paid
    grid_id: str | None
    month: str | None  # the month paid

    @property
    def aggregate(self) -> str:
        return f"welfare:{self.beneficiary_id}"


WELFARE_ACTIONS = frozenset({"enrolled", "ended", "paid"})


@dataclass(frozen=True)
class TrainingStep(Fact):
    """A person's record on a course (安全教育与培训) moved (``gov.training.v1``): a lesson
    read, a quiz attempted, the course completed. Ids and codes only."""

    course_id: str
    person_id: str
    audience: str  # residents or staff
    completed: bool

    @property
    def aggregate(self) -> str:
        key = f"training:{self.course_id}:{self.person_id}"
        if len(key) <= AGGREGATE_MAX:
            return key
        # two ids of 64 characters make a key past the store's 128: the pair by its digest
        pair = f"{self.course_id}\n{self.person_id}".encode()
        return f"training:{hashlib.sha256(pair).hexdigest()}"


def fact_of(event_id: str, data: EventData) -> Fact | None:
    """The fact an event carries, or None for an event the KPIs do not use."""
    match data:
        case WorkOrderChangedV1():
            return WorkOrderStep(
                event_id,
                data.community_id,
                data.occurred_at,
                data.work_order_id,
                data.case_type,
                data.action,
                str(data.status),
                data.building_id,
            )
        case WorkOrderRatedV1():
            return WorkOrderRating(
                event_id,
                data.community_id,
                data.rated_at,
                data.work_order_id,
                data.case_type,
                data.rating,
                data.comment,
                data.building_id,
            )
        case WorkOrderSlaBreachedV1():
            return WorkOrderBreach(
                event_id,
                data.community_id,
                data.breached_at,
                data.work_order_id,
                data.case_type,
                data.due_at,
            )
        case AlarmRaisedV1() | AlarmAcknowledgedV1() | AlarmClearedV1():
            return AlarmSnapshot(
                event_id,
                data.community_id,
                data.last_at,
                data.alarm_id,
                data.alarm_type,
                data.building_id,
                data.first_at,
                data.acknowledged_at,
                data.cleared_at,
                getattr(data, "false_alarm", None),
            )
        case NotificationDeliveredV1() if data.community_id:
            return Delivery(
                event_id,
                data.community_id,
                data.decided_at,
                data.delivery_id,
                data.template,
                str(data.channel),
                str(data.status),
            )
        case NotificationOpenedV1() if data.community_id:
            return DeliveryRead(event_id, data.community_id, data.read_at, data.delivery_id)
        case ApplicationChangedV1():
            return HallStep(
                event_id,
                data.community_id,
                data.occurred_at,
                data.application_id,
                data.item_code,
                data.action,
                str(data.status),
                data.building_id,
                data.grid_id,
            )
        case ActivityChangedV1():
            return ActivitySnapshot(
                event_id,
                data.community_id,
                data.occurred_at,
                data.activity_id,
                data.status,
                data.starts_at,
                data.signed_up,
                data.came,
                data.average_rating,
            )
        case PaymentOrderPaidV1() if data.community_id:
            return PaymentOutcome(
                event_id, data.community_id, data.paid_at, data.order_id, data.purpose, True
            )
        case PaymentOrderClosedV1() if data.community_id:
            return PaymentOutcome(
                event_id, data.community_id, data.closed_at, data.order_id, data.purpose, False
            )
        case ThresholdBreachedV1():
            return CareBreach(
                event_id,
                data.community_id,
                data.measured_at,
                data.episode_id,
                str(data.kind),
                bool(data.notified_user_ids),
            )
        case WanderingDetectedV1():
            return WanderingMove(
                event_id, data.community_id, data.at, data.person_id, data.zone_id, str(data.move)
            )
        case AnomalyDetectedV1() if data.visit_id:
            return CheckOnVisit(
                event_id,
                data.community_id,
                data.detected_at,
                data.visit_id,
                "opened",
                str(data.rule),
                None,
            )
        case WelfareChangedV1() if data.action in WELFARE_ACTIONS:
            return WelfareStep(
                event_id,
                data.community_id,
                data.occurred_at,
                data.beneficiary_id,
                data.programme,
                data.action,
                data.grid_id,
                data.month,
            )
        case TrainingRecordChangedV1():
            return TrainingStep(
                event_id,
                data.community_id,
                data.occurred_at,
                data.course_id,
                data.person_id,
                data.audience,
                data.completed,
            )
        case VisitDoneV1():
            return CheckOnVisit(
                event_id, data.community_id, data.done_at, data.visit_id, "done", None, data.purpose
            )
    return None
