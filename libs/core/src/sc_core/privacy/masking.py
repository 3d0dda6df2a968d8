"""Masking of Chinese personal data for display.

Every function takes the stored value and returns what a caller without the grade may
see. ``None`` and the empty string pass through unchanged. The functions never raise on
odd input: an unrecognised shape is masked more, not less.
"""

from __future__ import annotations

import re
from collections.abc import Callable

STAR = "*"
FILL = "****"

# Common two-character (compound) surnames; a name starting with one keeps both characters.
_COMPOUND_SURNAMES_TEXT = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 "
    "令狐 端木 西门 南宫 独孤 澹台 公冶 宗政 濮阳 太史 申屠 钟离 闻人 万俟 "
    "赫连 呼延 司空 拓跋 百里 东郭 左丘 谷梁 段干 乐正 公羊 梁丘 淳于 仲孙 "
    "叔孙 公良 漆雕 壤驷 巫马 微生 颛孙 子车 亓官 司寇 羊舌 南门 东门 西宫 "
    "呼衍 "
)
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND_SURNAMES_TEXT.split())

_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·•\s]+$")
_DIGIT = re.compile(r"[0-9０-９]")
# Administrative and street-level suffixes we keep, up to the last one before the house
# number. "区" preceded by 小/社/园/校 names a compound or community, finer than a street.
_ADDR_LEVEL = re.compile(
    r"特别行政区|自治区|自治州|自治县|省|市|地区|盟|(?<![小社园校])区|县|旗|镇|乡|街道|大街|大道|路|街|巷|胡同|弄|村"
)
_HOUSE_START = re.compile(r"[0-9０-９号#＃]")


def _mask_middle(text: str, keep_head: int, keep_tail: int) -> str:
    hidden = len(text) - keep_head - keep_tail
    if hidden <= 0:
        return STAR * len(text)
    return text[:keep_head] + STAR * hidden + text[len(text) - keep_tail :]


def mask_id_number(value: str | None) -> str | None:
    """Resident ID (身份证) and other document numbers: first 3 and last 4 kept.

    ``110101199003071234`` -> ``110***********1234``. Seven characters or fewer: all hidden.
    """
    if not value:
        return value
    text = value.strip()
    if len(text) <= 7:
        return STAR * len(text)
    return _mask_middle(text, 3, 4)


def mask_mobile(value: str | None) -> str | None:
    """Mobile numbers: ``13812345678`` -> ``138****5678``; ``+86 138 1234 5678`` ->
    ``+86 138****5678``. Other phone numbers keep only their last 4 digits (and an area code
    of 3-4 digits when written with a dash, ``010-****5678``)."""
    if not value:
        return value
    text = value.strip()
    compact = re.sub(r"[\s\-().]", "", text)
    match = re.fullmatch(r"(?:(\+86|0086|86))?(1\d{10})", compact)
    if match:
        masked = _mask_middle(match.group(2), 3, 4)
        return f"+86 {masked}" if match.group(1) else masked
    landline = re.fullmatch(r"(0\d{2,3})-(\d{5,8})", text)
    if landline:
        number = landline.group(2)
        return f"{landline.group(1)}-{STAR * (len(number) - 4)}{number[-4:]}"
    digits = re.sub(r"\D", "", text)
    if len(digits) <= 4:
        return STAR * len(digits) if digits else FILL
    return STAR * (len(digits) - 4) + digits[-4:]


def mask_name(value: str | None) -> str | None:
    """Chinese names keep the surname (``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧阳**``);
    other names keep their first letter (``John Smith`` -> ``J***``)."""
    if not value:
        return value
    text = value.strip()
    if _CJK.match(text):
        chars = [c for c in text if not c.isspace()]
        keep = 2 if len(chars) > 2 and "".join(chars[:2]) in COMPOUND_SURNAMES else 1
        if len(chars) == 1:
            return STAR
        return "".join(chars[:keep]) + "".join(c if c in "·•" else STAR for c in chars[keep:])
    return text[0] + "***"


def mask_address(value: str | None) -> str | None:
    """Keep the address down to the district / street level and hide the rest.

    ``北京市朝阳区建国路88号院3号楼2单元501室`` -> ``北京市朝阳区建国路****``. Latin
    addresses hide every word that holds a digit (``221B Baker Street`` -> ``**** Baker
    Street``).
    """
    if not value:
        return value
    text = value.strip()
    if not re.search(r"[\u3400-\u9fff]", text):
        words = [FILL if _DIGIT.search(w) else w for w in text.split(" ")]
        return " ".join(words)
    house = _HOUSE_START.search(text)
    cut = house.start() if house else len(text)
    keep = 0
    for match in _ADDR_LEVEL.finditer(text, 0, cut):
        keep = match.end()
    if keep == len(text):
        return text
    return text[:keep] + FILL


def mask_email(value: str | None) -> str | None:
    """``zhangsan@example.com`` -> ``z***@example.com``."""
    if not value:
        return value
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return text[0] + "***" if text else text
    return local[0] + "***@" + domain


def mask_plate(value: str | None) -> str | None:
    """Vehicle plates keep province + letter and the last two: ``京A12345`` -> ``京A***45``,
    ``京AD12345`` -> ``京A****45``."""
    if not value:
        return value
    text = re.sub(r"[\s·\-]", "", value)
    if len(text) <= 4:
        return STAR * len(text)
    return _mask_middle(text, 2, 2)


def mask_face_id(value: str | None) -> str | None:
    """Face feature / template identifiers: only the last 4 characters, behind ``****``,
    so support can match a record without the identifier being usable."""
    if not value:
        return value
    text = value.strip()
    if len(text) <= 8:
        return FILL
    return FILL + text[-4:]


def mask_text(value: str | None) -> str | None:
    """Free text of any grade: replaced as a whole."""
    if not value:
        return value
    return FILL


MASKERS: dict[str, Callable[[str | None], str | None]] = {
    "id_number": mask_id_number,
    "mobile": mask_mobile,
    "phone": mask_mobile,
    "name": mask_name,
    "address": mask_address,
    "email": mask_email,
    "plate": mask_plate,
    "face_id": mask_face_id,
    "text": mask_text,
}


def mask_value(kind: str, value: object) -> object:
    """Mask ``value`` as a ``kind``; non-string values (dates, numbers, lists) become None.

    Kinds: id_number, mobile, phone, name, address, email, plate, face_id, text, and
    ``redact`` (always None). Unknown kinds mask as ``text``.
    """
    if value is None:
        return None
    if kind == "redact" or not isinstance(value, str):
        return None
    return MASKERS.get(kind, mask_text)(value)
