"""Words people read about care alerts, zh-CN first and en second (pure).

Each alert is one notification template code with zh-CN and en texts and the variables
that fill them. The variables carry both languages where a word differs (``kind_zh`` /
``kind_en``), so the notification service renders the template in the reader's language
without knowing anything about care. :data:`TEMPLATES` is the one source of these texts:
the notification service's templates for the ``care.*`` codes are seeded from it.

A text never shows an id, an enum value or a code: a person is named as people call them,
a time in the community's local time, a place as people say it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from care.domain.lone_elder import Anomaly, Rule, Utility
from care.domain.thresholds import Direction, Episode, Threshold
from care.domain.vitals import SPECS, Source, format_values

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Template:
    code: str
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str

    def render(self, variables: Mapping[str, str], locale: str = "zh-CN") -> tuple[str, str]:
        zh = locale.lower().startswith("zh")
        title, body = (self.title_zh, self.body_zh) if zh else (self.title_en, self.body_en)
        return title.format_map(_Blank(variables)), body.format_map(_Blank(variables))


class _Blank(dict[str, str]):
    def __init__(self, variables: Mapping[str, str]) -> None:
        super().__init__(variables)

    def __missing__(self, key: str) -> str:  # a missing variable renders empty
        return ""


TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in (
        Template(
            "care.vitals.breach",
            "{person}{kind_zh}{direction_zh}",
            "{person}的{kind_zh}{direction_zh}：{value} {unit}（正常范围 {range} {unit}），"
            "测于{time_zh}（{source_zh}）。",
            "{person}: {kind_en} {direction_en}",
            "{person}'s {kind_en} is {direction_en}: {value} {unit} (normal range {range} "
            "{unit}), measured {time_en} ({source_en}).",
        ),
        Template(
            "care.watch.anomaly",
            "请关注独居老人{person}",
            "{person}（{place}）{what_zh}。已为网格员安排上门探视。",
            "Please check on {person}",
            "{person} ({place}): {what_en}. A check-on visit has been arranged for the grid "
            "worker.",
        ),
        Template(
            "care.watch.visit",
            "上门探视：{person}",
            "请上门探视{person}（{place}）：{what_zh}。",
            "Check-on visit: {person}",
            "Please visit {person} ({place}): {what_en}.",
        ),
        Template(
            "care.wandering.left",
            "{person}离开了安全区域",
            "{person}于{time_zh}离开了安全区域“{zone}”，最后位置距区域约{distance}米。",
            "{person} has left the safe zone",
            '{person} left the safe zone "{zone}" at {time_en}; the last position was about '
            "{distance} m outside it.",
        ),
        Template(
            "care.wandering.returned",
            "{person}已回到安全区域",
            "{person}于{time_zh}回到了安全区域“{zone}”。",
            "{person} is back in the safe zone",
            '{person} came back into the safe zone "{zone}" at {time_en}.',
        ),
    )
}


def local_time(at: datetime, tz: ZoneInfo = DEFAULT_TZ) -> tuple[str, str]:
    """(``12月3日 08:15``, ``3 Dec 08:15``) in the community's time zone."""
    t = at.astimezone(tz)
    return f"{t.month}月{t.day}日 {t:%H:%M}", f"{t.day} {t:%b} {t:%H:%M}"


_DIRECTION = {Direction.HIGH: ("偏高", "high"), Direction.LOW: ("偏低", "low")}
_SOURCE = {
    Source.MANUAL: ("手动录入", "entered by hand"),
    Source.DEVICE: ("智能设备", "from a device"),
}


def breach_variables(
    person: str,
    episode: Episode,
    threshold: Threshold,
    source: Source,
    tz: ZoneInfo = DEFAULT_TZ,
) -> dict[str, str]:
    """Variables of ``care.vitals.breach`` for the reading that opened ``episode``."""
    spec = SPECS[episode.kind]
    zh_time, en_time = local_time(episode.opened_at, tz)
    d_zh, d_en = _DIRECTION[episode.direction]
    s_zh, s_en = _SOURCE[source]
    return {
        "person": person,
        "kind_zh": spec.name_zh,
        "kind_en": spec.name_en,
        "direction_zh": d_zh,
        "direction_en": d_en,
        "value": format_values(episode.kind, episode.first_values),
        "unit": spec.unit_display,
        "range": threshold.describe(),
        "time_zh": zh_time,
        "time_en": en_time,
        "source_zh": s_zh,
        "source_en": s_en,
    }


def anomaly_words(anomaly: Anomaly) -> tuple[str, str]:
    """What a lone-elder anomaly means, in plain words (zh-CN, en)."""
    a = anomaly
    util_zh, util_en = (
        ("水表", "water meter") if a.utility is Utility.WATER else ("电表", "power meter")
    )
    if a.rule is Rule.METER_SILENT:
        return (
            f"家中{util_zh}已有{_hours(a.hours)}小时没有读数",
            f"the home's {util_en} has sent nothing for {_hours(a.hours)} hours",
        )
    if a.rule is Rule.NO_WATER:
        since_zh, since_en = local_time(a.since) if a.since else ("", "")
        return (
            f"自{since_zh}起已有{_hours(a.hours)}小时没有用水",
            f"no water has been used for {_hours(a.hours)} hours since {since_en}",
        )
    what_zh, what_en = ("用水", "water") if a.utility is Utility.WATER else ("用电", "power")
    unit = "立方米" if a.utility is Utility.WATER else "千瓦时"
    unit_en = "m³" if a.utility is Utility.WATER else "kWh"
    low = a.direction == "low"
    return (
        f"{a.day.month}月{a.day.day}日{what_zh}{'明显偏少' if low else '明显偏多'}"
        f"（{a.total:g} {unit}，平时约 {a.usual:g} {unit}）",
        f"{'much less' if low else 'much more'} {what_en} than usual on {a.day.day} "
        f"{a.day:%b} ({a.total:g} {unit_en}; usually about {a.usual:g} {unit_en})",
    )


def _hours(h: float | None) -> str:
    return f"{h:g}" if h is not None else ""
