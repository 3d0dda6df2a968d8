"""Appointments, home and check-on visits with feedback, medicine delivery requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from care.domain.appointments import (
    AppointmentError,
    BookingStatus,
    Slot,
    book,
    cancel,
    cancel_slot,
    close,
    publish,
    reminders,
)
from care.domain.lone_elder import Rule, WatchParams
from care.domain.visits import (
    DeliveryStatus,
    Outcome,
    Purpose,
    VisitError,
    VisitStatus,
    check_on,
    complete,
    feedback,
    move,
    request_medicine,
)
from care.domain.visits import cancel as cancel_visit

MON = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
NOW = MON - timedelta(days=2)


def test_a_morning_of_fifteen_minute_slots():
    slots = publish("u-doc", MON, MON + timedelta(hours=3), timedelta(minutes=15), capacity=2)
    assert len(slots) == 12 and slots[0].free == 2 and slots[-1].end == MON + timedelta(hours=3)
    with pytest.raises(AppointmentError):
        publish("u-doc", MON, MON, timedelta(minutes=15))
    with pytest.raises(AppointmentError) as info:
        Slot("s", "u-doc", MON, MON + timedelta(hours=5))
    assert info.value.code == "care.slot_window"


def test_booking_fills_a_slot_and_one_per_doctor_per_day():
    slot = Slot("s-1", "u-doc", MON, MON + timedelta(minutes=15), capacity=1)
    slot, b = book(slot, booking_id="b-1", person_id="p-1", actor="u-daughter", now=NOW)
    assert slot.free == 0 and b.status is BookingStatus.BOOKED and b.booked_by == "u-daughter"
    with pytest.raises(AppointmentError) as info:
        book(slot, booking_id="b-2", person_id="p-2", actor="u-2", now=NOW)
    assert info.value.code == "care.slot_full" and info.value.zh == "该时段已约满。"
    later = Slot("s-2", "u-doc", MON + timedelta(hours=1), MON + timedelta(hours=1, minutes=15))
    with pytest.raises(AppointmentError) as info:
        book(later, booking_id="b-3", person_id="p-1", actor="u-1", now=NOW, persons_bookings=[b])
    assert info.value.code == "care.booking_duplicate"


def test_cancel_frees_the_place_until_the_slot_starts():
    slot = Slot("s-1", "u-doc", MON, MON + timedelta(minutes=15))
    slot, b = book(slot, booking_id="b-1", person_id="p-1", actor="u-1", now=NOW)
    slot2, b2 = cancel(slot, b, "u-1", NOW)
    assert slot2.free == 1 and b2.status is BookingStatus.CANCELLED
    with pytest.raises(AppointmentError) as info:
        cancel(slot, b, "u-1", MON + timedelta(minutes=1))
    assert info.value.code == "care.booking_too_late"
    with pytest.raises(AppointmentError):
        cancel(slot2, b2, "u-1", NOW)
    with pytest.raises(AppointmentError) as info:
        book(slot, booking_id="b-9", person_id="p-9", actor="u-9", now=MON)
    assert info.value.code == "care.slot_started"


def test_the_doctor_stops_a_slot_and_every_booking_is_cancelled():
    slot = Slot("s-1", "u-doc", MON, MON + timedelta(minutes=30), capacity=3)
    slot, a = book(slot, booking_id="a", person_id="p-1", actor="u-1", now=NOW)
    slot, b = book(slot, booking_id="b", person_id="p-2", actor="u-2", now=NOW)
    stopped, told = cancel_slot(slot, [a, b], "u-doc")
    assert stopped.free == 0 and [x.status for x in told] == [BookingStatus.CANCELLED] * 2
    with pytest.raises(AppointmentError) as info:
        book(stopped, booking_id="c", person_id="p-3", actor="u-3", now=NOW)
    assert info.value.code == "care.slot_cancelled"
    assert close(a, attended=False).status is BookingStatus.NO_SHOW


def test_reminders_24_and_2_hours_before_if_still_ahead():
    slot = Slot("s-1", "u-doc", MON, MON + timedelta(minutes=15))
    _, b = book(slot, booking_id="b", person_id="p", actor="u", now=NOW)
    assert reminders(b, NOW) == [MON - timedelta(hours=24), MON - timedelta(hours=2)]
    assert reminders(b, MON - timedelta(hours=5)) == [MON - timedelta(hours=2)]


def test_a_check_on_visit_found_a_false_alarm_loosens_the_rule():
    v = check_on("v-1", "p-1", "u-grid", NOW, Rule.NO_WATER, "h-1:no_water:water:2026-12-05",
                 "自12月5日 08:00起已有9小时没有用水")  # fmt: skip
    assert v.purpose is Purpose.CHECK_ON and v.status is VisitStatus.SCHEDULED
    with pytest.raises(VisitError) as info:
        complete(v, "u-someone-else", NOW, Outcome.WELL, "一切正常")
    assert info.value.code == "care.visit_not_assignee"
    done = complete(
        v, "u-grid", NOW + timedelta(hours=1), Outcome.FALSE_ALARM, "老人去女儿家住了两天"
    )
    assert done.status is VisitStatus.DONE and done.record == "老人去女儿家住了两天"
    assert feedback(done, WatchParams()).no_water_hours == 10
    with pytest.raises(VisitError):
        complete(done, "u-grid", NOW, Outcome.WELL, "again")
    with pytest.raises(VisitError):
        cancel_visit(done)


def test_only_check_on_visits_can_be_false_alarms_and_records_are_needed():
    from care.domain.visits import Visit

    routine = Visit("v-2", "p-1", Purpose.ROUTINE, "u-doc", NOW)
    with pytest.raises(VisitError) as info:
        complete(routine, "u-doc", NOW, Outcome.FALSE_ALARM, "x")
    assert info.value.code == "care.visit_outcome"
    with pytest.raises(VisitError) as info:
        complete(routine, "u-doc", NOW, Outcome.WELL, "   ")
    assert info.value.code == "care.visit_record_empty"
    done = complete(routine, "u-doc", NOW, Outcome.WELL, "血压平稳")
    assert feedback(done, WatchParams()) == WatchParams()


def test_medicine_delivery_from_the_current_list_only():
    current = ["苯磺酸氨氯地平片", "二甲双胍片"]
    r = request_medicine("m-1", "p-1", ["苯磺酸氨氯地平片", "苯磺酸氨氯地平片"], current,
                         "幸福里社区 1号楼 1单元 101室", "u-daughter")  # fmt: skip
    assert r.medicines == ("苯磺酸氨氯地平片",) and r.status is DeliveryStatus.REQUESTED
    with pytest.raises(VisitError) as info:
        request_medicine("m-2", "p-1", ["阿莫西林"], current, "101室", "u-d")
    assert info.value.zh == "以下药品不在当前用药清单中，请先咨询家庭医生：阿莫西林"
    r = move(move(r, DeliveryStatus.ACCEPTED), DeliveryStatus.OUT_FOR_DELIVERY)
    with pytest.raises(VisitError):
        move(r, DeliveryStatus.CANCELLED)  # already on its way
    assert move(r, DeliveryStatus.DELIVERED).status is DeliveryStatus.DELIVERED
