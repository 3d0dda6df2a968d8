"""Welfare coverage (覆盖率): beneficiaries per 1,000 registered residents of a place (pure;
ADR 0059).

The denominator is the registered population gov-affairs keeps from identity's placement
events (``population_residents``). A place with fewer than five residents (the exchange's
``K``, :mod:`gov_affairs.domain.exchange.records`) is suppressed as the exchange's
population dataset suppresses a row: neither its population nor its coverage is shown, and
the row says ``suppressed``; a rate over three people would point at them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gov_affairs.domain.exchange.records import K
from gov_affairs.domain.text import Text

PER = 1000  # beneficiaries per this many residents (‰)


@dataclass(frozen=True)
class Coverage:
    population: int | None  # None: suppressed
    per_thousand: Decimal | None  # None: suppressed
    suppressed: bool
    words: Text


def coverage(active: int, population: int) -> Coverage:
    """``active`` beneficiaries among ``population`` registered residents, in ‰ to one
    decimal (half up), or suppressed under five residents."""
    if population < K:
        return Coverage(
            None,
            None,
            True,
            Text(
                zh=f"登记居民不足{K}人，不计算覆盖率",
                en=f"Fewer than {K} registered residents: coverage not shown",
            ),
        )
    rate = (Decimal(active) * PER / Decimal(population)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Coverage(
        population,
        rate,
        False,
        Text(
            zh=f"每千名居民{rate}人（{active}/{population}）",
            en=f"{rate} per 1,000 residents ({active} of {population})",
        ),
    )
