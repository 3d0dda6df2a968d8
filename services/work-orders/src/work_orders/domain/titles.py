"""The titles of the cases the service opens itself, (zh-CN, en), pure (issue 18 item 5):
in words, never a code or an id. The English title travels in the case's ``details``
(``title_en``), and a notice gives it to English readers."""

from __future__ import annotations

import re

from sc_contracts.vocabulary import label
from work_orders.domain.patrols import RoundOutcome

_CJK = re.compile(r"[\u3400-\u9fff]")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def alarm_title(
    title: str | None, alarm_type: str, severity: str, *, title_en: str | None = None
) -> tuple[str, str]:
    """An alarm's case: the alarm's title where it has one, else its type and severity in
    words (烟雾告警（严重） / Smoke alarm (critical)); in English the alarm's English title,
    else its title when that is not Chinese, else its type and severity in words."""
    kind, grade = label("alarm_type", alarm_type, "en"), label("severity", severity, "en")
    en = f"{_capital(kind)} alarm ({grade})"
    if title:
        return title, title_en or (en if _CJK.search(title) else title)
    zh = f"{label('alarm_type', alarm_type, 'zh-CN')}告警（{label('severity', severity, 'zh-CN')}）"
    return zh, en


def alarm_description(alarm_type: str, severity: str, originator_type: str) -> tuple[str, str]:
    """What an alarm's case says it is, in words (the device or person that raised it is
    in the case's details and the alarm, never an id in the text)."""
    kind_zh, kind_en = (
        label("alarm_type", alarm_type, "zh-CN"),
        label("alarm_type", alarm_type, "en"),
    )
    sev_zh, sev_en = label("severity", severity, "zh-CN"), label("severity", severity, "en")
    device = originator_type == "device"
    by_zh, by_en = (
        ("设备上报", "reported by a device") if device else ("人员报警", "raised by a person")
    )
    zh = f"{kind_zh}告警，级别：{sev_zh}，由{by_zh}。"
    en = f"{_capital(kind_en)} alarm, {sev_en}, {by_en}."
    return zh, en


def patrol_title(route: str, outcome: RoundOutcome) -> tuple[str, str]:
    """A patrol round that went wrong: the route and what went wrong, as staff say it."""
    zh = f"巡更异常：{route}，" + "；".join(outcome.reasons())[:150]
    en = f"Patrol issue: {route}, " + "; ".join(outcome.reasons_en())[:150]
    return zh, en


def complaint_title(organisation: str) -> tuple[str, str]:
    """A resident's complaint about an organisation or enterprise registered in gov-affairs."""
    return f"投诉：{organisation}", f"Complaint about {organisation}"


def booking_title(point: str, service: str) -> tuple[str, str]:
    """A service a resident booked at a service point."""
    return f"{point}：{service}", f"{point}: {service}"


def shop_title(shop: str) -> tuple[str, str]:
    """A shop where people may be living (九小场所住人)."""
    return f"商铺住人核查：{shop}", f"Check for people living in a shop: {shop}"
