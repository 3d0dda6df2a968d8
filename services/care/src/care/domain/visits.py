"""Home visits (上门随访), check-on visits for people living alone, and medicine
home-delivery requests (送药上门) (pure).

A visit is scheduled (by a doctor, or automatically from a lone-elder anomaly for the grid
worker), then done with a record, missed, or cancelled. A check-on visit's outcome feeds
back: "all well, a false alarm" loosens the rule that opened it for that person.

A medicine delivery request names medicines from the person's current medication list
(anything else needs the doctor), an address and a time; it moves requested → accepted →
out for delivery → delivered, or is cancelled before it leaves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from care.domain.lone_elder import Rule, WatchParams


class VisitError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


class Purpose(StrEnum):
    ROUTINE = "routine"  # a scheduled home visit by the family-doctor team
    FOLLOW_UP = "follow_up"  # after an appointment, a breach, a questionnaire
    CHECK_ON = "check_on"  # opened by a lone-elder anomaly, for the grid worker


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    WELL = "well"  # all well
    FALSE_ALARM = "false_alarm"  # all well, and the alarm was wrong (e.g. away visiting)
    NEEDS_HELP = "needs_help"  # help arranged; the record says what
    UNREACHABLE = "unreachable"  # nobody answered: family and the doctor are told again


@dataclass(frozen=True)
class Visit:
    id: str
    person_id: str
    purpose: Purpose
    assignee: str  # doctor, nurse or grid worker
    due: datetime
    status: VisitStatus = VisitStatus.SCHEDULED
    reason: str | None = None  # plain words: why this visit
    rule: Rule | None = None  # the anomaly's rule, for check-on visits
    anomaly_key: str | None = None
    done_at: datetime | None = None
    outcome: Outcome | None = None
    record: str | None = None


def check_on(visit_id: str, person_id: str, grid_worker: str, due: datetime,
             rule: Rule, anomaly_key: str, reason: str) -> Visit:  # fmt: skip
    return Visit(visit_id, person_id, Purpose.CHECK_ON, grid_worker, due, reason=reason,
                 rule=rule, anomaly_key=anomaly_key)  # fmt: skip


def complete(visit: Visit, actor: str, at: datetime, outcome: Outcome, record: str) -> Visit:
    if visit.status is not VisitStatus.SCHEDULED:
        raise VisitError(
            "care.visit_not_open", "该随访已结束或已取消。", "This visit is already closed."
        )
    if actor != visit.assignee:
        raise VisitError(
            "care.visit_not_assignee", "只有被指派的人员可以填写随访记录。",
            "Only the person the visit is assigned to can record it.",
        )  # fmt: skip
    if not record.strip():
        raise VisitError(
            "care.visit_record_empty", "请填写随访记录。", "Please write what you found."
        )
    if outcome is Outcome.FALSE_ALARM and visit.purpose is not Purpose.CHECK_ON:
        raise VisitError(
            "care.visit_outcome", "只有探视任务可以标记为误报。",
            "Only a check-on visit can be marked as a false alarm.",
        )  # fmt: skip
    return replace(visit, status=VisitStatus.DONE, done_at=at, outcome=outcome, record=record)


def feedback(visit: Visit, params: WatchParams) -> WatchParams:
    """The person's watch parameters after a done visit (loosened after a false alarm)."""
    if visit.outcome is Outcome.FALSE_ALARM and visit.rule is not None:
        return params.after_false_alarm(visit.rule)
    return params


def cancel(visit: Visit) -> Visit:
    if visit.status is not VisitStatus.SCHEDULED:
        raise VisitError(
            "care.visit_not_open", "该随访已结束或已取消。", "This visit is already closed."
        )
    return replace(visit, status=VisitStatus.CANCELLED)


class DeliveryStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


_NEXT = {
    DeliveryStatus.REQUESTED: {DeliveryStatus.ACCEPTED, DeliveryStatus.CANCELLED},
    DeliveryStatus.ACCEPTED: {DeliveryStatus.OUT_FOR_DELIVERY, DeliveryStatus.CANCELLED},
    DeliveryStatus.OUT_FOR_DELIVERY: {DeliveryStatus.DELIVERED},
}


@dataclass(frozen=True)
class MedicineRequest:
    id: str
    person_id: str
    medicines: tuple[str, ...]
    address: str
    requested_by: str
    status: DeliveryStatus = DeliveryStatus.REQUESTED
    note: str | None = None


def request_medicine(
    request_id: str,
    person_id: str,
    medicines: Iterable[str],
    current: Iterable[str],
    address: str,
    actor: str,
    note: str | None = None,
) -> MedicineRequest:
    wanted = tuple(dict.fromkeys(m.strip() for m in medicines if m.strip()))
    if not wanted:
        raise VisitError(
            "care.medicine_empty", "请选择需要配送的药品。", "Choose the medicines to deliver."
        )
    unknown = [m for m in wanted if m not in set(current)]
    if unknown:
        raise VisitError(
            "care.medicine_not_current",
            "以下药品不在当前用药清单中，请先咨询家庭医生：" + "、".join(unknown),
            "These are not on the current medication list; please ask the family doctor first: "
            + ", ".join(unknown),
        )
    if not address.strip():
        raise VisitError("care.medicine_address", "请填写送药地址。", "Give a delivery address.")
    return MedicineRequest(request_id, person_id, wanted, address.strip(), actor, note=note)


def move(request: MedicineRequest, to: DeliveryStatus) -> MedicineRequest:
    if to not in _NEXT.get(request.status, set()):
        raise VisitError(
            "care.medicine_transition", "送药订单当前状态不能进行此操作。",
            "The delivery cannot move that way from where it is.",
        )  # fmt: skip
    return replace(request, status=to)
