"""Open311 GeoReport v2 as work-orders speaks it, pure: which case types a city may file
(and what each asks for), where a request falls (the nearest registered place), the
spec's two statuses, and times in a community's zone (ADR 0035)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sc_core.dates import zone
from work_orders.domain import states

Locale = str  # "zh-CN" (the default) or "en"
NUMBER = re.compile(r"^WO([0-9]{1,12})$")


@dataclass(frozen=True)
class Choice:
    key: str
    zh: str
    en: str


@dataclass(frozen=True)
class Attribute:
    """One field a case type asks for (``attribute[code]`` in a request)."""

    code: str
    datatype: str  # string, number, text, singlevaluelist
    required: bool
    zh: str
    en: str
    order: int
    values: tuple[Choice, ...] = ()
    to_external_ref: bool = False  # the city's own ticket number


@dataclass(frozen=True)
class Offer:
    """How a case type appears to Open311 clients (its names are the case type's own)."""

    group_zh: str
    group_en: str
    keywords: str
    zh: str
    en: str
    attributes: tuple[Attribute, ...] = field(default=())


_PROPERTY = ("物业服务", "Property services")
OFFERED: dict[str, Offer] = {
    "repair": Offer(
        *_PROPERTY,
        "报修,维修,repair",
        "房屋、设施或公共区域需要维修。",
        "Something in a home, a facility or a common area needs repair.",
        (
            Attribute(
                "area",
                "singlevaluelist",
                False,
                "位置类型",
                "Kind of place",
                1,
                (
                    Choice("indoor", "室内", "Indoors"),
                    Choice("common", "公共区域", "Common area"),
                    Choice("outdoor", "室外", "Outdoors"),
                ),
            ),
        ),
    ),
    "complaint": Offer(
        *_PROPERTY,
        "投诉,complaint",
        "对物业服务或社区事务的投诉。",
        "A complaint about property services or community affairs.",
    ),
    "suggestion": Offer(
        *_PROPERTY,
        "建议,suggestion",
        "对社区管理与服务的建议。",
        "A suggestion for the community's management and services.",
    ),
    "hazard_report": Offer(
        "安全隐患",
        "Safety hazards",
        "隐患,安全,hazard",
        "消防、用电、高空坠物等安全隐患。",
        "A safety hazard: fire, electricity, objects that may fall.",
        (
            Attribute(
                "hazard",
                "singlevaluelist",
                False,
                "隐患类型",
                "Kind of hazard",
                1,
                (
                    Choice("fire", "消防", "Fire safety"),
                    Choice("electric", "用电", "Electricity"),
                    Choice("falling", "高空坠物", "Objects that may fall"),
                    Choice("other", "其他", "Other"),
                ),
            ),
        ),
    ),
    "mediation": Offer(
        "矛盾纠纷",
        "Disputes",
        "纠纷,调解,mediation",
        "邻里等矛盾纠纷，需要调解。",
        "A dispute, e.g. between neighbours, to be mediated.",
    ),
    "hotline_ticket": Offer(
        "12345热线",
        "12345 hotline",
        "12345,热线,hotline",
        "12345 政务服务便民热线转办的工单。",
        "A ticket the 12345 government service hotline passes on.",
        (
            Attribute(
                "ticket_no",
                "string",
                True,
                "12345 热线工单号",
                "The 12345 hotline's ticket number",
                1,
                to_external_ref=True,
            ),
        ),
    ),
}


def say(locale: Locale, zh: str, en: str) -> str:
    return en if locale == "en" else zh


def locale_of(asked: str | None, accept_language: str | None) -> Locale:
    """zh-CN unless ``locale`` or Accept-Language asks for English first."""
    text = (asked or accept_language or "").strip().lower()
    return "en" if text.startswith("en") else "zh-CN"


# places --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spot:
    """A registered place (a community or one of its buildings) with its reach."""

    place_id: str
    community_id: str
    building_id: str | None
    name: str
    longitude: float
    latitude: float
    radius_m: int


class Unplaceable(Exception):
    """No place reaches the point (``kind`` "outside"), or places of two communities do
    ("ambiguous")."""

    def __init__(self, kind: str, communities: Iterable[str] = ()) -> None:
        super().__init__(kind)
        self.kind = kind
        self.communities = sorted(set(communities))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (WGS-84 coordinates, a spherical earth)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


def locate(spots: Iterable[Spot], latitude: float, longitude: float) -> Spot:
    """The nearest place whose reach holds the point, a building before its community;
    raises :class:`Unplaceable` when none does or when two communities' places do."""
    near = [
        (distance_m(latitude, longitude, s.latitude, s.longitude), s)
        for s in spots
        if distance_m(latitude, longitude, s.latitude, s.longitude) <= s.radius_m
    ]
    if not near:
        raise Unplaceable("outside")
    communities = {s.community_id for _, s in near}
    if len(communities) > 1:
        raise Unplaceable("ambiguous", communities)
    near.sort(key=lambda pair: (pair[1].building_id is None, pair[0], pair[1].place_id))
    return near[0][1]


# statuses and words ---------------------------------------------------------------------
def status_of(status: str) -> str:
    """The spec's status: ``open`` while someone still has to act, else ``closed``."""
    return "open" if status in states.OPEN else "closed"


def statuses_for(wanted: str) -> frozenset[str]:
    return states.OPEN if wanted == "open" else frozenset(states.STATUSES) - states.OPEN


_STATUS_WORDS = {
    "submitted": ("已收到，等待受理", "Received, waiting to be accepted"),
    "accepted": ("已受理", "Accepted"),
    "assigned": ("已派给处理人员", "Passed to the staff who handle it"),
    "in_progress": ("正在处理", "Being handled"),
    "resolved": ("已处理完毕", "Resolved"),
    "closed": ("已办结", "Closed"),
    "rejected": ("未予受理", "Not accepted"),
    "cancelled": ("已撤销", "Cancelled"),
    "reopened": ("已重新处理", "Reopened"),
}


def status_words(status: str, locale: Locale) -> str:
    zh, en = _STATUS_WORDS.get(status, ("处理中", "In progress"))
    return say(locale, zh, en)


def local_iso(moment: datetime | None, tz: str) -> str | None:
    """ISO 8601 with the offset of the community's zone (2026-12-04T18:00:00+08:00)."""
    return None if moment is None else moment.astimezone(zone(tz)).isoformat(timespec="seconds")


def notice(due: datetime | None, tz: str, locale: Locale) -> str:
    """What the client is told to expect, in words."""
    if due is None:
        return say(locale, "工作人员将尽快处理。", "Staff will handle it as soon as they can.")
    at = due.astimezone(zone(tz))
    return say(
        locale,
        f"预计于 {at.month}月{at.day}日 {at:%H:%M} 前处理完毕。",
        f"Expected to be resolved by {at:%Y-%m-%d %H:%M}.",
    )


def title(name_zh: str, description: str) -> str:
    text = " ".join(description.split())
    return f"{name_zh}：{text[:60]}" if text else name_zh


def key_hash(api_key: str) -> str:
    """What is stored of a key: its SHA-256 (keys are 32 random bytes: no salt needed)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def seq_of(service_request_id: str) -> int | None:
    """The case's sequence number from its number (WO00000042 -> 42)."""
    found = NUMBER.match(service_request_id.strip())
    return int(found.group(1)) if found else None
