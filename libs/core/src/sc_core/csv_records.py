"""The records of an uploaded CSV file (a house register, a utility's meter readings), read
the way a spreadsheet writes them, and never an error the person cannot act on.

A record ends at ``\\r\\n``, ``\\n`` or a lone ``\\r`` (older spreadsheets on a Mac), and a
quoted field may span lines. A record the ``csv`` module cannot read (a field longer than
its limit) ends the reading there: the records before it are kept, and :attr:`unreadable`
says which line and why, in zh-CN and English, for the import to report beside its other
problems instead of failing the request."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Unreadable:
    line: int  # the record's number: the header is line 1
    zh: str
    en: str


class CsvRecords:
    """``for line, values in CsvRecords(text)``: each record with its number (the header is
    line 1); :attr:`unreadable` is set when the reading stopped at a record it could not
    read."""

    def __init__(self, text: str) -> None:
        # newline="": the csv module sees every line ending itself (a lone \r included)
        self._reader = csv.reader(io.StringIO(text, newline=""))
        self._line = 0
        self.unreadable: Unreadable | None = None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        if self.unreadable is not None:
            raise StopIteration
        try:
            values = next(self._reader)
        except csv.Error as exc:
            self.unreadable = _unreadable(self._line + 1, exc)
            raise StopIteration from None
        self._line += 1
        return self._line, values

    def header(self) -> list[str]:
        """The first record's values, stripped ([] for an empty or unreadable file)."""
        first = next(self, None)
        return [] if first is None else [value.strip() for value in first[1]]


def _unreadable(line: int, exc: csv.Error) -> Unreadable:
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return Unreadable(
            line,
            f"第 {line} 行有一个值超过 {limit} 个字符，无法读取，其后各行未导入",
            f"Line {line} has a value longer than {limit} characters and cannot be read; "
            "the lines after it were not imported",
        )
    return Unreadable(
        line,
        f"第 {line} 行不是有效的 CSV 格式，无法读取，其后各行未导入",
        f"Line {line} is not valid CSV and cannot be read; the lines after it were not imported",
    )
