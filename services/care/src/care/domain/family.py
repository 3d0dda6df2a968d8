"""What the family reads about an elder's vital signs (家人关怀), in zh-CN and en: the
latest reading of a kind against its range, and a breach episode, in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from care.domain.thresholds import Direction, Threshold, assess
from care.domain.vitals import SPECS, VitalKind, VitalReading, format_values

_SIDE = {Direction.HIGH: ("高于", "above"), Direction.LOW: ("低于", "below")}
_DIRECTION = {Direction.HIGH: ("偏高", "high"), Direction.LOW: ("偏低", "low")}


@dataclass(frozen=True)
class Words:
    status: str  # in_range, high, low, no_range
    zh: str
    en: str


def reading_words(reading: VitalReading, threshold: Threshold | None) -> Words:
    """``血压 152/94 mmHg，高于正常范围 90–140/60–90`` / ``blood pressure 152/94 mmHg, above
    the normal range 90–140/60–90``; a kind without a range says so."""
    spec = SPECS[reading.kind]
    value = format_values(reading.kind, reading.values)
    zh = f"{spec.name_zh} {value} {spec.unit_display}"
    en = f"{spec.name_en} {value} {spec.unit_display_en}"
    if threshold is None:
        return Words("no_range", f"{zh}（无参考范围）", f"{en} (no reference range)")
    rng = threshold.describe()
    found = assess(reading, threshold)
    if found.direction is None:
        return Words(
            "in_range", f"{zh}，在正常范围 {rng} 内", f"{en}, within the normal range {rng}"
        )
    side_zh, side_en = _SIDE[found.direction]
    return Words(
        found.direction.value,
        f"{zh}，{side_zh}正常范围 {rng}",
        f"{en}, {side_en} the normal range {rng}",
    )


def breach_words(
    kind: VitalKind, direction: Direction, values: Mapping[str, float], range_text: str
) -> Words:
    """``血压偏高：152/94 mmHg（正常范围 90–140/60–90 mmHg）`` and its English."""
    spec = SPECS[kind]
    d_zh, d_en = _DIRECTION[direction]
    value = format_values(kind, values)
    return Words(
        direction.value,
        f"{spec.name_zh}{d_zh}：{value} {spec.unit_display}（正常范围 {range_text} "
        f"{spec.unit_display}）",
        f"{spec.name_en} {d_en}: {value} {spec.unit_display_en} (normal range {range_text} "
        f"{spec.unit_display_en})",
    )
