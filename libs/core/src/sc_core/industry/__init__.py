"""GB/T 4754-2017 industrial classification for national economic activities (国民经济行业分类),
the 2017 edition (with amendment No. 1 of 2019, which changed no section or division).

The standard has four levels: 20 sections (门类, ``A``-``T``), 97 divisions (大类, two digits
``01``-``97``), groups (中类, three digits) and classes (小类, four digits). The table
(:mod:`sc_core.industry.table`) holds the sections and divisions with their Chinese names as
the standard prints them and English names after the National Bureau of Statistics'
translation. An organisation's or a merchant's
``industry_code`` is a division's two digits; a group's or class's code (``521``, ``5211``)
is accepted and kept as its division, since the finer levels are not tabled here.

:func:`parse_industry_code` refuses an unknown code with :class:`UnknownIndustry`;
:data:`IndustryCode` is the pydantic type (error ``industry.unknown``, its Chinese in the
error's context, as ``request.validation_failed`` shows it per field).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from sc_core.industry.table import DIVISIONS, EDITION, SECTIONS, Division, Section

__all__ = [
    "DIVISIONS",
    "EDITION",
    "SECTIONS",
    "Division",
    "IndustryCode",
    "IndustrySection",
    "Section",
    "UnknownIndustry",
    "division",
    "division_codes",
    "parse_industry_code",
]


IndustrySection = Literal[
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
]
"""A section's letter, as a request's filter takes it."""


class UnknownIndustry(ValueError):
    """A code that is no division of the standard; ``zh``/``en`` are for people."""

    code = "industry.unknown"

    def __init__(self, value: str) -> None:
        self.zh = f"“{value}”不是国民经济行业分类（{EDITION}）的行业代码，请从列表中选择"
        self.en = f"“{value}” is not an industry code of {EDITION}; pick one from the list"
        super().__init__(self.en)


def parse_industry_code(value: str) -> str:
    """The division (two digits) of a division, group or class code (``52``, ``521``,
    ``5211``), optionally led by its section's letter (``F52``); unknown ones refused."""
    code = value.strip().upper()
    if code[:1].isalpha():
        letter, code = code[:1], code[1:]
    else:
        letter = ""
    found = DIVISIONS.get(code[:2]) if 2 <= len(code) <= 4 and code.isdigit() else None
    if found is None or (letter and found.section.code != letter):
        raise UnknownIndustry(value.strip())
    return found.code


def division(code: str | None) -> Division | None:
    """The division of a stored code (``None`` when there is none)."""
    return DIVISIONS.get(code) if code else None


def division_codes(section: str) -> list[str]:
    """The two-digit codes of a section's divisions (``F`` -> ``["51", "52"]``)."""
    s = SECTIONS[section]
    return [f"{n:02d}" for n in range(s.first, s.last + 1)]


def _checked(value: str) -> str:
    try:
        return parse_industry_code(value)
    except UnknownIndustry as exc:
        raise PydanticCustomError(exc.code, exc.en, {"zh": exc.zh}) from None


IndustryCode = Annotated[str, BeforeValidator(str), Field(max_length=8), AfterValidator(_checked)]
"""A GB/T 4754-2017 industry code, kept as its division's two digits; ``industry.unknown``."""
