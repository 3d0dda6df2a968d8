"""Mutual aid, value-added services, venues; public health register, detections,
isolation, statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from care.domain.elderly import (
    HelpStatus,
    OrderStatus,
    ServiceError,
    ServiceKind,
    ServiceOrder,
    advance,
    ask,
    cancel_help,
    confirm,
    rate,
    release,
    take,
)
from care.domain.public_health import (
    DetectionKind,
    HealthError,
    Incident,
    IncidentKind,
    IncidentStatus,
    Isolation,
    Period,
    add_measure,
    detections,
    door_event,
    set_status,
    statistics,
)
from care.domain.venues import Crowd, Venue, venue_status

SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def test_mutual_aid_from_ask_to_thanks():
    r = ask("h-1", "u-elder", "p-1", " 帮忙买菜 ", T)
    assert r.what == "帮忙买菜" and r.status is HelpStatus.OPEN
    with pytest.raises(ServiceError) as info:
        take(r, "u-elder")
    assert info.value.code == "care.help_own"
    r = take(r, "u-neighbour")
    with pytest.raises(ServiceError):
        take(r, "u-volunteer")  # already taken
    r = take(release(r, "u-neighbour"), "u-volunteer")
    with pytest.raises(ServiceError) as info:
        confirm(r, "u-volunteer", 5, None)
    assert info.value.code == "care.help_not_requester"
    with pytest.raises(ServiceError) as info:
        confirm(r, "u-elder", 6, None)
    assert info.value.code == "care.rating_range"
    done = confirm(r, "u-elder", 5, "谢谢小王")
    assert (done.status, done.helper, done.rating) == (HelpStatus.DONE, "u-volunteer", 5)
    with pytest.raises(ServiceError):
        cancel_help(done, "u-elder")


def test_value_added_services_are_rated_once_after_they_are_done():
    o = ServiceOrder("o-1", ServiceKind.POST_OP_CARE, "prov-1", "p-1", "u-daughter", T)
    with pytest.raises(ServiceError) as info:
        rate(o, "u-daughter", 5, None)
    assert info.value.code == "care.order_not_done"
    o = advance(advance(o, OrderStatus.CONFIRMED), OrderStatus.DONE)
    with pytest.raises(ServiceError):
        rate(o, "u-stranger", 5, None)
    o = rate(o, "u-daughter", 4, "护士很细心")
    assert (o.status, o.rating) == (OrderStatus.RATED, 4)
    with pytest.raises(ServiceError):
        rate(o, "u-daughter", 5, None)
    with pytest.raises(ServiceError):
        advance(o, OrderStatus.CANCELLED)


VENUE = Venue("v-1", "老年活动室", 40, time(8), time(21), SH)


@pytest.mark.parametrize(
    ("latest", "now", "crowd", "zh"),
    [
        ({"peopleCount": (T, 6)}, T, Crowd.QUIET, "老年活动室：空闲（约6人，可容纳40人）"),
        ({"peopleCount": (T, 30)}, T, Crowd.BUSY, "老年活动室：较拥挤（约30人，可容纳40人）"),
        ({"peopleCount": (T, 45)}, T, Crowd.FULL, "老年活动室：已满（约45人，可容纳40人）"),
        (
            {"peopleCount": (T - timedelta(hours=1), 6)},
            T,
            Crowd.UNKNOWN,
            "老年活动室：暂无实时数据",
        ),
        ({"peopleCount": (T, 6), "open": (T, False)}, T, Crowd.CLOSED, "老年活动室：未开放"),
        ({"peopleCount": (T, 6)}, T + timedelta(hours=12), Crowd.CLOSED, "老年活动室：未开放"),
    ],
)
def test_venue_live_status(latest, now, crowd, zh):
    s = venue_status(VENUE, latest, now)
    assert s.crowd is crowd
    assert s.words(VENUE)[0] == zh


def incident() -> Incident:
    return Incident("i-1", IncidentKind.INFECTIOUS, "流感聚集性病例", "DEMO-001", "b-1", T, cases=3)


def test_incidents_keep_their_measures_and_close_only_with_one():
    i = incident()
    with pytest.raises(HealthError) as info:
        set_status(i, IncidentStatus.CLOSED, T)
    assert info.value.code == "care.incident_no_measures"
    i = add_measure(i, T, "u-doc", "对1号楼公共区域消毒")
    i = set_status(i, IncidentStatus.CONTROLLED, T + timedelta(days=1))
    i = set_status(i, IncidentStatus.CLOSED, T + timedelta(days=7))
    assert i.closed_at == T + timedelta(days=7) and len(i.measures) == 1
    with pytest.raises(HealthError):
        add_measure(i, T, "u-doc", "again")


def test_detections_from_cameras_and_thermometers():
    found = detections("cam-1", "DEMO-001", "b-1", {"noMask": True, "bodyTemperature": 37.9}, T)
    assert [(d.kind, d.value) for d in found] == [
        (DetectionKind.NO_MASK, None),
        (DetectionKind.FEVER, 37.9),
    ]
    assert (
        detections("cam-1", "DEMO-001", None, {"noMask": False, "bodyTemperature": 36.5}, T) == []
    )
    assert detections("cam-1", "DEMO-001", None, {"bodyTemperature": True}, T) == []


def test_isolation_door_opening_tells_once_per_half_hour_within_the_period():
    iso = Isolation(
        "iso-1", "p-1", "h-1", frozenset({"door-1"}), T, T + timedelta(days=7), "u-grid", "u-doc"
    )
    iso, tell = door_event(iso, "door-1", True, T + timedelta(hours=1))
    assert tell
    iso, tell = door_event(iso, "door-1", True, T + timedelta(hours=1, minutes=10))
    assert not tell
    iso, tell = door_event(iso, "door-1", True, T + timedelta(hours=2))
    assert tell
    assert not door_event(iso, "door-1", False, T + timedelta(hours=3))[1]  # closing
    assert not door_event(iso, "door-9", True, T + timedelta(hours=3))[1]  # another door
    assert not door_event(iso, "door-1", True, T + timedelta(days=8))[1]  # after the period
    with pytest.raises(HealthError):
        Isolation("iso-2", "p-1", "h-1", frozenset(), T, T + timedelta(days=1), "u-grid")


def test_statistics_per_week():
    i1 = incident()
    i2 = Incident(
        "i-2", IncidentKind.FOOD_POISONING, "食物中毒", "DEMO-001", None, T + timedelta(days=7)
    )
    d = detections("cam-1", "DEMO-001", "b-1", {"noMask": True}, T + timedelta(days=1))
    stats = statistics([i1, i2], d, Period.WEEK)
    assert stats == {
        date(2026, 11, 30): {"incident_infectious": 1, "cases": 3, "detection_no_mask": 1},
        date(2026, 12, 7): {"incident_food_poisoning": 1, "cases": 1},
    }
    assert list(statistics([i1], [], Period.MONTH)) == [date(2026, 12, 1)]
