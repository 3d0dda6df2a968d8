"""``/api/v1/buildings/{id}/residents.csv``: a building's households and residents as the
CSV property offices keep (issue 19 item 5; the house register's companion, ADR 0031).
``GET`` exports: staff of the building's places only; personal fields masked as in every
list (one field of one person is revealed by ``POST /api/v1/persons/{id}/reveal``); every
export audited. ``POST`` imports the same form, all or nothing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from identity.api.buildings import Readers
from identity.api.deps import ResidentExportDep, ResidentImportDep
from identity.api.sheet_files import XLSX_BODY, XLSX_RESPONSE, sheet_file
from identity.register.resident_csv import RESIDENT_COLUMNS
from identity.usecases.resident_import import IMPORTERS, ResidentImportResult
from sc_core.auth import Caller, callers

Importers = Annotated[Caller, Depends(callers(*sorted(IMPORTERS)))]

router = APIRouter(tags=["places"])


@router.get(
    "/api/v1/buildings/{building_id}/residents.csv",
    summary="A building's households and residents (住户及人员) as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
async def export_residents(
    building_id: uuid.UUID,
    who: Readers,
    residents: ResidentExportDep,
) -> Response:
    """Every current resident of the building, room by room (the owner first), with
    Chinese headers and values in words (业主, 租户, 女 ...)."""
    sheet = await residents.sheet(who, building_id)
    name = f"residents-{sheet.building.code}"
    return sheet_file("csv", name, "住户信息", RESIDENT_COLUMNS, sheet.rows)


@router.get(
    "/api/v1/buildings/{building_id}/residents.xlsx",
    summary="A building's households and residents (住户及人员) as an Excel workbook",
    response_class=Response,
    responses=XLSX_RESPONSE,
)
async def export_residents_workbook(
    building_id: uuid.UUID,
    who: Readers,
    residents: ResidentExportDep,
) -> Response:
    """The CSV export's columns and rows (masked alike, audited alike) as a workbook."""
    sheet = await residents.sheet(who, building_id)
    name = f"residents-{sheet.building.code}"
    return sheet_file("xlsx", name, "住户信息", RESIDENT_COLUMNS, sheet.rows)


@router.post(
    "/api/v1/buildings/{building_id}/residents.csv",
    summary="Import a building's households and residents (住户及人员) from CSV, all or nothing",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The export's columns (楼栋, 单元, 房号, 户名, 姓名, 与户关系, 性别, "
            "出生日期, 证件号码, 手机号码, 入住日期; 单元, 房号, 户名, 姓名 and 与户关系 "
            "required), UTF-8 or GB 18030",
        }
    },
)
async def import_residents(
    building_id: uuid.UUID, who: Importers, residents: ResidentImportDep, request: Request
) -> ResidentImportResult:
    """Households a room lacks are opened (by 户名), people not yet recorded are registered
    with their residency, people the register knows by ID number move in; the rest stay.
    The same file twice, or the masked export itself, changes nothing. One bad row refuses
    the file: 422 ``residents_csv.invalid`` with every problem's line and column. Rooms
    come first, from ``rooms.csv``."""
    return await residents.run(who, building_id, await request.body())


@router.post(
    "/api/v1/buildings/{building_id}/residents.xlsx",
    summary="Import a building's households and residents from an Excel workbook",
    openapi_extra={"requestBody": XLSX_BODY},
)
async def import_residents_workbook(
    building_id: uuid.UUID, who: Importers, residents: ResidentImportDep, request: Request
) -> ResidentImportResult:
    """The CSV import's rules for the first sheet of an .xlsx workbook (the export's form)."""
    return await residents.run(who, building_id, await request.body())
