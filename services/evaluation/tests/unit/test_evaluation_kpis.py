"""KPI aggregation: idempotent by event id, the same whatever the order, exact per period."""

from __future__ import annotations

import random
from itertools import permutations

import pytest

from evaluation.domain.kpis import KpiLedger, fact_of
from evaluation.domain.periods import parse_period
from evaluation_fixtures import (
    ACKED,
    CLEARED,
    COMMUNITY,
    RAISED,
    alarm,
    at,
    breach,
    delivered,
    rated,
    read,
    step,
)

NOV, DEC = parse_period("2026-11"), parse_period("2026-12")


def case_events() -> list:
    return [
        step("wo-1", "created", "submitted", at(2, 9)),
        step("wo-1", "accept", "accepted", at(2, 10)),
        breach("wo-1", at(3, 9), at(3, 9)),
        step("wo-1", "resolve", "resolved", at(3, 12)),
        step("wo-1", "reopen", "reopened", at(4, 8)),
        step("wo-1", "resolve", "resolved", at(4, 12)),
        rated("wo-1", 2, at(5, 9)),
        rated("wo-1", 4, at(6, 9)),  # the resident changed their mind: 4 counts, not 2
    ]


def ledger_of(events: list, order: list[int] | None = None, grids: dict | None = None) -> KpiLedger:
    ledger = KpiLedger()
    for i in order if order is not None else range(len(events)):
        ledger.apply(fact_of(f"e{i}", events[i]), grids)
    return ledger


def test_one_case_gives_each_kpi_once() -> None:
    v = ledger_of(case_events()).value
    assert v("wo.first_response_s", "community", COMMUNITY, NOV).value == 3600
    assert v("wo.resolution_s", "community", COMMUNITY, NOV).value == 27 * 3600
    assert v("wo.on_time_rate", "community", COMMUNITY, NOV).value == 0  # breached first
    assert v("wo.reopen_rate", "community", COMMUNITY, NOV).value == pytest.approx(0.5)
    assert v("wo.rating_mean", "community", COMMUNITY, NOV).value == 4
    assert v("wo.rating_mean", "community", COMMUNITY, NOV).stat.n == 1
    assert v("wo.opened", "community", COMMUNITY, NOV).value == 1


def test_every_arrival_order_gives_the_same_buckets() -> None:
    events = case_events()[:6]  # all 720 orders of the six lifecycle steps
    expected = ledger_of(events).buckets
    for order in permutations(range(len(events))):
        assert ledger_of(events, list(order)).buckets == expected
    whole = case_events()  # and 200 random orders of all eight events
    expected = ledger_of(whole).buckets
    rng = random.Random(8)
    for _ in range(200):
        order = list(range(len(whole)))
        rng.shuffle(order)
        assert ledger_of(whole, order).buckets == expected


def test_redelivery_in_any_order_changes_nothing() -> None:
    events = case_events()
    expected = ledger_of(events).buckets
    rng = random.Random(26)
    for _ in range(50):
        order = [rng.randrange(len(events)) for _ in range(30)] + list(range(len(events)))
        rng.shuffle(order)
        assert ledger_of(events, order).buckets == expected


def test_a_breach_arriving_after_the_resolution_corrects_on_time() -> None:
    ledger = KpiLedger()
    events = [
        step("wo-9", "created", "submitted", at(2, 9)),
        step("wo-9", "resolve", "resolved", at(3, 12)),
    ]
    for i, e in enumerate(events):
        ledger.apply(fact_of(f"x{i}", e))
    assert ledger.value("wo.on_time_rate", "community", COMMUNITY, NOV).value == 1
    moves = ledger.apply(fact_of("x9", breach("wo-9", at(3, 9), at(3, 9))))
    assert moves  # the late breach moved the figure ...
    assert ledger.value("wo.on_time_rate", "community", COMMUNITY, NOV).value == 0
    assert ledger.value("wo.on_time_rate", "community", COMMUNITY, NOV).stat.n == 1  # ... not added


def test_periods_follow_beijing_time() -> None:
    events = [
        step("wo-7", "created", "submitted", at(30, 23.5)),  # 15:30 UTC, still November
        step("wo-8", "created", "submitted", at(1, 0.5, month=12)),
    ]  # 16:30 UTC on 30 Nov
    ledger = ledger_of(events)
    assert ledger.value("wo.opened", "community", COMMUNITY, NOV).value == 1
    assert ledger.value("wo.opened", "community", COMMUNITY, DEC).value == 1
    assert ledger.value("wo.opened", "community", COMMUNITY, parse_period("2026-Q4")).value == 2
    assert ledger.value("wo.opened", "community", COMMUNITY, parse_period("2026")).value == 2
    assert ledger.value("wo.opened", "community", COMMUNITY, parse_period("2026-11-30")).value == 1


