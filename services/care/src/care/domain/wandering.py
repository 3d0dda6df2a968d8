"""Wandering (走失预警): a safe zone per person and the wearable's positions (pure).

A person is **out** once a position is farther outside the zone than ``exit_margin_m``
(GPS wobbles by tens of metres; a fix reporting its accuracy must be out by that much
more), and **back** once a position is inside by ``return_margin_m``. Leaving tells the
family and the grid worker once per excursion; coming back is told too. Positions older
than the last one are ignored, and so are fixes worse than ``max_accuracy_m``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from care.domain.geo import Area


@dataclass(frozen=True)
class SafeZone:
    person_id: str
    name: str  # 家附近 / 幸福里社区
    area: Area
    exit_margin_m: float = 50.0
    return_margin_m: float = 20.0
    max_accuracy_m: float = 200.0


@dataclass(frozen=True)
class Fix:
    lat: float
    lng: float
    at: datetime
    accuracy_m: float | None = None


@dataclass(frozen=True)
class FenceState:
    outside: bool
    last_at: datetime
    since: datetime  # when the current state began
    distance_m: float  # signed distance of the last fix used


class Move(StrEnum):
    LEFT = "left"
    RETURNED = "returned"
    NONE = "none"


def step(state: FenceState | None, zone: SafeZone, fix: Fix) -> tuple[FenceState | None, Move]:
    if fix.accuracy_m is not None and fix.accuracy_m > zone.max_accuracy_m:
        return state, Move.NONE
    if state is not None and fix.at <= state.last_at:
        return state, Move.NONE
    d = zone.area.signed_distance_m(fix.lat, fix.lng)
    slack = fix.accuracy_m or 0.0
    if state is None:
        out = d - slack > zone.exit_margin_m
        return FenceState(out, fix.at, fix.at, d), (Move.LEFT if out else Move.NONE)
    if not state.outside and d - slack > zone.exit_margin_m:
        return FenceState(True, fix.at, fix.at, d), Move.LEFT
    if state.outside and d + slack < -zone.return_margin_m:
        return FenceState(False, fix.at, fix.at, d), Move.RETURNED
    return replace(state, last_at=fix.at, distance_m=d), Move.NONE
