"""Reading an uploaded CSV file's records: every line ending a spreadsheet writes, quoted
fields across lines, and an unreadable record said in words with the records before it
kept."""

from __future__ import annotations

from sc_core.csv_records import CsvRecords


def test_lone_carriage_returns_crlf_and_lf_all_end_records() -> None:
    records = CsvRecords("a,b\r1,2\r\n3,4\n5,6")
    assert records.header() == ["a", "b"]
    assert list(records) == [(2, ["1", "2"]), (3, ["3", "4"]), (4, ["5", "6"])]
    assert records.unreadable is None


def test_a_quoted_field_may_span_lines_and_counts_as_one_record() -> None:
    records = CsvRecords('name,note\nA,"two\r\nlines"\nB,x\n')
    assert records.header() == ["name", "note"]
    assert list(records) == [(2, ["A", "two\r\nlines"]), (3, ["B", "x"])]


def test_a_field_over_the_limit_stops_the_reading_and_says_where() -> None:
    records = CsvRecords("a,b\n1,2\n" + "x" * 200_000 + ",3\n4,5\n")
    assert records.header() == ["a", "b"]
    assert list(records) == [(2, ["1", "2"])]
    assert records.unreadable is not None
    assert records.unreadable.line == 3
    assert records.unreadable.zh == "第 3 行有一个值超过 131072 个字符，无法读取，其后各行未导入"
    assert records.unreadable.en.startswith("Line 3 has a value longer than 131072 characters")
    assert list(records) == []  # stopped for good


def test_an_empty_or_unreadable_header_is_no_header() -> None:
    assert CsvRecords("").header() == []
    broken = CsvRecords("y" * 200_000)
    assert broken.header() == []
    assert broken.unreadable is not None and broken.unreadable.line == 1
