"""Chinese identifiers every service checks the same way.

- GB 11643-1999 citizen identity number (公民身份号码): 18 characters, a six-digit
  administrative-division code, the birth date ``YYYYMMDD``, a three-digit sequence (odd for
  men, even for women) and a check character by ISO 7064 MOD 11-2 (``X`` for ten).
- GB 32100-2015 unified social credit code (统一社会信用代码) of organisations: 18
  characters from ``0-9`` and the capitals without ``I O Z S V``: the registration authority
  (1), the organisation type (1), the division code (6), the organisation code (9, GB 11714)
  and a check character by MOD 31 (GB/T 17710).

Each check raises :class:`InvalidIdentifier` with a stable ``code`` (what an app localises),
a Chinese and an English reason. ``IdNumber`` and ``UnifiedSocialCreditCode`` are pydantic
types that normalise (trim, upper-case) and refuse a bad value with the same code as the
error ``type`` (``request.validation_failed`` lists it per field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "DivisionCode",
    "IdNumber",
    "IdNumberInfo",
    "InvalidIdentifier",
    "MobileNumber",
    "UnifiedSocialCreditCode",
    "UsccInfo",
    "id_number_check_char",
    "parse_division_code",
    "parse_id_number",
    "parse_mobile",
    "parse_uscc",
    "uscc_check_char",
]


class InvalidIdentifier(ValueError):
    """An identifier that fails its standard; ``code`` is stable, ``zh``/``en`` are for people."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en


# --- GB 11643-1999 -----------------------------------------------------------------------

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 ...
_ID_CHECK = "10X98765432"
# Province-level codes of GB/T 2260 (11 Beijing ... 65 Xinjiang, 71 Taiwan, 81 Hong Kong,
# 82 Macao) and 83, used on the residence permits of Taiwan residents.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


