"""A utility company's meter readings in (issue 25 item 2, 5.2): ``POST
/api/v1/utility-readings.csv`` (its file), ``POST /api/v1/utility-readings`` (its API call
with client credentials), ``GET /api/v1/utility-imports`` (the record). How meters are
matched: ADR 0039; the rules: :mod:`device_ingestion.usecases.utility_readings`."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from device_ingestion.api.deps import UseCasesDep
from device_ingestion.usecases.utility_readings import IMPORTERS, ImportOutcome
from sc_core.api import Page, Paging
from sc_core.auth import Caller, CurrentCaller, callers
from sc_core.dates import zone
from sc_core.schema import Instant

router = APIRouter(prefix="/api/v1", tags=["energy"])
Importer = Annotated[Caller, Depends(callers(*IMPORTERS))]
Kind = Literal["water", "electricity", "gas"]
MAX_ITEMS = 5000


class UtilityReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meter_no: str = Field(
        min_length=1, max_length=64, description="The utility's meter number (表号)"
    )
    read_at: Instant = Field(
        description="When the meter was read: with its offset, or local time in the "
        "community's time zone"
    )
    reading: float = Field(ge=0, le=1e12, description="The cumulative reading, in the meter's unit")
    account_no: str | None = Field(
        default=None, max_length=64, description="The utility's account number (户号); not kept"
    )


class UtilityReadingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Kind
    readings: list[UtilityReadingIn] = Field(min_length=1, max_length=MAX_ITEMS)


class RowProblem(BaseModel):
    line: int = Field(description="The file's line (the header is line 1), or the item's number")
    column: str = Field(description="The column as the file names it (表号, 抄表时间, 读数)")
    message: str = Field(description="zh-CN")
    message_en: str


class UtilityImportRead(BaseModel):
    id: uuid.UUID
    kind: Kind
    source: Literal["csv", "api"]
    imported_by: str
    content_sha256: str
    rows_total: int
    rows_new: int = Field(description="Readings recorded by this import")
    rows_unchanged: int = Field(description="Readings recorded already, with the same value")
    rows_bad: int = Field(description="Rows refused (each in errors, by line and column)")
    created_at: datetime


class UtilityImportResult(UtilityImportRead):
    summary: str = Field(description="In words, zh-CN: 新增 12 条，已有 3 条，有误 1 条")
    summary_en: str
    errors: list[RowProblem]


def _result(outcome: ImportOutcome) -> UtilityImportResult:
    row = outcome.row
    read = UtilityImportRead.model_validate(row, from_attributes=True)
    return UtilityImportResult(
        **read.model_dump(),
        summary=f"新增 {row.rows_new} 条，已有 {row.rows_unchanged} 条，有误 {row.rows_bad} 条",
        summary_en=f"{row.rows_new} new, {row.rows_unchanged} already recorded, "
        f"{row.rows_bad} refused",
        errors=[RowProblem(**e.as_dict()) for e in outcome.errors],  # type: ignore[arg-type]
    )


@router.post(
    "/utility-readings.csv",
    response_model=UtilityImportResult,
    summary="Import a utility company's meter readings from CSV (表号, 抄表时间, 读数)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                # what a client that does not name the CSV type sends: read the same way
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "Columns 表号 (meter_no), 抄表时间 (read_at: 2026-12-01 08:00 in "
            "the community's time zone, or ISO 8601 with an offset), 读数 (reading: the "
            "cumulative counter); 户号 (account_no) may be there and is not kept. UTF-8 or "
            "GB 18030.",
        }
    },
)
async def import_csv(
    kind: Annotated[Kind, Query(description="What the file's meters measure")],
    who: Importer,
    uc: UseCasesDep,
    request: Request,
) -> UtilityImportResult:
    """The good rows are recorded, every bad one is reported by line and column (zh-CN,
    en); the same file twice changes nothing. A file that is no CSV, or lacks a column:
    422 ``utility_readings.invalid``. The caller: the utility's service account (client
    credentials, role integrator over the communities it serves) or the meters' staff."""
    return _result(await uc.utility_readings.import_csv(who, kind, await request.body()))


@router.post("/utility-readings", response_model=UtilityImportResult)
async def import_readings(
    body: UtilityReadingsIn, who: Importer, uc: UseCasesDep
) -> UtilityImportResult:
    """The CSV import's rules for readings sent as JSON (item n is line n)."""
    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    tz = zone(uc.settings.community_timezone)
    items = [
        (r.meter_no, r.read_at if r.read_at.tzinfo else r.read_at.replace(tzinfo=tz), r.reading)
        for r in body.readings
    ]
    return _result(await uc.utility_readings.import_items(who, body.kind, items, digest))


@router.get("/utility-imports", response_model=Page[UtilityImportRead])
async def list_imports(who: CurrentCaller, uc: UseCasesDep, paging: Paging) -> Any:
    """The caller's imports, newest first (platform admins and auditors: everyone's)."""
    rows, total = await uc.utility_readings.list(who, paging)
    items = [UtilityImportRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[UtilityImportRead].of(items, total, paging)
