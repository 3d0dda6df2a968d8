"""Incremental KPI aggregation, exact under redelivery and out-of-order arrival.

The reference implementation of what the service stores: facts by event id (a second
delivery of an event id changes nothing), each aggregate's current contributions, and
buckets (KPI × place × period) holding ``num``, ``den`` and ``n`` sums. Applying a fact
derives the aggregate's contributions again and moves the buckets by the difference, so
the buckets always equal the sum of the current contributions whatever the order the
events came in. The database version does the same in the consumer's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from evaluation.domain.kpis.definitions import KPIS
from evaluation.domain.kpis.derive import Contribution, derive
from evaluation.domain.kpis.facts import Fact
from evaluation.domain.periods import Period, periods_of

SCOPES = ("community", "building", "grid")


@dataclass(frozen=True, order=True)
class BucketKey:
    kpi: str
    scope: str  # community, building or grid
    scope_id: str
    service: str  # "" for all services; per service only at community scope
    period: Period


@dataclass(frozen=True)
class Stat:
    num: float = 0.0
    den: float = 0.0
    n: int = 0

    def __add__(self, other: Stat) -> Stat:
        return Stat(self.num + other.num, self.den + other.den, self.n + other.n)

    def __neg__(self) -> Stat:
        return Stat(-self.num, -self.den, -self.n)

    def is_zero(self) -> bool:
        return self.n == 0 and abs(self.num) < 1e-9 and abs(self.den) < 1e-9


@dataclass(frozen=True)
class KpiValue:
    kpi: str
    value: float | None  # mean, rate or count; None when nothing was measured
    stat: Stat


def bucket_keys(c: Contribution) -> list[BucketKey]:
    places = [("community", c.community_id, "")]
    if c.service:
        places.append(("community", c.community_id, c.service))
    if c.building_id:
        places.append(("building", c.building_id, ""))
    if c.grid_id:
        places.append(("grid", c.grid_id, ""))
    return [BucketKey(c.kpi, s, i, svc, p) for s, i, svc in places for p in periods_of(c.at)]


def diff(old: Iterable[Contribution], new: Iterable[Contribution]) -> dict[BucketKey, Stat]:
    """How the buckets move when an aggregate's contributions go from ``old`` to ``new``."""
    moves: dict[BucketKey, Stat] = defaultdict(Stat)
    for sign, group in ((-1, old), (1, new)):
        for c in group:
            stat = Stat(c.num, c.den, 1)
            for key in bucket_keys(c):
                moves[key] = moves[key] + (stat if sign > 0 else -stat)
    return {k: v for k, v in moves.items() if not v.is_zero()}


def value_of(kpi: str, stat: Stat) -> float | None:
    unit = KPIS[kpi].unit if kpi in KPIS else "rate"
    if unit == "count":
        return stat.num
    return None if stat.den <= 0 else stat.num / stat.den


class KpiLedger:
    def __init__(self) -> None:
        self._facts: dict[str, dict[str, Fact]] = defaultdict(dict)
        self._seen: set[str] = set()
        self._contributions: dict[str, tuple[Contribution, ...]] = {}
        self.buckets: dict[BucketKey, Stat] = {}

    def apply(self, fact: Fact, grids: Mapping[str, str] | None = None) -> dict[BucketKey, Stat]:
        """Take one fact in; returns the bucket moves (empty for an event seen before)."""
        if fact.event_id in self._seen:
            return {}
        self._seen.add(fact.event_id)
        facts = self._facts[fact.aggregate]
        facts[fact.event_id] = fact
        new = derive(list(facts.values()), grids or {})
        moves = diff(self._contributions.get(fact.aggregate, ()), new)
        self._contributions[fact.aggregate] = new
        for key, move in moves.items():
            total = self.buckets.get(key, Stat()) + move
            if total.is_zero():
                self.buckets.pop(key, None)
            else:
                self.buckets[key] = total
        return moves

    def value(
        self, kpi: str, scope: str, scope_id: str, period: Period, service: str = ""
    ) -> KpiValue:
        stat = self.buckets.get(BucketKey(kpi, scope, scope_id, service, period), Stat())
        return KpiValue(kpi, value_of(kpi, stat) if stat.n else None, stat)

    def inputs(
        self, kpi: str, scope: str, scope_id: str, period: Period, service: str = ""
    ) -> list[str]:
        """The event ids behind one figure (traceability), sorted."""
        key = BucketKey(kpi, scope, scope_id, service, period)
        ids: set[str] = set()
        for contributions in self._contributions.values():
            for c in contributions:
                if key in bucket_keys(c):
                    ids.update(c.event_ids)
        return sorted(ids)

    def services(self, kpi: str, community_id: str, period: Period) -> dict[str, KpiValue]:
        """Per-service values of one KPI in one community and period."""
        out = {}
        for key, stat in self.buckets.items():
            if (key.kpi, key.scope, key.scope_id, key.period) == (
                kpi,
                "community",
                community_id,
                period,
            ) and key.service:
                out[key.service] = KpiValue(kpi, value_of(kpi, stat), stat)
        return out
