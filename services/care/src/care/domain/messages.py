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

from datetime import datetime
from zoneinfo import ZoneInfo

from care.domain.lone_elder import Anomaly, Rule, Utility
from care.domain.templates import TEMPLATES, Template
from care.domain.thresholds import Direction, Episode, Threshold
from care.domain.vitals import SPECS, Source, format_values

__all__ = ["TEMPLATES", "Template", "anomaly_words", "breach_variables", "local_time"]

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


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
        "unit_en": spec.unit_display_en,  # notification gives an English reader ``x_en``
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
