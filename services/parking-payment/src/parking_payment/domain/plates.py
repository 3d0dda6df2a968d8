"""Chinese licence plates (车牌): normalise, validate, tell the colour.

Formats (GA 36-2018):

- ordinary 7-character plates: province + issuing-authority letter + 5 characters; blue
  (蓝牌, small cars) or yellow (黄牌, large vehicles; coach cars end in 学, trailers in 挂);
- new-energy 8-character plates (新能源): small cars green (绿牌) ``粤BD12345``: after
  the authority letter one of D/F (and the newer A–K except I) then a letter or digit
  then four digits; large vehicles yellow-green (黄绿牌) ``粤B12345D``: five digits then
  D/F (A–K);
- white (警) police plates and black plates of Hong Kong/Macau (港/澳) and consulates
  (领, 使) are recognised so a camera's read of them is not refused.

I and O never appear in the serial: a camera's O there is a 0 and its I a 1.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from parking_payment.domain.errors import DomainError

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_ALNUM = "A-HJ-NP-Z0-9"
_NEV_CLASS = "A-HJK"  # D and F, and the newer A, B, C, E, G, H, J, K

_ORDINARY = re.compile(rf"^[{PROVINCES}][A-HJ-Z][{_ALNUM}]{{4}}[{_ALNUM}学挂警港澳领]$")
_NEV_SMALL = re.compile(rf"^[{PROVINCES}][A-HJ-Z][{_NEV_CLASS}][{_ALNUM}]\d{{4}}$")
_NEV_LARGE = re.compile(rf"^[{PROVINCES}][A-HJ-Z]\d{{5}}[{_NEV_CLASS}]$")
_EMBASSY = re.compile(r"^使\d{6}$")
_NO_PLATE = {"", "无", "无牌", "无牌车", "无车牌", "_无_", "NOPLATE", "NONE", "UNKNOWN", "未识别"}
_STRIP = re.compile(r"[\s·•\-._]")


class PlateColor(StrEnum):
    blue = "blue"
    yellow = "yellow"
    green = "green"  # small new-energy
    yellow_green = "yellow_green"  # large new-energy
    white = "white"
    black = "black"


COLOR_NAMES_ZH = {
    PlateColor.blue: "蓝牌",
    PlateColor.yellow: "黄牌",
    PlateColor.green: "绿牌（新能源）",
    PlateColor.yellow_green: "黄绿牌（新能源大型车）",
    PlateColor.white: "白牌",
    PlateColor.black: "黑牌",
}


@dataclass(frozen=True, slots=True)
class Plate:
    number: str
    color: PlateColor
    new_energy: bool

    @property
    def province(self) -> str:
        return self.number[0]


def normalise(raw: str | None) -> str | None:
    """Upper case, half width, no separators, O/I in the serial read as 0/1.

    ``None`` for a read that says there is no plate (``无牌车``, ``_无_`` ...).
    """
    if raw is None:
        return None
    text = _STRIP.sub("", unicodedata.normalize("NFKC", raw)).upper()
    if text in _NO_PLATE or text.startswith("无"):
        return None
    if len(text) >= 3 and text[0] in PROVINCES:
        serial = text[2:].replace("O", "0").replace("I", "1")
        text = text[:2] + serial
    return text


def infer_color(number: str) -> PlateColor | None:
    """The colour a valid plate must have, or ``None`` when blue and yellow both fit."""
    if _NEV_SMALL.match(number):
        return PlateColor.green
    if _NEV_LARGE.match(number):
        return PlateColor.yellow_green
    if _EMBASSY.match(number):
        return PlateColor.black
    if _ORDINARY.match(number):
        last = number[-1]
        if last in "学挂":
            return PlateColor.yellow
        if last == "警":
            return PlateColor.white
        if last in "港澳领":
            return PlateColor.black
        return None
    raise _invalid(number)


def parse_plate(raw: str, color: PlateColor | str | None = None) -> Plate:
    """A valid plate with its colour; a declared colour must agree with the format.

    Without a colour an ordinary plate is taken as blue (the common case; the camera's
    colour or the owner's registration says otherwise).
    """
    number = normalise(raw)
    if number is None:
        raise DomainError("parking.plate_missing", "没有车牌号", "no plate number")
    required = infer_color(number)
    declared = PlateColor(color) if color else None
    if declared is None:
        chosen = required or PlateColor.blue
    elif required is None:
        if declared not in (PlateColor.blue, PlateColor.yellow):
            raise _mismatch(number, declared)
        chosen = declared
    elif declared != required:
        raise _mismatch(number, declared)
    else:
        chosen = declared
    return Plate(number, chosen, chosen in (PlateColor.green, PlateColor.yellow_green))


def is_valid(raw: str | None) -> bool:
    try:
        return raw is not None and bool(parse_plate(raw))
    except DomainError:
        return False


def _invalid(number: str) -> DomainError:
    return DomainError(
        "parking.plate_invalid",
        f"车牌号“{number}”格式不正确",
        f"plate number {number} is not a valid Chinese plate",
    )


def _mismatch(number: str, color: PlateColor) -> DomainError:
    return DomainError(
        "parking.plate_color_mismatch",
        f"车牌号“{number}”与{COLOR_NAMES_ZH[color]}不符",
        f"plate number {number} does not match the colour {color.value}",
    )
