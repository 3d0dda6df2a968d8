"""What one aggregate contributes to a KPI, and the helper that writes contributions down
at the aggregate's place (community, building, grid) and service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from evaluation.domain.kpis.facts import Fact


@dataclass(frozen=True)
class Contribution:
    kpi: str
    at: datetime
    community_id: str
    building_id: str | None
    grid_id: str | None
    service: str | None  # case type, alarm type or notification template
    num: float
    den: float
    event_ids: tuple[str, ...]  # the facts that decided it


class Emit:
    def __init__(
        self,
        community: str,
        building: str | None,
        grids: Mapping[str, str],
        service: str | None,
        grid: str | None = None,
    ) -> None:
        self.out: list[Contribution] = []
        placed = grids.get(building) if building else None
        self.where = (community, building, placed or grid, service)

    def __call__(self, kpi: str, at: datetime, num: float, den: float, *facts: Fact) -> None:
        ids = tuple(sorted({f.event_id for f in facts}))
        self.out.append(Contribution(kpi, at, *self.where, num, den, ids))
