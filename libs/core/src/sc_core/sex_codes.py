"""GB/T 2261.1-2003 sex codes (人的性别代码), the one table every service reads.

The APIs keep the words they always had (``gender``: ``male``, ``female``, ``other`` or
none); the national code is what a file, a register's read and a dataset that leaves the
platform carry beside it:

====  ==============  ==========================  ===============
code  zh-CN           en                          the API's value
====  ==============  ==========================  ===============
0     未知的性别      unknown                     none
1     男              male                        ``male``
2     女              female                      ``female``
9     未说明的性别    not stated                  ``other``
====  ==============  ==========================  ===============

``parse_sex`` reads what a person types in a spreadsheet (男, 女, 1, 2, 0, 9, 未知的性别,
未说明的性别, 其他, the English words and the API's values) and refuses anything else with
:class:`~sc_core.validators.InvalidIdentifier` (a stable code, zh-CN and English reasons).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sc_core.validators import InvalidIdentifier

__all__ = ["SEXES", "Sex", "SexCode", "parse_sex", "sex_code", "sex_of_code"]

SexCode = Literal["0", "1", "2", "9"]


@dataclass(frozen=True)
class Sex:
    code: SexCode
    zh: str
    en: str
    value: str | None  # the API's ``gender`` value; None for 0 (unknown)


SEXES: dict[str, Sex] = {
    s.code: s
    for s in (
        Sex("0", "未知的性别", "unknown", None),
        Sex("1", "男", "male", "male"),
        Sex("2", "女", "female", "female"),
        Sex("9", "未说明的性别", "not stated", "other"),
    )
}
_BY_VALUE = {s.value: s for s in SEXES.values()}
# every spelling a spreadsheet may hold, folded to lower case, -> the code
_WORDS: dict[str, str] = {
    **{code: code for code in SEXES},
    **{s.zh: s.code for s in SEXES.values()},
    **{s.en: s.code for s in SEXES.values()},
    **{s.value: s.code for s in SEXES.values() if s.value},
    "未知": "0",
    "其他": "9",
    "未说明": "9",
    "m": "1",
    "f": "2",
    "man": "1",
    "woman": "2",
    "not specified": "9",
}


def sex_code(value: str | None) -> SexCode:
    """The GB/T 2261.1 code of the API's ``gender`` value (``other`` -> 9, none -> 0)."""
    found = _BY_VALUE.get(value)
    return found.code if found is not None else "0"


def sex_of_code(code: str) -> Sex:
    """The row of a code (``KeyError`` for a code the standard does not have)."""
    return SEXES[code]


def parse_sex(text: str) -> Sex:
    """The sex a cell says; blank means unknown (0)."""
    cleaned = text.strip()
    if not cleaned:
        return SEXES["0"]
    code = _WORDS.get(cleaned.lower())
    if code is None:
        raise InvalidIdentifier(
            "sex.unknown",
            f"“{cleaned[:20]}”不是性别：请填写男、女、未知的性别或未说明的性别"
            "（或代码 1、2、0、9，GB/T 2261.1）",
            f"{cleaned[:20]!r} is not a sex: write 男 (male), 女 (female), 未知的性别 (unknown) "
            "or 未说明的性别 (not stated), or the GB/T 2261.1 code 1, 2, 0 or 9",
        )
    return SEXES[code]
