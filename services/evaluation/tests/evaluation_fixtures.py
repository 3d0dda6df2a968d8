"""Builders of contract events for the evaluation tests (the events as producers send them)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sc_contracts.events import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    NotificationDeliveredV1,
    NotificationOpenedV1,
    WorkOrderChangedV1,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
)

CST = timezone(timedelta(hours=8))
COMMUNITY = "DEMO-001"


def at(day: int, hour: float = 0, month: int = 11) -> datetime:
    """A moment in November 2026, Beijing time."""
    return datetime(2026, month, day, tzinfo=CST) + timedelta(hours=hour)


def step(
    wo: str,
    action: str,
    status: str,
    when: datetime,
    *,
    building: str | None = "B1",
    case_type: str = "repair",
    previous: str | None = None,
) -> WorkOrderChangedV1:
    return WorkOrderChangedV1(
        work_order_id=wo,
        case_type=case_type,
        action=action,
        status=status,
        previous_status=previous,
        priority="normal",
        community_id=COMMUNITY,
        building_id=building,
        source="app",
        occurred_at=when,
    )


def rated(
    wo: str,
    rating: int,
    when: datetime,
    comment: str | None = None,
    case_type: str = "repair",
    building: str | None = None,
) -> WorkOrderRatedV1:
    return WorkOrderRatedV1(
        work_order_id=wo,
        case_type=case_type,
        community_id=COMMUNITY,
        building_id=building,
        rating=rating,
        comment=comment,
        rated_by="u-" + wo,
        rated_at=when,
    )


def breach(wo: str, due: datetime, when: datetime) -> WorkOrderSlaBreachedV1:
    return WorkOrderSlaBreachedV1(
        work_order_id=wo,
        case_type="repair",
        priority="normal",
        community_id=COMMUNITY,
        status="in_progress",
        due_at=due,
        breached_at=when,
    )


def alarm(
    kind: type,
    alarm_id: str,
    first: datetime,
    *,
    ack: datetime | None = None,
    cleared: datetime | None = None,
    building: str = "B1",
    false_alarm: bool | None = None,
) -> AlarmRaisedV1:
    status = "active_unack"
    if cleared:
        status = "cleared_ack" if ack else "cleared_unack"
    elif ack:
        status = "active_ack"
    last = cleared or ack or first
    return kind(
        alarm_id=alarm_id,
        alarm_type="smoke",
        severity="critical",
        status=status,
        originator_type="device",
        originator_id="dev-" + alarm_id,
        community_id=COMMUNITY,
        building_id=building,
        count=1,
        first_at=first,
        last_at=last,
        acknowledged_at=ack,
        cleared_at=cleared,
        **({} if false_alarm is None else {"false_alarm": false_alarm}),
    )


RAISED, ACKED, CLEARED = AlarmRaisedV1, AlarmAcknowledgedV1, AlarmClearedV1


def delivered(
    delivery_id: str, status: str, when: datetime, channel: str = "sms"
) -> NotificationDeliveredV1:
    return NotificationDeliveredV1(
        delivery_id=delivery_id,
        request_id="r-" + delivery_id,
        recipient_id="u1",
        channel=channel,
        status=status,
        attempts=1,
        template="alarm.raised",
        severity="critical",
        community_id=COMMUNITY,
        decided_at=when,
    )


def read(delivery_id: str, when: datetime) -> NotificationOpenedV1:
    return NotificationOpenedV1(
        delivery_id=delivery_id,
        request_id="r-" + delivery_id,
        recipient_id="u1",
        template="alarm.raised",
        community_id=COMMUNITY,
        read_at=when,
    )


def hall(app: str, action: str, status: str, when: datetime, item: str = "old_age_allowance"):
    from sc_contracts.events.gov import ApplicationChangedV1

    return ApplicationChangedV1(
        application_id=app,
        number=f"GA-2026-{app}",
        item_code=item,
        item_version=1,
        community_id=COMMUNITY,
        building_id="B1",
        grid_id="G7",
        applicant_id="u-" + app,
        action=action,
        status=status,
        occurred_at=when,
    )


def activity(act: str, status: str, when: datetime, signed_up: int, came: int, rating=None):
    from sc_contracts.events import ActivityChangedV1

    return ActivityChangedV1(
        activity_id=act,
        community_id=COMMUNITY,
        status=status,
        starts_at=at(10, 9),
        capacity=30,
        signed_up=signed_up,
        came=came,
        average_rating=rating,
        occurred_at=when,
    )


def paid(order: str, when: datetime, purpose: str = "parking"):
    from sc_contracts.events.payment import PaymentOrderPaidV1

    return PaymentOrderPaidV1(
        order_id=order,
        out_trade_no="T" + order,
        provider="wechat",
        channel="qr",
        amount_fen=500,
        purpose=purpose,
        target_id="s-" + order,
        community_id=COMMUNITY,
        trade_no="W" + order,
        paid_at=when,
    )


def closed(order: str, when: datetime, purpose: str = "parking"):
    from sc_contracts.events.payment import PaymentOrderClosedV1

    return PaymentOrderClosedV1(
        order_id=order,
        out_trade_no="T" + order,
        purpose=purpose,
        target_id="s-" + order,
        community_id=COMMUNITY,
        closed_at=when,
    )


def care_breach(episode: str, when: datetime, told: bool = True, kind: str = "blood_pressure"):
    from sc_contracts.events.care import ThresholdBreachedV1

    return ThresholdBreachedV1(
        episode_id=episode,
        person_id="p-" + episode,
        community_id=COMMUNITY,
        kind=kind,
        values={"systolic": 172.0, "diastolic": 101.0},
        unit="mm[Hg]",
        range_text="90-140/60-90",
        direction="high",
        measured_at=when,
        source="device",
        notified_user_ids=["family-1"] if told else [],
    )


def wandering(person: str, move: str, when: datetime, zone: str = "z1"):
    from sc_contracts.events.care import WanderingDetectedV1

    return WanderingDetectedV1(
        person_id=person,
        community_id=COMMUNITY,
        zone_id=zone,
        move=move,
        at=when,
        distance_m=40.0 if move == "left" else -5.0,
    )


def anomaly(visit: str, when: datetime, rule: str = "no_water"):
    from sc_contracts.events.care import AnomalyDetectedV1

    return AnomalyDetectedV1(
        anomaly_id=f"h-{visit}:{rule}:water:{when.date().isoformat()}",
        person_id="p-" + visit,
        household_id="h-" + visit,
        community_id=COMMUNITY,
        rule=rule,
        utility="water",
        day=when.date().isoformat(),
        detected_at=when,
        hours=30.0,
        visit_id=visit,
    )


def visited(visit: str, when: datetime, purpose: str = "check_on", outcome: str = "well"):
    from sc_contracts.events.care import VisitDoneV1

    return VisitDoneV1(
        visit_id=visit,
        person_id="p-" + visit,
        community_id=COMMUNITY,
        purpose=purpose,
        outcome=outcome,
        assignee="grid-1",
        done_at=when,
    )
