"""CSV export of the audit trail for an inspection: bounded, streamed, itself audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from audit.api.deps import Filters, Reader, Scope, UseCasesDep
from audit.api.records import masked
from audit.domain.chain import CHAIN_FIELDS
from audit.usecases.trail import Batches

router = APIRouter(prefix="/api/v1/audit-records", tags=["audit records"])

COLUMNS = (*CHAIN_FIELDS, "hash")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = " ".join(value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


async def csv_lines(batches: Batches, grade: int) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode()  # BOM: spreadsheets then read UTF-8
    async for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            record = masked(row, grade)
            writer.writerow([cell(record[c]) for c in COLUMNS])
        yield buffer.getvalue().encode()


@router.get(
    "/export.csv",
    summary="Export matching records as CSV (the export is audited)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
async def export_csv(
    who: Reader, filters: Filters, scope: Scope, usecases: UseCasesDep
) -> StreamingResponse:
    _, batches = await usecases.trail.export(who, filters, scope)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        csv_lines(batches, who.principal.grade),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-records-{stamp}.csv"'},
    )
