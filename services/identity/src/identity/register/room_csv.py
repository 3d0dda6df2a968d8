"""A building's house register (实有房屋) as CSV, the form property offices keep: the
columns and words of the export, and the import's reading of a file (pure: no I/O). A file
the export wrote imports back unchanged; every problem is reported with its line and
column, in zh-CN and English."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from identity.register import sheets
from sc_core.csv_records import CsvRecords

CSV_COLUMNS = ("楼栋", "单元", "楼层", "房号", "标准编码", "建筑面积（㎡）", "用途", "出租状态")
USAGE_WORDS = {"residential": "住宅", "commercial": "商业", "office": "办公", "other": "其他"}
RENTAL_WORDS = {
    "vacant": "空置",
    "owner_occupied": "自住",
    "rented": "出租",
    "group_rental": "群租",
}
MAX_ROWS = 5000
REQUIRED = ("单元", "楼层", "房号")
AREA_HEADERS = ("建筑面积（㎡）", "建筑面积(㎡)", "建筑面积")
UNIT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ROOM_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
UNKNOWN = "?"  # a word that is no usage or rental status


@dataclass(frozen=True)
class RoomRow:
    line: int
    unit: str  # the unit's code: "1单元" and "1" both name unit 1
    floor: int
    code: str
    area_m2: float | None
    usage: str | None  # None: not said (a new room is residential, an old one keeps its own)
    rental_status: str | None


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    zh: str
    en: str
    kind: str = "rooms_csv"  # which file: rooms_csv or residents_csv

    def as_error(self) -> dict[str, object]:
        return {
            "line": self.line,
            "field": self.column,
            "message": self.zh,
            "message_en": self.en,
            "type": self.kind,
        }


class Building:
    """What a row is checked against: the building's name and code and its floors."""

    def __init__(self, name: str, code: str, floors: int) -> None:
        self.name, self.code, self.floors = name, code, floors


def decode(data: bytes) -> str | None:
    """UTF-8 (with or without the BOM the export writes), or GB 18030 as a spreadsheet on
    a Chinese desktop saves CSV, or an Excel workbook (.xlsx: its first sheet); None when
    it is none of them."""
    if sheets.is_workbook(data):
        return sheets.to_csv_text(data, MAX_ROWS)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse(text: str, building: Building) -> tuple[list[RoomRow], list[RowError]]:
    """The rows of ``text`` and every problem found (all of them, not the first)."""
    records = CsvRecords(text)
    header = records.header()
    errors = [
        RowError(1, name, f"缺少“{name}”列", f"The column {name} is missing")
        for name in REQUIRED
        if name not in header
    ]
    if errors:
        return [], unreadable(records, "rooms_csv") + errors
    col = {name: i for i, name in enumerate(header)}
    area_col = next((col[h] for h in AREA_HEADERS if h in col), None)
    rows: list[RoomRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in records:
        if not any(v.strip() for v in values):
            continue  # blank lines a spreadsheet leaves
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(
                RowError(line, "", f"一次最多导入 {MAX_ROWS} 行", f"At most {MAX_ROWS} rows a file")
            )
            break

        def cell(index: int | None, values: list[str] = values) -> str:
            return values[index].strip() if index is not None and index < len(values) else ""

        row, problems = _row(line, cell, col, area_col, building)
        errors.extend(problems)
        if row is None:
            continue
        key = (row.unit, row.code)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "房号",
                    f"与第 {seen[key]} 行重复（{row.unit}单元{row.code}室）",
                    f"Repeats line {seen[key]} (unit {row.unit}, room {row.code})",
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors + unreadable(records, "rooms_csv")


def unreadable(records: CsvRecords, kind: str) -> list[RowError]:
    """The record the reading stopped at, as a problem of the file (none when it read to
    the end)."""
    stop = records.unreadable
    return [] if stop is None else [RowError(stop.line, "", stop.zh, stop.en, kind)]


def _row(
    line: int,
    get: Callable[[int | None], str],
    col: dict[str, int],
    area_col: int | None,
    building: Building,
) -> tuple[RoomRow | None, list[RowError]]:
    problems: list[RowError] = []

    def bad(column: str, zh: str, en: str) -> None:
        problems.append(RowError(line, column, zh, en))

    named = get(col.get("楼栋"))
    if named and named not in (building.name, building.code):
        bad("楼栋", f"“{named}”不是{building.name}", f"{named!r} is not {building.name}")
    unit = get(col["单元"]).removesuffix("单元")
    if not UNIT_CODE.match(unit):
        bad(
            "单元",
            "单元编号应为字母或数字（如 1 或 1单元）",
            "A unit is letters or digits (1 or 1单元)",
        )
    floor = _int(get(col["楼层"]))
    if floor is None or floor == 0 or not -5 <= floor <= building.floors:
        bad(
            "楼层",
            f"楼层应为 1 至 {building.floors}（地下层 -1 至 -5）",
            f"The floor is 1 to {building.floors} (basements -1 to -5)",
        )
    code = get(col["房号"])
    if not ROOM_CODE.match(code):
        bad(
            "房号",
            "房号应为不超过 16 位的字母或数字",
            "A room number is up to 16 letters or digits",
        )
    area_text = get(area_col)
    area = _float(area_text) if area_text else None
    if area_text and (area is None or not 0 < area <= 100_000):
        bad("建筑面积", "建筑面积应为大于 0 的数字（平方米）", "The area is a number above 0 (m²)")
    usage = _word(get(col.get("用途")), USAGE_WORDS)
    if usage == UNKNOWN:
        bad("用途", f"用途应为{'、'.join(USAGE_WORDS.values())}之一", "Unknown usage")
    rental = _word(get(col.get("出租状态")), RENTAL_WORDS)
    if rental == UNKNOWN:
        bad(
            "出租状态",
            f"出租状态应为{'、'.join(RENTAL_WORDS.values())}之一",
            "Unknown rental status",
        )
    if problems or floor is None:
        return None, problems
    return RoomRow(line, unit, floor, code, area, usage, rental), []


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is no area


def _word(text: str, words: dict[str, str]) -> str | None:
    """The enum value of a word (住宅) or of the value itself; None when empty; ``UNKNOWN``
    when neither."""
    if not text:
        return None
    if text in words:
        return text
    by_word = {w: v for v, w in words.items()}
    return by_word.get(text, UNKNOWN)
