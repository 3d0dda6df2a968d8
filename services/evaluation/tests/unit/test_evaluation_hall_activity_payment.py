"""KPIs of the service hall's applications, community activities and payment orders:
the same whatever the arrival order, unchanged by redelivery."""

from __future__ import annotations

import random
from itertools import permutations

import pytest

from evaluation.domain.kpis import KPIS, KpiLedger, fact_of
from evaluation.domain.periods import parse_period
from evaluation_fixtures import COMMUNITY, activity, at, closed, hall, paid

NOV = parse_period("2026-11")


def events() -> list:
    return [
        hall("a1", "submitted", "in_review", at(2, 9)),
        hall("a1", "more_requested", "needs_more", at(2, 15)),
        hall("a1", "resubmitted", "in_review", at(3, 9)),
        hall("a1", "approved", "approved", at(4, 9)),  # 2 days after submission
        hall("a2", "submitted", "in_review", at(5, 9)),
        hall("a2", "rejected", "rejected", at(5, 21)),  # 12 h
        hall("a3", "submitted", "in_review", at(6, 9)),
        hall("a3", "withdrawn", "withdrawn", at(6, 10)),  # left out of the decisions
        activity("x1", "announced", at(1, 9), 10, 0),
        activity("x1", "finished", at(10, 12), 12, 9, 4.5),
        activity("x2", "announced", at(1, 9), 5, 0),
        activity("x2", "cancelled", at(8, 9), 5, 0),  # not held
        paid("p1", at(7, 9)),
        closed("p2", at(7, 9)),
        closed("p3", at(7, 9)),
        paid("p3", at(7, 10)),  # paid after closing: a completed payment (refunded)
    ]


def ledger_of(evs: list, order: list[int]) -> KpiLedger:
    ledger = KpiLedger()
    for i in order:
        fact = fact_of(f"e{i}", evs[i])
        assert fact is not None
        ledger.apply(fact, {})
    return ledger


def test_hall_activity_and_payment_kpis() -> None:
    evs = events()
    v = ledger_of(evs, list(range(len(evs)))).value

    def value(kpi: str, scope: str = "community", place: str = COMMUNITY) -> float | None:
        return v(kpi, scope, place, NOV).value

    assert value("hall.submitted") == 3
    assert value("hall.approval_rate") == pytest.approx(0.5)
    assert value("hall.decision_s") == pytest.approx((48 + 12) * 3600 / 2)
    assert value("hall.submitted", "grid", "G7") == 3  # the event's grid
    assert value("activity.held") == 1
    assert value("activity.attendance_rate") == pytest.approx(9 / 12)
    assert value("activity.rating_mean") == pytest.approx(4.5)
    assert value("pay.success_rate") == pytest.approx(2 / 3)
    assert all(KPIS[k].name.zh and KPIS[k].definition.en for k in KPIS)


def test_any_order_and_redelivery_give_the_same_buckets() -> None:
    evs = events()
    expected = ledger_of(evs, list(range(len(evs)))).buckets
    for order in permutations(range(4)):  # the 24 orders of one application's steps
        rest = list(range(4, len(evs)))
        assert ledger_of(evs, [*order, *rest]).buckets == expected
    rng = random.Random(26)
    for _ in range(100):
        order = [rng.randrange(len(evs)) for _ in range(20)] + list(range(len(evs)))
        rng.shuffle(order)
        assert ledger_of(evs, order).buckets == expected


def test_every_fact_is_stored_and_read_back_alike() -> None:
    from evaluation.kpi_store import KINDS, fact_from_json, fact_to_json

    for i, event in enumerate(events()):
        fact = fact_of(f"e{i}", event)
        assert fact is not None and type(fact).__name__ in KINDS
        assert fact_from_json(type(fact).__name__, fact_to_json(fact)) == fact