def test_buildings_grids_and_services_have_their_own_figures() -> None:
    events = [
        step("a", "created", "submitted", at(2), building="B1"),
        step("b", "created", "submitted", at(2), building="B2", case_type="complaint"),
        step("c", "created", "submitted", at(2), building=None),
    ]
    ledger = ledger_of(events, grids={"B1": "G1", "B2": "G1"})
    assert ledger.value("wo.opened", "community", COMMUNITY, NOV).value == 3
    assert ledger.value("wo.opened", "building", "B2", NOV).value == 1
    assert ledger.value("wo.opened", "grid", "G1", NOV).value == 2
    assert ledger.value("wo.opened", "community", COMMUNITY, NOV, service="complaint").value == 1
    assert set(ledger.services("wo.opened", COMMUNITY, NOV)) == {"repair", "complaint"}


def test_alarm_times_and_notification_outcomes() -> None:
    first = at(12, 20)
    ack, cleared = at(12, 20.1), at(12, 21)
    events = [
        alarm(CLEARED, "al", first, ack=ack, cleared=cleared),  # out of order
        alarm(RAISED, "al", first),
        alarm(ACKED, "al", first, ack=ack),
        delivered("d1", "held", at(20, 23)),
        delivered("d1", "sent", at(21, 8)),
        delivered("d2", "suppressed", at(21, 8)),
        delivered("d3", "failed", at(21, 8)),
    ]
    ledger = ledger_of(events)
    assert ledger.value("alarm.ack_s", "community", COMMUNITY, NOV).value == pytest.approx(360)
    assert ledger.value("alarm.clear_s", "building", "B1", NOV).value == pytest.approx(3600)
    assert ledger.value("alarm.raised", "community", COMMUNITY, NOV).value == 1
    assert ledger.value("alarm.false_rate", "community", COMMUNITY, NOV).value is None
    rate = ledger.value("notify.delivery_rate", "community", COMMUNITY, NOV)
    assert rate.value == pytest.approx(0.5)  # d1 sent, d3 failed; d2 suppressed left out
    assert rate.stat.n == 2


def test_a_figure_names_the_events_behind_it() -> None:
    events = case_events()
    ledger = ledger_of(events)
    # the mean rating rests on the latest rating only; the response time on two steps
    assert ledger.inputs("wo.rating_mean", "community", COMMUNITY, NOV) == ["e7"]
    assert ledger.inputs("wo.first_response_s", "community", COMMUNITY, NOV) == ["e0", "e1"]


def test_a_rating_that_names_its_building_counts_there_without_the_case_steps() -> None:
    ledger = KpiLedger()
    ledger.apply(fact_of("e1", rated("wo-x", 4, at(3, 10), building="B9")))
    nov = parse_period("2026-11")
    assert ledger.value("wo.rating_mean", "building", "B9", nov).value == 4
    # the case's own steps, when they arrive, keep it there
    ledger.apply(fact_of("e2", step("wo-x", "created", "submitted", at(3, 9), building="B9")))
    assert ledger.value("wo.rating_mean", "building", "B9", nov).stat.n == 1


def test_the_false_alarm_share_counts_judged_clears_only() -> None:
    first = at(12, 20)
    events = [
        alarm(CLEARED, "a1", first, cleared=at(12, 21), false_alarm=True),
        alarm(CLEARED, "a2", first, cleared=at(12, 21), false_alarm=False),
        alarm(CLEARED, "a3", first, cleared=at(12, 21)),  # cleared by its rule: not judged
    ]
    ledger = KpiLedger()
    for i, e in enumerate(events):
        ledger.apply(fact_of(f"e{i}", e))
    share = ledger.value("alarm.false_rate", "community", COMMUNITY, NOV)
    assert share.value == pytest.approx(0.5) and share.stat.n == 2


def test_the_read_rate_counts_in_app_messages_sent_in_the_period() -> None:
    events = [
        delivered("m1", "sent", at(5, 9), channel="inapp"),
        delivered("m2", "sent", at(5, 9), channel="inapp"),
        delivered("m3", "sent", at(5, 9), channel="sms"),  # not in-app: not counted
        read("m1", at(5, 10)),
    ]
    ledger = KpiLedger()
    ledger.apply(fact_of("e3", events[3]))  # a read before its delivery waits for it
    for i, e in enumerate(events[:3]):
        ledger.apply(fact_of(f"e{i}", e))
    rate = ledger.value("notify.read_rate", "community", COMMUNITY, NOV)
    assert rate.value == pytest.approx(0.5) and rate.stat.n == 2
