"""``GET /api/v1/buildings/{id}/residents.csv``: a building's households and residents as
the CSV property offices keep (issue 19 item 5; the house register's companion, ADR 0031).
Staff of the building's places only; personal fields masked as in every list (one field
of one person is revealed by ``POST /api/v1/persons/{id}/reveal``); every export audited."""

from __future__ import annotations

import csv
import io
import uuid

from fastapi import APIRouter, Response

from identity.api.buildings import Readers
from identity.api.deps import ResidentExportDep
from identity.usecases.resident_export import RESIDENT_COLUMNS

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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESIDENT_COLUMNS)
    writer.writerows(sheet.rows)
    return Response(
        ("\ufeff" + buffer.getvalue()).encode(),  # BOM: spreadsheets then read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="residents-{sheet.building.code}.csv"'
        },
    )
