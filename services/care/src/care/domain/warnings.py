"""Weather and emergency warnings for the elderly (6.2.2): a CAP 1.2 alert as data, which
places it reaches, and what it says in plain words (pure; parsing is ``adapters.cap``).

Targeting: a place (a building with a position, and the administrative codes of its
community) is reached by an ``info`` block when it lies in one of its areas' polygons or
circles, or when one of the area's geocodes names one of the place's codes. An area with
none of these (only a description) cannot be targeted by machine: it is reported back so
that a person decides.

Who hears it: only ``Actual`` alerts reach residents (``Exercise`` reaches staff; ``Test``,
``System`` and ``Draft`` nobody), only ``Public`` ones, and never after they expire.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from care.domain.geo import Circle, PolygonArea
from care.domain.messages import local_time

SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport",
    "Infra", "CBRNE", "Other",
)  # fmt: skip

# China's four warning colours (预警信号) by CAP severity, as the meteorological service maps them.
COLOURS = {
    "Extreme": ("红色", "red"),
    "Severe": ("橙色", "orange"),
    "Moderate": ("黄色", "yellow"),
    "Minor": ("蓝色", "blue"),
}


@dataclass(frozen=True)
class CapArea:
    description: str
    polygons: tuple[PolygonArea, ...] = ()
    circles: tuple[Circle, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()  # (valueName, value)

    @property
    def targetable(self) -> bool:
        return bool(self.polygons or self.circles or self.geocodes)


@dataclass(frozen=True)
class CapInfo:
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    sender_name: str | None = None
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    areas: tuple[CapArea, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def chinese(self) -> bool:
        return self.language.lower().startswith("zh")


@dataclass(frozen=True)
class CapAlert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: tuple[tuple[str, str, str], ...] = ()  # (sender, identifier, sent)
    infos: tuple[CapInfo, ...] = ()
    note: str | None = None

    def expires(self) -> datetime | None:
        ends = [i.expires for i in self.infos if i.expires is not None]
        return max(ends) if ends else None

    def audience(self, now: datetime) -> str:
        """``residents``, ``staff`` or ``none``."""
        end = self.expires()
        if end is not None and now >= end and self.msg_type != "Cancel":
            return "none"
        if self.scope != "Public" or self.msg_type in ("Ack", "Error"):
            return "none"
        return {"Actual": "residents", "Exercise": "staff"}.get(self.status, "none")


@dataclass(frozen=True)
class Place:
    id: str  # a building (or community) id
    lat: float | None  # None: no point registered, reached by geocode only
    lng: float | None
    codes: Mapping[str, str] = field(default_factory=dict)  # e.g. {"行政区划代码": "310101"}

    def inside(self, area: CapArea) -> bool:
        if self.lat is not None and self.lng is not None:
            lat, lng = self.lat, self.lng
            if any(poly.contains(lat, lng) for poly in area.polygons):
                return True
            if any(c.contains(lat, lng) for c in area.circles):
                return True
        return any(_code_names(self.codes.get(name), value) for name, value in area.geocodes)


def _code_names(code: str | None, value: str) -> bool:
    """A geocode names the place's code, or (GB/T 2260 six digits) the city or province
    it lies in: 310000 names every 31xxxx, 310100 every 3101xx."""
    if code is None:
        return False
    if code == value:
        return True
    if len(code) == 6 and len(value) == 6 and code.isdigit() and value.isdigit():
        if value.endswith("0000"):
            return code[:2] == value[:2]
        if value.endswith("00"):
            return code[:4] == value[:4]
    return False


@dataclass(frozen=True)
class Targets:
    place_ids: frozenset[str]
    untargetable_areas: tuple[str, ...]  # descriptions of areas a person must place


def target(alert: CapAlert, places: Iterable[Place]) -> Targets:
    places = list(places)
    hit: set[str] = set()
    vague: list[str] = []
    for info in alert.infos:
        for area in info.areas:
            if not area.targetable:
                vague.append(area.description)
                continue
            for p in places:
                if p.id in hit:
                    continue
                if p.inside(area):
                    hit.add(p.id)
    return Targets(frozenset(hit), tuple(dict.fromkeys(vague)))


def _pick(alert: CapAlert, chinese: bool) -> CapInfo | None:
    for info in alert.infos:
        if info.chinese == chinese:
            return info
    return None


def plain_words(alert: CapAlert, tz: ZoneInfo = ZoneInfo("Asia/Shanghai")) -> dict[str, str]:
    """``title_zh``, ``body_zh``, ``title_en``, ``body_en`` for an elder's phone, speaker or
    screen. Each language from the alert's own info block in it; an alert with one
    language gives that text for both (whole, never half-translated)."""
    zh = _pick(alert, True)
    en = _pick(alert, False)
    out: dict[str, str] = {}
    if zh is not None:
        out["title_zh"], out["body_zh"] = _words_zh(alert, zh, tz)
    if en is not None:
        out["title_en"], out["body_en"] = _words_en(alert, en, tz)
    if zh is None and en is not None:
        out["title_zh"], out["body_zh"] = out["title_en"], out["body_en"]
    if en is None and zh is not None:
        out["title_en"], out["body_en"] = out["title_zh"], out["body_zh"]
    return out


def _words_zh(alert: CapAlert, info: CapInfo, tz: ZoneInfo) -> tuple[str, str]:
    colour = COLOURS.get(info.severity, ("", ""))[0]
    event = info.event.removesuffix("预警")
    if alert.msg_type == "Cancel":
        title = f"{event}预警已解除"
        return title, f"{info.sender_name or '发布单位'}已解除{event}预警。"
    title = f"{event}{colour}预警" if colour else f"{event}预警"
    parts = [info.headline or title]
    if info.description:
        parts.append(info.description)
    if info.instruction:
        parts.append(f"请注意：{info.instruction}")
    if info.expires:
        parts.append(f"有效期至{local_time(info.expires, tz)[0]}。")
    return title, "\n".join(parts)


def _words_en(alert: CapAlert, info: CapInfo, tz: ZoneInfo) -> tuple[str, str]:
    colour = COLOURS.get(info.severity, ("", ""))[1]
    if alert.msg_type == "Cancel":
        return f"{info.event}: warning lifted", f"The {info.event} warning has been lifted."
    title = f"{info.event}: {colour} warning" if colour else f"{info.event} warning"
    parts = [info.headline or title]
    if info.description:
        parts.append(info.description)
    if info.instruction:
        parts.append(f"What to do: {info.instruction}")
    if info.expires:
        parts.append(f"Valid until {local_time(info.expires, tz)[1]}.")
    return title, "\n".join(parts)
