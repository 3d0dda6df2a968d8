"""From one aggregate's facts to its KPI contributions (pure, order-independent).

``derive(facts)`` looks at the whole set of facts of one work order, alarm or delivery and
says what it contributes to which KPI, when, and where. The ledger keeps the last answer
per aggregate; when a new fact arrives (in order or not) it derives again and applies the
difference, so a late ``accepted`` step, a breach that arrives after the resolution or a
changed rating corrects the figures instead of adding to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from evaluation.domain.kpis.civic import LegalStep, PartyMeeting, PartyOpinionStep, derive_civic
from evaluation.domain.kpis.contribution import Contribution
from evaluation.domain.kpis.contribution import Emit as _Emit
from evaluation.domain.kpis.facts import (
    ActivitySnapshot,
    AlarmSnapshot,
    CareBreach,
    CheckOnVisit,
    Delivery,
    DeliveryRead,
    Fact,
    HallStep,
    PaymentOutcome,
    TrainingStep,
    WanderingMove,
    WelfareStep,
    WorkOrderBreach,
    WorkOrderRating,
    WorkOrderStep,
)

# staff's steps that answer a case (the reporter's comment or cancel does not)
RESPONSE_ACTIONS = frozenset({"accept", "reject", "assign", "start", "reply", "resolve"})
# an application's final decisions; an activity that took place
DECISIONS = frozenset({"approved", "rejected"})
HELD = frozenset({"finished", "archived"})


def derive(facts: Sequence[Fact], grids: Mapping[str, str]) -> tuple[Contribution, ...]:
    if not facts:
        return ()
    ordered = sorted(facts, key=lambda f: (f.at, f.event_id))
    first = ordered[0]
    if isinstance(first, WorkOrderStep | WorkOrderRating | WorkOrderBreach):
        return _work_order(ordered, grids)
    if isinstance(first, AlarmSnapshot):
        return _alarm([f for f in ordered if isinstance(f, AlarmSnapshot)], grids)
    if isinstance(first, Delivery | DeliveryRead):
        return _delivery(ordered)
    if isinstance(first, HallStep):
        return _hall([f for f in ordered if isinstance(f, HallStep)], grids)
    if isinstance(first, ActivitySnapshot):
        return _activity([f for f in ordered if isinstance(f, ActivitySnapshot)])
    if isinstance(first, PaymentOutcome):
        return _payment([f for f in ordered if isinstance(f, PaymentOutcome)])
    if isinstance(first, CareBreach):
        return _care_breach([f for f in ordered if isinstance(f, CareBreach)])
    if isinstance(first, WanderingMove):
        return _wandering([f for f in ordered if isinstance(f, WanderingMove)])
    if isinstance(first, CheckOnVisit):
        return _visit([f for f in ordered if isinstance(f, CheckOnVisit)])
    if isinstance(first, WelfareStep):
        return _welfare([f for f in ordered if isinstance(f, WelfareStep)])
    if isinstance(first, TrainingStep):
        return _training([f for f in ordered if isinstance(f, TrainingStep)])
    if isinstance(first, LegalStep | PartyOpinionStep | PartyMeeting):
        return derive_civic(ordered)
    raise TypeError(f"no KPIs for {type(first).__name__}")


def _work_order(facts: list[Fact], grids: Mapping[str, str]) -> tuple[Contribution, ...]:
    steps = [f for f in facts if isinstance(f, WorkOrderStep)]
    ratings = [f for f in facts if isinstance(f, WorkOrderRating)]
    breaches = [f for f in facts if isinstance(f, WorkOrderBreach)]
    latest = facts[-1]
    placed = [s for s in steps if s.building_id]
    rated_at = [r for r in ratings if r.building_id]
    building = placed[-1].building_id if placed else rated_at[-1].building_id if rated_at else None
    case_type = steps[-1].case_type if steps else getattr(latest, "case_type", None)
    emit = _Emit(latest.community_id, building, grids, case_type)
    created = next((s for s in steps if s.action == "created"), None)
    if created is not None:
        emit("wo.opened", created.at, 1, 0, created)
        later = [s for s in steps if s.at >= created.at]
        response = next((s for s in later if s.action in RESPONSE_ACTIONS), None)
        if response is not None:
            emit(
                "wo.first_response_s",
                response.at,
                _secs(created.at, response.at),
                1,
                created,
                response,
            )
        resolved = next((s for s in later if s.action == "resolve"), None)
        if resolved is not None:
            emit(
                "wo.resolution_s", resolved.at, _secs(created.at, resolved.at), 1, created, resolved
            )
            late = [b for b in breaches if b.at <= resolved.at]
            emit("wo.on_time_rate", resolved.at, 0 if late else 1, 1, resolved, *late)
    for s in steps:
        if s.action == "resolve":
            emit("wo.reopen_rate", s.at, 0, 1, s)
        elif s.action == "reopen":
            emit("wo.reopen_rate", s.at, 1, 0, s)
    seen_deadlines: set[datetime] = set()
    for b in breaches:  # one per deadline: a breach published twice is counted once
        if b.due_at not in seen_deadlines:
            seen_deadlines.add(b.due_at)
            emit("wo.sla_breaches", b.at, 1, 0, b)
    if ratings:
        r = ratings[-1]  # the latest rating of the case is the one that counts
        emit("wo.rating_mean", r.at, r.rating, 1, r)
        emit("wo.satisfied_rate", r.at, 1 if r.rating >= 4 else 0, 1, r)
    return tuple(emit.out)


def _alarm(snaps: list[AlarmSnapshot], grids: Mapping[str, str]) -> tuple[Contribution, ...]:
    latest = snaps[-1]
    emit = _Emit(latest.community_id, latest.building_id, grids, latest.alarm_type)
    first = min(snaps, key=lambda s: (s.first_at, s.event_id))
    emit("alarm.raised", first.first_at, 1, 0, first)
    acked = sorted(
        (s for s in snaps if s.acknowledged_at), key=lambda s: (s.acknowledged_at, s.event_id)
    )
    if acked:
        a = acked[0]
        assert a.acknowledged_at is not None
        emit(
            "alarm.ack_s", a.acknowledged_at, _secs(first.first_at, a.acknowledged_at), 1, first, a
        )
    cleared = sorted((s for s in snaps if s.cleared_at), key=lambda s: (s.cleared_at, s.event_id))
    if cleared:
        c = cleared[0]
        assert c.cleared_at is not None
        emit("alarm.clear_s", c.cleared_at, _secs(first.first_at, c.cleared_at), 1, first, c)
        judged = [s for s in cleared if s.false_alarm is not None]
        if judged:
            false = any(s.false_alarm for s in judged)
            emit("alarm.false_rate", c.cleared_at, 1 if false else 0, 1, *judged)
    return tuple(emit.out)


def _delivery(facts: list[Fact]) -> tuple[Contribution, ...]:
    outcomes = [f for f in facts if isinstance(f, Delivery)]
    if not outcomes:
        return ()  # a read before its delivery: wait for the delivery
    final = outcomes[-1]  # held, then sent: the latest outcome is the one that counts
    emit = _Emit(final.community_id, None, {}, final.template)
    if final.status in ("sent", "failed"):
        emit("notify.delivery_rate", final.at, 1 if final.status == "sent" else 0, 1, final)
    if final.status == "sent" and final.channel == "inapp":
        reads = [f for f in facts if isinstance(f, DeliveryRead)]
        emit("notify.read_rate", final.at, 1 if reads else 0, 1, final, *reads[:1])
    return tuple(emit.out)


def _hall(steps: list[HallStep], grids: Mapping[str, str]) -> tuple[Contribution, ...]:
    """Submitted (once), and the first final decision: its time and whether it granted."""
    latest = steps[-1]
    placed = [s for s in steps if s.building_id]
    building = placed[-1].building_id if placed else None
    grid = next((s.grid_id for s in reversed(steps) if s.grid_id), None)
    emit = _Emit(latest.community_id, building, grids, latest.item_code, grid)
    submitted = next((s for s in steps if s.action == "submitted"), None)
    if submitted is not None:
        emit("hall.submitted", submitted.at, 1, 0, submitted)
    decided = next((s for s in steps if s.action in DECISIONS), None)
    if decided is not None:
        emit("hall.approval_rate", decided.at, 1 if decided.action == "approved" else 0, 1, decided)
        if submitted is not None and submitted.at <= decided.at:
            emit(
                "hall.decision_s",
                decided.at,
                _secs(submitted.at, decided.at),
                1,
                submitted,
                decided,
            )
    return tuple(emit.out)


def _activity(snaps: list[ActivitySnapshot]) -> tuple[Contribution, ...]:
    """The latest snapshot decides: an activity that took place counts at its start."""
    latest = snaps[-1]
    if latest.status not in HELD:
        return ()
    emit = _Emit(latest.community_id, None, {}, None)
    emit("activity.held", latest.starts_at, 1, 0, latest)
    if latest.signed_up:
        emit("activity.attendance_rate", latest.starts_at, latest.came, latest.signed_up, latest)
    if latest.average_rating is not None:
        emit("activity.rating_mean", latest.starts_at, latest.average_rating, 1, latest)
    return tuple(emit.out)


def _payment(outcomes: list[PaymentOutcome]) -> tuple[Contribution, ...]:
    """Paid at all (even after closing) counts as a success, at the payment; else closed."""
    paid = next((o for o in outcomes if o.paid), None)
    decided = paid or outcomes[0]
    emit = _Emit(decided.community_id, None, {}, decided.purpose)
    emit("pay.success_rate", decided.at, 1 if paid else 0, 1, decided)
    return tuple(emit.out)


def _care_breach(facts: list[CareBreach]) -> tuple[Contribution, ...]:
    """One breach episode counts once, at its first reading; told if anyone was told."""
    first = facts[0]
    emit = _Emit(first.community_id, None, {}, first.kind)
    emit("care.breaches", first.at, 1, 0, first)
    told = [f for f in facts if f.told]
    emit("care.breach_told_rate", first.at, 1 if told else 0, 1, first, *told[:1])
    return tuple(emit.out)


def _wandering(moves: list[WanderingMove]) -> tuple[Contribution, ...]:
    """Episodes of one person and zone in time order: a ``left`` while inside opens one
    (counted at that moment), the next ``returned`` closes it (time back counted then);
    a repeated ``left`` or ``returned`` changes nothing."""
    emit = _Emit(moves[-1].community_id, None, {}, None)
    out: WanderingMove | None = None
    for m in moves:
        if m.move == "left" and out is None:
            out = m
            emit("care.wandering", m.at, 1, 0, m)
        elif m.move == "returned" and out is not None:
            emit("care.wandering_return_s", m.at, _secs(out.at, m.at), 1, out, m)
            out = None
    return tuple(emit.out)


def _visit(facts: list[CheckOnVisit]) -> tuple[Contribution, ...]:
    """A check-on visit: opened by an anomaly (counted then), done when recorded (counted
    then, with the time from the anomaly to the visit). Routine visits count nowhere."""
    opened = next((f for f in facts if f.step == "opened"), None)
    done = next((f for f in facts if f.step == "done"), None)
    if opened is None and (done is None or done.purpose != "check_on"):
        return ()
    emit = _Emit(facts[-1].community_id, None, {}, opened.rule if opened else None)
    if opened is not None:
        emit("care.checks_opened", opened.at, 1, 0, opened)
    if done is not None:
        emit("care.checks_done", done.at, 1, 0, done)
        if opened is not None and opened.at <= done.at:
            emit("care.check_time_s", done.at, _secs(opened.at, done.at), 1, opened, done)
    return tuple(emit.out)


def _welfare(steps: list[WelfareStep]) -> tuple[Contribution, ...]:
    """A welfare record: enrolled and ended once each, at the step; each month paid once
    (a month paid again is the same month), at its payment. Per programme and grid."""
    latest = steps[-1]
    emit = _Emit(latest.community_id, None, {}, latest.programme, latest.grid_id)
    for action, kpi in (("enrolled", "welfare.enrolled"), ("ended", "welfare.ended")):
        step = next((s for s in steps if s.action == action), None)
        if step is not None:
            emit(kpi, step.at, 1, 0, step)
    months: dict[str, WelfareStep] = {}
    for s in steps:
        if s.action == "paid" and s.month:
            months.setdefault(s.month, s)
    for paid in months.values():
        emit("welfare.paid_months", paid.at, 1, 0, paid)
    return tuple(emit.out)


def _training(steps: list[TrainingStep]) -> tuple[Contribution, ...]:
    """A person's record on a course: completed once, at the first step that says so (a
    lesson read again afterwards or a later attempt adds nothing). Per audience."""
    done = next((s for s in steps if s.completed), None)
    if done is None:
        return ()
    emit = _Emit(done.community_id, None, {}, done.audience)
    emit("training.completed", done.at, 1, 0, done)
    return tuple(emit.out)


def _secs(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
