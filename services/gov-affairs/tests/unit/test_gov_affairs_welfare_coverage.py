"""Welfare coverage per 1,000 residents, suppressed under five residents (ADR 0059)."""

from __future__ import annotations

from decimal import Decimal

from gov_affairs.domain.welfare_coverage import coverage


def test_coverage_is_per_thousand_to_one_decimal_half_up() -> None:
    c = coverage(3, 2000)
    assert (c.population, c.per_thousand, c.suppressed) == (2000, Decimal("1.5"), False)
    assert c.words.zh == "每千名居民1.5人（3/2000）"
    assert c.words.en == "1.5 per 1,000 residents (3 of 2000)"
    assert coverage(1, 16).per_thousand == Decimal("62.5")
    assert coverage(1, 6).per_thousand == Decimal("166.7")
    assert coverage(0, 800).per_thousand == Decimal("0.0")


def test_fewer_than_five_residents_shows_neither_population_nor_coverage() -> None:
    for population in (0, 1, 4):
        c = coverage(1, population)
        assert (c.population, c.per_thousand, c.suppressed) == (None, None, True)
        assert c.words.en == "Fewer than 5 registered residents: coverage not shown"
    assert coverage(1, 5).suppressed is False
    assert coverage(1, 5).per_thousand == Decimal("200.0")
