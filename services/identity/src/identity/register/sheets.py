"""The register's forms as Excel workbooks (.xlsx), beside CSV: property offices keep the
house register and the residents' list in spreadsheets. A workbook is written with every
value as text (an 18-digit ID number stays exact; room 0101 keeps its zero) and read back
as the CSV text of its first sheet, so one parser checks both forms.

Workbooks come from outside: openpyxl reads them in read-only mode (streamed, never the
whole sheet in memory) with defusedxml installed (no entities, no DTDs), and reading stops
after the rows a file may hold."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook, load_workbook

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"


def is_workbook(data: bytes) -> bool:
    """An .xlsx file (a ZIP archive) rather than CSV text."""
    return data.startswith(_ZIP_MAGIC)


def write(title: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A workbook of one sheet named ``title``: the header, then the rows, all as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit for a sheet's name
    sheet.append(list(header))
    for row in rows:
        sheet.append([str(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv_text(data: bytes, max_rows: int) -> str | None:
    """The first sheet of a workbook as CSV text (at most ``max_rows`` rows after the
    header, one more to let the parser say the file is too long); None when ``data`` is
    not a workbook openpyxl can read."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a file from outside: whatever openpyxl makes of a
        return None  # broken archive or part, it is no workbook we can read
    try:
        if not book.worksheets:
            return None
        out = io.StringIO()
        writer = csv.writer(out)
        for n, row in enumerate(book.worksheets[0].iter_rows(values_only=True)):
            if n > max_rows + 1:
                break
            writer.writerow([_text(v) for v in row])
        return out.getvalue()
    except Exception:  # as above: a broken sheet inside a valid archive
        return None
    finally:
        book.close()


def _text(value: object) -> str:
    """A cell as the CSV form would have it: dates as ISO dates, whole numbers without
    ".0" (a floor typed as a number), nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
