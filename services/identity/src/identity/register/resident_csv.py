"""A building's households and residents as CSV (住户信息表), the form property offices keep
beside the house register: the columns and words of ``residents.csv``'s export, and the
import's reading of a file (pure: no I/O). Every problem is reported with its line and
column, in zh-CN and English.

A value the export masked (王**, 110101********1234, 138****0006) stands for what is
recorded: it finds the resident it was exported from and changes nothing. A new resident
needs every value given in clear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from identity.register.room_csv import UNIT_CODE, RowError, unreadable
from sc_core.csv_records import CsvRecords
from sc_core.sex_codes import Sex, parse_sex
from sc_core.validators import InvalidIdentifier, parse_id_number, parse_mobile

RESIDENT_COLUMNS = (
    "楼栋",
    "单元",
    "房号",
    "户名",
    "姓名",
    "与户关系",
    "性别",
    "出生日期",
    "证件号码",
    "手机号码",
    "入住日期",
    "性别代码",  # GB/T 2261.1 (1 男, 2 女, 9 未说明的性别, 0 未知的性别); last: older files lack it
)
RELATION_WORDS = {"owner": "业主", "family": "家庭成员", "tenant": "租户"}
REQUIRED = ("单元", "房号", "户名", "姓名", "与户关系")
MAX_ROWS = 5000
ROOM_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
KIND = "residents_csv"


@dataclass(frozen=True)
class ResidentRow:
    line: int
    unit: str  # the unit's code ("1单元" and "1" both name unit 1)
    room: str
    household: str
    name: str
    relation: str  # owner, family, tenant
    gender: str | None  # the API's value of the GB/T 2261.1 code (0 -> None)
    birth_date: date | None
    id_number: str | None  # normalised; as written when masked
    phone: str | None
    moved_in_on: date | None
    masked: frozenset[str]  # which of name, id_number, phone the file gives masked

    @property
    def clear(self) -> bool:
        return not self.masked


def parse(
    text: str, building_name: str, building_code: str, today: date
) -> tuple[list[ResidentRow], list[RowError]]:
    """The rows of ``text`` and every problem found (all of them, not the first)."""
    records = CsvRecords(text)
    header = records.header()
    errors = [
        RowError(1, name, f"缺少“{name}”列", f"The column {name} is missing", KIND)
        for name in REQUIRED
        if name not in header
    ]
    if errors:
        return [], unreadable(records, KIND) + errors
    col = {name: i for i, name in enumerate(header)}
    rows: list[ResidentRow] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, values in records:
        if not any(v.strip() for v in values):
            continue  # blank lines a spreadsheet leaves
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(
                RowError(
                    line, "", f"一次最多导入 {MAX_ROWS} 行", f"At most {MAX_ROWS} rows a file", KIND
                )
            )
            break

        def cell(name: str, values: list[str] = values) -> str:
            index = col.get(name)
            return values[index].strip() if index is not None and index < len(values) else ""

        row, problems = _row(line, cell, building_name, building_code, today)
        errors.extend(problems)
        if row is None:
            continue
        key = (row.unit, row.room, row.household, row.id_number or row.name)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "姓名",
                    f"与第 {seen[key]} 行重复（{row.household}的{row.name}）",
                    f"Repeats line {seen[key]} ({row.name} of {row.household})",
                    KIND,
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors + unreadable(records, KIND)


def _row(
    line: int, get: Callable[[str], str], building_name: str, building_code: str, today: date
) -> tuple[ResidentRow | None, list[RowError]]:
    problems: list[RowError] = []

    def bad(column: str, zh: str, en: str) -> None:
        problems.append(RowError(line, column, zh, en, KIND))

    named = get("楼栋")
    if named and named not in (building_name, building_code):
        bad("楼栋", f"“{named}”不是{building_name}", f"{named!r} is not {building_name}")
    unit = get("单元").removesuffix("单元")
    if not UNIT_CODE.match(unit):
        bad(
            "单元",
            "单元编号应为字母或数字（如 1 或 1单元）",
            "A unit is letters or digits (1 or 1单元)",
        )
    room = get("房号").removesuffix("室")
    if not ROOM_CODE.match(room):
        bad(
            "房号",
            "房号应为不超过 16 位的字母或数字",
            "A room number is up to 16 letters or digits",
        )
    household = get("户名")
    if not 1 <= len(household) <= 100:
        bad("户名", "户名不能为空，最多 100 个字", "The household's name is 1 to 100 characters")
    name = get("姓名")
    if not 1 <= len(name) <= 100:
        bad("姓名", "姓名不能为空，最多 100 个字", "The name is 1 to 100 characters")
    masked: set[str] = set()
    if "*" in name:
        masked.add("name")
    relation = _word(get("与户关系"), RELATION_WORDS)
    if relation is None:
        bad(
            "与户关系",
            f"与户关系应为{'、'.join(RELATION_WORDS.values())}之一",
            "The relation is 业主 (owner), 家庭成员 (family) or 租户 (tenant)",
        )
    gender = _sex(get, bad)
    birth_text = get("出生日期")
    birth = _date(birth_text) if birth_text and "*" not in birth_text else None
    if birth_text and "*" not in birth_text and (birth is None or birth > today):
        bad(
            "出生日期",
            "出生日期应为不晚于今天的日期（如 1956-03-08）",
            "A birth date like 1956-03-08, not in the future",
        )
    id_number: str | None = get("证件号码") or None
    if id_number and "*" in id_number:
        masked.add("id_number")
    elif id_number:
        try:
            info = parse_id_number(id_number, today=today)
        except InvalidIdentifier as exc:
            bad("证件号码", exc.zh, exc.en)
        else:
            id_number = info.number
            if birth is not None and birth != info.birth_date:
                bad(
                    "出生日期",
                    "出生日期与身份证号码不符",
                    "The birth date differs from the ID number's",
                )
            birth = birth or info.birth_date
    phone: str | None = get("手机号码") or None
    if phone and "*" in phone:
        masked.add("phone")
    elif phone:
        try:
            phone = parse_mobile(phone)
        except InvalidIdentifier as exc:
            bad("手机号码", exc.zh, exc.en)
    moved_text = get("入住日期")
    moved_in = _date(moved_text) if moved_text else None
    if moved_text and (moved_in is None or moved_in > today):
        bad(
            "入住日期",
            "入住日期应为不晚于今天的日期（如 2020-05-01）",
            "A move-in date like 2020-05-01, not in the future",
        )
    if problems or relation is None:
        return None, problems
    return (
        ResidentRow(
            line,
            unit,
            room,
            household,
            name,
            relation,
            gender,
            birth,
            id_number,
            phone,
            moved_in,
            frozenset(masked),
        ),
        [],
    )


def _sex(get: Callable[[str], str], bad: Callable[[str, str, str], None]) -> str | None:
    """The API's value of the sex (GB/T 2261.1) the row gives by 性别 (男, 2, female...)
    or 性别代码, which agree when both are given; None when unknown or refused."""
    found: dict[str, Sex] = {}
    for column in ("性别", "性别代码"):
        text = get(column)
        if not text:
            continue
        try:
            found[column] = parse_sex(text)
        except InvalidIdentifier as exc:
            bad(column, exc.zh, exc.en)
            return None
    if len({s.code for s in found.values()}) > 1:
        bad(
            "性别代码",
            f"性别“{found['性别'].zh}”与性别代码“{found['性别代码'].code}”不符",
            f"The sex {found['性别'].en} differs from the code {found['性别代码'].code}",
        )
        return None
    return next((s.value for s in found.values()), None)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None


def _word(text: str, words: dict[str, str]) -> str | None:
    """The enum value of a word (业主) or of the value itself; None when neither."""
    if text in words:
        return text
    return {w: v for v, w in words.items()}.get(text)
