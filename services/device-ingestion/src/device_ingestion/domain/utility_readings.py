"""A utility company's meter readings (issue 25 item 2, 5.2), read from its CSV file or its
API call (pure: no I/O). A row names the utility's meter number (表号), when the meter was
read (抄表时间) and the cumulative reading (读数); its account number (户号) may be there
and is not kept (it names a customer and changes with the tenancy: ADR 0039). Every
problem is reported with its line and column in words, zh-CN and English; the good rows
import all the same."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sc_core.csv_records import CsvRecords
from sc_core.dates import zone

MAX_ROWS = 20_000
MAX_METER_NO = 64
# What the file's header may call each column (the first of each is how errors name it).
COLUMNS = {
    "meter_no": ("表号", "meter_no", "meter number", "meter"),
    "read_at": ("抄表时间", "read_at", "reading time", "time"),
    "reading": ("读数", "reading", "value"),
    "account_no": ("户号", "account_no", "account number", "account"),
}
REQUIRED = ("meter_no", "read_at", "reading")
KIND_WORDS = {
    "water": ("水表", "water"),
    "electricity": ("电表", "electricity"),
    "gas": ("燃气表", "gas"),
}


@dataclass(frozen=True)
class Reading:
    line: int
    meter_no: str
    read_at: datetime
    value: float


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.zh, "message_en": self.en}


def decode(data: bytes) -> str | None:
    """UTF-8 (with or without a BOM), or GB 18030 as a spreadsheet on a Chinese desktop
    saves CSV; None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_time(value: str, tz: str) -> datetime | None:
    """An instant: ISO 8601 with an offset (kept), a local date-time (2026-12-01 08:00,
    2026/12/01 08:00, read in the community's zone ``tz``) or a date (its midnight)."""
    text = value.strip().replace("/", "-")
    if not text or len(text) > 40:
        return None
    try:
        if len(text) <= 10:
            parts = [int(p) for p in text.split("-")]
            if len(parts) != 3:
                return None
            return datetime.combine(date(*parts), time(), zone(tz))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone(tz))


def parse_value(value: str) -> float | None:
    try:
        number = float(value.strip().replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_csv(text: str, tz: str) -> tuple[list[Reading], list[RowError]]:
    """The readings of a CSV file and every problem found (all of them, not the first)."""
    records = CsvRecords(text)
    header = [h.lower() for h in records.header()]
    col: dict[str, int] = {}
    for name, words in COLUMNS.items():
        found = next((header.index(w) for w in words if w in header), None)
        if found is not None:
            col[name] = found
    missing = [name for name in REQUIRED if name not in col]
    if missing:
        return [], [*_unreadable(records)] + [
            RowError(
                1,
                COLUMNS[name][0],
                f"缺少“{COLUMNS[name][0]}”列",
                f"The column {COLUMNS[name][0]} ({name}) is missing",
            )
            for name in missing
        ]
    readings: list[Reading] = []
    errors: list[RowError] = []
    for line, values in records:
        if not any(v.strip() for v in values):
            continue  # blank lines a spreadsheet leaves
        if len(readings) + len(errors) >= MAX_ROWS:
            errors.append(
                RowError(line, "", f"一次最多导入 {MAX_ROWS} 行", f"At most {MAX_ROWS} rows a file")
            )
            break

        def cell(name: str, values: list[str] = values) -> str:
            index = col[name]
            return values[index].strip() if index < len(values) else ""

        reading, problems = _row(line, cell, tz)
        errors.extend(problems)
        if reading is not None:
            readings.append(reading)
    errors.extend(_unreadable(records))
    return readings, errors


def _unreadable(records: CsvRecords) -> list[RowError]:
    stop = records.unreadable
    return [] if stop is None else [RowError(stop.line, "", stop.zh, stop.en)]


def _row(line: int, cell: Callable[[str], str], tz: str) -> tuple[Reading | None, list[RowError]]:
    problems: list[RowError] = []
    meter_no, when, value = cell("meter_no"), cell("read_at"), cell("reading")
    if not meter_no:
        problems.append(RowError(line, "表号", "表号为空", "The meter number is empty"))
    elif len(meter_no) > MAX_METER_NO:
        problems.append(
            RowError(
                line,
                "表号",
                f"表号超过 {MAX_METER_NO} 个字符",
                f"The meter number is longer than {MAX_METER_NO} characters",
            )
        )
    read_at = parse_time(when, tz)
    if read_at is None:
        problems.append(
            RowError(
                line,
                "抄表时间",
                f"“{when[:40]}”不是日期时间（如 2026-12-01 08:00）",
                f"{when[:40]!r} is not a date-time (such as 2026-12-01 08:00)",
            )
        )
    number = parse_value(value)
    if number is None:
        problems.append(
            RowError(
                line,
                "读数",
                f"“{value[:40]}”不是数字",
                f"{value[:40]!r} is not a number",
            )
        )
    if problems or read_at is None or number is None:
        return None, problems
    return Reading(line, meter_no, read_at, number), []


def out_of_range(reading: Reading, low: float | None, high: float | None) -> RowError | None:
    """The reading outside the meter's counter range, in words; None when inside."""
    lo = 0.0 if low is None else low
    hi = math.inf if high is None else high
    if lo <= reading.value <= hi:
        return None
    return RowError(
        reading.line,
        "读数",
        f"读数 {reading.value:g} 超出表计范围（{lo:g} 至 {hi:g}）",
        f"The reading {reading.value:g} is outside the meter's range ({lo:g} to {hi:g})",
    )
