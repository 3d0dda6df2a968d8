"""A place as people say it, zh-CN and en: ``幸福里社区 3号楼2单元502室`` and
``Room 502, Unit 2, Building 3, 幸福里社区``; never its ids.

identity's placement events carry the names (``Placement.community_name`` ...), the place
directory keeps them (``place_tables(metadata, names=True)``), and every text a person
reads takes the words from :func:`say`, so one flat reads the same everywhere (identity's
``/me`` labels a home the same way in zh-CN).

In English a name identity gives in English is used; a Chinese building or unit name of
the usual form (``3号楼``, ``3栋``, ``2单元``) is said ``Building 3`` / ``Unit 2``; any other
name (the community's, ``紫荆苑``) stays as it is: it is a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("community", "building", "unit", "room")
NOWHERE = ("本社区", "the community")  # no name known: true, and no id
_BUILDING = re.compile(r"^\s*(?:第)?([0-9A-Za-z]+)\s*(?:号楼|号|栋|幢|座)\s*$")
_UNIT = re.compile(r"^\s*(?:第)?([0-9A-Za-z]+)\s*(?:单元|门)\s*$")
_ROOM = re.compile(r"\s*室\s*$")


@dataclass(frozen=True)
class PlaceName:
    """The names of a place and of the places above it (None: unknown, or coarser)."""

    community: str | None = None
    community_en: str | None = None
    building: str | None = None
    building_en: str | None = None
    unit: str | None = None
    unit_en: str | None = None
    room: str | None = None  # the room's number, "502"

    def down_to(self, level: str) -> PlaceName:
        """Only the names down to ``level`` (community, building, unit, room)."""
        depth = LEVELS.index(level) if level in LEVELS else len(LEVELS)
        return PlaceName(
            community=self.community,
            community_en=self.community_en,
            building=self.building if depth >= 1 else None,
            building_en=self.building_en if depth >= 1 else None,
            unit=self.unit if depth >= 2 else None,
            unit_en=self.unit_en if depth >= 2 else None,
            room=self.room if depth >= 3 else None,
        )


def say(place: PlaceName | None, locale: str) -> str:
    """``place`` in ``locale`` (en when it starts with ``en``, else zh-CN)."""
    if locale.lower().startswith("en"):
        return _english(place) if place is not None else NOWHERE[1]
    return _chinese(place) if place is not None else NOWHERE[0]


def say_both(place: PlaceName | None) -> tuple[str, str]:
    """(zh-CN, en)."""
    return say(place, "zh-CN"), say(place, "en")


def _chinese(p: PlaceName) -> str:
    inside = ""
    if p.building:
        inside += _zh(p.building, "号楼")
    if p.unit:
        inside += _zh(p.unit, "单元")
    if p.room:
        inside += _ROOM.sub("", _clean(p.room)) + "室"
    community = _clean(p.community) if p.community else ""
    if community and inside:
        return f"{community} {inside}"
    return community or inside or NOWHERE[0]


def _english(p: PlaceName) -> str:
    parts: list[str] = []
    if p.room:
        parts.append(f"Room {_ROOM.sub('', _clean(p.room))}")
    if p.unit or p.unit_en:
        parts.append(_en(p.unit_en, p.unit, _UNIT, "Unit"))
    if p.building or p.building_en:
        parts.append(_en(p.building_en, p.building, _BUILDING, "Building"))
    if p.community or p.community_en:
        parts.append(_clean(p.community_en or p.community or ""))
    return ", ".join(part for part in parts if part) or NOWHERE[1]


def _en(english: str | None, chinese: str | None, form: re.Pattern[str], word: str) -> str:
    if english:
        return _clean(english)
    name = _clean(chinese or "")
    found = form.match(name)
    if found:
        return f"{word} {found.group(1)}"
    if name.isascii() and name.isalnum():
        return f"{word} {name}"  # a bare code: "3" is Building 3
    return name


def _zh(name: str, word: str) -> str:
    name = _clean(name)
    return f"{name}{word}" if name.isascii() and name.isalnum() else name  # "3" is 3号楼


def _clean(text: str) -> str:
    return " ".join(text.split())