@dataclass(frozen=True)
class IdNumberInfo:
    """What an identity number says about its holder (itself personal data: handle as such)."""

    number: str
    division_code: str
    birth_date: date
    sex: Literal["male", "female"]

    def age_on(self, day: date) -> int:
        """Whole years of age on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


def id_number_check_char(first17: str) -> str:
    """The check character of the first 17 digits of an identity number."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise InvalidIdentifier(
            "id_number.format", "身份证号码前17位应为数字", "The first 17 characters must be digits"
        )
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def parse_id_number(value: str, *, today: date | None = None) -> IdNumberInfo:
    """Check an 18-character identity number against GB 11643 and say what it encodes.

    Refuses the 15-digit numbers of first-generation cards (no longer valid since 2013),
    a division outside the provinces, a birth date that does not exist or lies in the
    future, and a wrong check character.
    """
    number = value.strip().upper()
    if len(number) == 15 and number.isdigit():
        raise InvalidIdentifier(
            "id_number.first_generation",
            "15位一代身份证号码已停止使用，请填写18位号码",
            "15-digit first-generation numbers are no longer valid; give the 18-digit number",
        )
    if len(number) != 18 or not number.isascii():
        raise InvalidIdentifier(
            "id_number.length", "身份证号码应为18位", "An ID number has 18 characters"
        )
    check = id_number_check_char(number[:17])
    if int(number[:2]) not in _PROVINCES:
        raise InvalidIdentifier(
            "id_number.division",
            "身份证号码的地区码不存在",
            "The ID number's region code is unknown",
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdentifier(
            "id_number.birth_date",
            "身份证号码中的出生日期不存在",
            "The birth date in the ID number does not exist",
        ) from None
    if born > (today or date.today()) or born.year < 1850:
        raise InvalidIdentifier(
            "id_number.birth_date",
            "身份证号码中的出生日期不合理",
            "The birth date in the ID number is not plausible",
        )
    if number[17] != check:
        raise InvalidIdentifier(
            "id_number.check_digit",
            "身份证号码校验位不正确，请核对",
            "The ID number's check character is wrong; please check it",
        )
    sex: Literal["male", "female"] = "male" if int(number[16]) % 2 else "female"
    return IdNumberInfo(number=number, division_code=number[:6], birth_date=born, sex=sex)


# --- GB 32100-2015 -----------------------------------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 ...
# Registration authorities (登记管理部门) of GB 32100 and their organisation types.
_AUTHORITIES: dict[str, tuple[str, str, frozenset[str]]] = {
    "1": ("机构编制", "institutional establishment", frozenset("129")),
    "2": ("外交", "foreign affairs", frozenset("19")),
    "3": ("司法行政", "justice", frozenset("123459")),
    "4": ("文化", "culture", frozenset("19")),
    "5": ("民政", "civil affairs", frozenset("1239")),
    "6": ("旅游", "tourism", frozenset("129")),
    "7": ("宗教", "religious affairs", frozenset("129")),
    "8": ("工会", "trade unions", frozenset("19")),
    "9": ("工商", "industry and commerce", frozenset("123")),
    "A": ("中央军委改革和编制办公室", "military establishment", frozenset("19")),
    "N": ("农业", "agriculture", frozenset("1239")),
    "Y": ("其他", "other", frozenset("1")),
}


@dataclass(frozen=True)
class UsccInfo:
    code: str
    authority_code: str
    authority_zh: str
    authority_en: str
    type_code: str
    division_code: str
    organisation_code: str


def uscc_check_char(first17: str) -> str:
    """The check character (18th) of the first 17 characters of a unified social credit code."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise InvalidIdentifier(
            "uscc.format",
            "统一社会信用代码只能由数字和大写字母（不含I、O、Z、S、V）组成",
            "A unified social credit code uses digits and capitals without I, O, Z, S, V",
        )
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def parse_uscc(value: str) -> UsccInfo:
    """Check an 18-character unified social credit code against GB 32100.

    The registration authority and the organisation type must be ones the standard
    defines, the division six digits, and the check character right.
    """
    code = value.strip().upper()
    if len(code) != 18:
        raise InvalidIdentifier(
            "uscc.length",
            "统一社会信用代码应为18位",
            "A unified social credit code has 18 characters",
        )
    check = uscc_check_char(code[:17])
    authority = _AUTHORITIES.get(code[0])
    if authority is None or code[1] not in authority[2]:
        raise InvalidIdentifier(
            "uscc.authority",
            "统一社会信用代码的登记管理部门或机构类别代码不存在",
            "The code's registration authority or organisation type does not exist",
        )
    if not code[2:8].isdigit():
        raise InvalidIdentifier(
            "uscc.division",
            "统一社会信用代码第3至8位应为行政区划代码",
            "Characters 3 to 8 must be the administrative division code",
        )
    if code[17] != check:
        raise InvalidIdentifier(
            "uscc.check_digit",
            "统一社会信用代码校验位不正确，请核对",
            "The code's check character is wrong; please check it",
        )
    return UsccInfo(
        code=code,
        authority_code=code[0],
        authority_zh=authority[0],
        authority_en=authority[1],
        type_code=code[1],
        division_code=code[2:8],
        organisation_code=code[8:17],
    )


# --- pydantic types ----------------------------------------------------------------------


def _normalise(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _pydantic(check: object) -> AfterValidator:
    def run(value: str) -> str:
        try:
            check(value)  # type: ignore[operator]
        except InvalidIdentifier as exc:
            raise PydanticCustomError(exc.code, str(exc)) from None
        return value

    return AfterValidator(run)


# The length bounds are loose on purpose: a value of a wrong length within them is refused
# by its standard's check with its own code (id_number.length ...); they keep a megabyte
# out of the parser and tell schema readers the field is short (issue 30).
IdNumber = Annotated[
    str, BeforeValidator(_normalise), Field(max_length=64), _pydantic(parse_id_number)
]
"""An 18-character GB 11643 identity number, upper-cased; refused with ``id_number.*``."""

UnifiedSocialCreditCode = Annotated[
    str, BeforeValidator(_normalise), Field(max_length=64), _pydantic(parse_uscc)
]
"""A GB 32100 unified social credit code, upper-cased; refused with ``uscc.*``."""


# --- GB/T 2260 administrative divisions ----------------------------------------------------

_DIVISION = re.compile(r"^\d{6}$")


def parse_division_code(value: str) -> str:
    """A six-digit GB/T 2260 administrative-division code (行政区划代码) such as 330106
    (杭州市西湖区): province (2 digits, a known one), prefecture (2), county (2). The list of
    every county changes yearly and is not kept here: the shape and the province are checked."""
    if not _DIVISION.match(value):
        raise InvalidIdentifier(
            "division_code.format",
            "行政区划代码应为6位数字（如 330106）",
            "A division code is six digits (e.g. 330106)",
        )
    if int(value[:2]) not in _PROVINCES - {83}:
        raise InvalidIdentifier(
            "division_code.province",
            "行政区划代码的省级代码不存在",
            "The division code's province is unknown",
        )
    return value


DivisionCode = Annotated[
    str, BeforeValidator(_normalise), Field(max_length=16), _pydantic(parse_division_code)
]
"""A GB/T 2260 division code; refused with ``division_code.*``."""


# --- mainland mobile numbers ---------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def parse_mobile(value: str) -> str:
    """A mainland China mobile number (11 digits, 13x-19x), without spaces, dashes or +86."""
    digits = re.sub(r"[\s\-()]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise InvalidIdentifier(
            "mobile.format",
            "手机号码应为11位中国大陆手机号（如 13800000000）",
            "A mobile number is 11 digits starting 13-19 (mainland China)",
        )
    return digits


def _mobile(value: str) -> str:
    try:
        return parse_mobile(value)
    except InvalidIdentifier as exc:
        raise PydanticCustomError(exc.code, str(exc)) from None


MobileNumber = Annotated[str, Field(max_length=32), AfterValidator(_mobile)]
"""A mainland mobile number, normalised to its 11 digits; refused with ``mobile.format``."""
