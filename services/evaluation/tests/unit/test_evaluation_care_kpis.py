"""KPIs of care (vital-sign breaches and whether anyone was told, wandering episodes and
the time back, check-on visits opened and done and the time to visit): the same whatever
the arrival order, unchanged by redelivery."""

from __future__ import annotations

import random
from itertools import permutations

import pytest

from evaluation.domain.kpis import KPIS, KpiLedger, fact_of
from evaluation.domain.periods import parse_period
from evaluation_fixtures import COMMUNITY, anomaly, at, care_breach, visited, wandering

NOV = parse_period("2026-11")


def events() -> list:
    return [
        care_breach("ep1", at(2, 8)),
        care_breach("ep2", at(3, 8), told=False, kind="glucose"),
        care_breach("ep3", at(4, 8)),
        wandering("w1", "left", at(5, 10)),
        wandering("w1", "left", at(5, 10.1)),  # still out: no new one
        wandering("w1", "returned", at(5, 11.5)),  # 90 min out
        wandering("w1", "returned", at(5, 12)),  # already back: nothing
        wandering("w1", "left", at(6, 10)),  # a second episode, not yet back
        anomaly("v1", at(7, 8)),
        visited("v1", at(7, 12)),  # 4 h to visit
        anomaly("v2", at(8, 8), rule="meter_silent"),  # opened, not yet visited
        visited("r1", at(9, 9), purpose="routine"),  # a routine visit counts nowhere
    ]


def ledger_of(evs: list, order: list[int]) -> KpiLedger:
    ledger = KpiLedger()
    for i in order:
        fact = fact_of(f"e{i}", evs[i])
        assert fact is not None
        ledger.apply(fact, {})
    return ledger


def test_care_kpis() -> None:
    evs = events()
    ledger = ledger_of(evs, list(range(len(evs))))

    def value(kpi: str) -> float | None:
        return ledger.value(kpi, "community", COMMUNITY, NOV).value

    assert value("care.breaches") == 3
    assert value("care.breach_told_rate") == pytest.approx(2 / 3)
    assert value("care.wandering") == 2
    assert value("care.wandering_return_s") == pytest.approx(90 * 60)
    assert value("care.checks_opened") == 2
    assert value("care.checks_done") == 1
    assert value("care.check_time_s") == pytest.approx(4 * 3600)
    per_kind = ledger.services("care.breaches", COMMUNITY, NOV)
    assert {k: v.value for k, v in per_kind.items()} == {"blood_pressure": 2, "glucose": 1}
    assert all(KPIS[k].name.zh and KPIS[k].definition.en for k in KPIS if k.startswith("care."))


def test_any_order_and_redelivery_give_the_same_buckets() -> None:
    evs = events()
    expected = ledger_of(evs, list(range(len(evs)))).buckets
    wander = list(range(3, 8))
    rest = [i for i in range(len(evs)) if i not in wander]
    for order in permutations(wander):  # the 120 orders of one person's moves
        assert ledger_of(evs, [*order, *rest]).buckets == expected
    rng = random.Random(26)
    for _ in range(100):
        order = [rng.randrange(len(evs)) for _ in range(20)] + list(range(len(evs)))
        rng.shuffle(order)
        assert ledger_of(evs, order).buckets == expected


def test_every_care_fact_is_stored_and_read_back_alike() -> None:
    from evaluation.kpi_store import KINDS, fact_from_json, fact_to_json

    for i, event in enumerate(events()):
        fact = fact_of(f"e{i}", event)
        assert fact is not None and type(fact).__name__ in KINDS
        assert fact_from_json(type(fact).__name__, fact_to_json(fact)) == fact
