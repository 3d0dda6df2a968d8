"""CSV export of the audit trail for an inspection: bounded, streamed, itself audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement

from audit.api.deps import Filters, Reader, Scope, SettingsDep
from audit.api.records import masked
from audit.db.queries import RecordFilters, count_records, export_batches
from audit.domain.chain import CHAIN_FIELDS
from audit.domain.vocabulary import EXPORT_ACTION, RESOURCE_TYPE
from sc_core.api import AuditorDep, RuntimeDep
from sc_core.db import Database
from sc_core.errors import Problem

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


async def csv_lines(
    db: Database, filters: RecordFilters, scope: ColumnElement[bool], grade: int, limit: int
) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode()  # BOM: spreadsheets then read UTF-8
    async with db.engine.connect() as conn:
        async for rows in export_batches(conn, filters, scope, limit=limit):
            buffer.seek(0)
            buffer.truncate()
            for row in rows:
                record = masked(row, grade).model_dump()
                writer.writerow([cell(record[c]) for c in COLUMNS])
            yield buffer.getvalue().encode()


@router.get(
    "/export.csv",
    summary="Export matching records as CSV (the export is audited)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
async def export_csv(
    request: Request,
    principal: Reader,
    filters: Filters,
    scope: Scope,
    settings: SettingsDep,
    runtime: RuntimeDep,
    auditor: AuditorDep,
) -> StreamingResponse:
    assert runtime.db is not None
    async with runtime.db.uow() as uow:  # closed before streaming starts
        total = await count_records(uow.session, filters, scope)
    limit = settings.audit_export_max_rows
    if total > limit:
        raise Problem(
            422,
            "audit.export_too_large",
            f"{total} records match; an export holds at most {limit}. Narrow the filters.",
            matching=total,
            max_rows=limit,
        )
    await auditor.record(
        action=EXPORT_ACTION,
        resource_type=RESOURCE_TYPE,
        principal=principal,
        request=request,
        detail={**filters.as_detail(), "rows": str(total), "format": "csv"},
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        csv_lines(runtime.db, filters, scope, principal.grade, limit),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-records-{stamp}.csv"'},
    )
