"""Patrol rounds (6.3 h), pure: how a round whose window ended went."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime


def longest_gap_minutes(times: list[datetime], start: datetime, end: datetime) -> int:
    """Longest stretch without a scan inside the window (from its start to its end)."""
    points = [start, *sorted(times), end]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(points)]
    return int(max(gaps, default=0) // 60)


@dataclass(frozen=True)
class RoundOutcome:
    missed: list[tuple[str, str]]  # (code, place) of the checkpoints never scanned
    longest_gap: int  # minutes
    max_gap: int | None  # the route's limit, if any

    @property
    def too_long(self) -> bool:
        return self.max_gap is not None and self.longest_gap > self.max_gap

    @property
    def status(self) -> str:
        return "missed" if self.missed or self.too_long else "completed"

    def reasons(self) -> list[str]:
        """What went wrong, as the staff reading the case say it (places, not codes)."""
        out = []
        if self.missed:
            out.append("漏检：" + "、".join(place or code for code, place in self.missed))
        if self.too_long:
            out.append(f"两次打卡最长间隔 {self.longest_gap} 分钟，超过规定的 {self.max_gap} 分钟")
        return out

    def reasons_en(self) -> list[str]:
        """:meth:`reasons` in English."""
        out = []
        if self.missed:
            out.append("not checked: " + ", ".join(place or code for code, place in self.missed))
        if self.too_long:
            out.append(
                f"{self.longest_gap} minutes between two scans, longer than the "
                f"{self.max_gap} minutes allowed"
            )
        return out

    def details(self) -> str:
        """The reasons with the checkpoints' codes (the plates staff look for on site)."""
        out = []
        if self.missed:
            out.append(
                "漏检点位：" + "、".join(f"{place}（{code}）" for code, place in self.missed)
            )
        if self.too_long:
            out.append(f"两次打卡最长间隔 {self.longest_gap} 分钟，超过规定的 {self.max_gap} 分钟")
        return "；".join(out) + "。"
