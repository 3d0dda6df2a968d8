"""The register's forms as files: CSV (UTF-8 with a BOM, so spreadsheets read it as UTF-8)
or an Excel workbook, named after the building."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Literal

from fastapi import Response

from identity.register import sheets

Format = Literal["csv", "xlsx"]
XLSX_RESPONSE = {
    200: {"content": {sheets.MEDIA_TYPE: {}}, "description": "Excel workbook, values as text"}
}
XLSX_BODY = {
    "required": True,
    "content": {
        sheets.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        # what a client that does not name the spreadsheet type sends: read the same way
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}


def sheet_file(
    fmt: Format, name: str, title: str, header: Sequence[str], rows: list[list[str]]
) -> Response:
    """``name``.csv or ``name``.xlsx (the sheet called ``title``) as a download."""
    if fmt == "xlsx":
        return Response(
            sheets.write(title, header, rows),
            media_type=sheets.MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        ("\ufeff" + buffer.getvalue()).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
