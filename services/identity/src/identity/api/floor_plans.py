"""A building's units and rooms from its floor plan in one call (issue 19 item 5): units ×
floors × rooms per floor, room codes by a numbering rule (``{floor}{n:02d}``: 101, 102 ...
1201). Everything or nothing: a code already taken, a floor the building does not have or a
rule that makes a bad or repeated code refuses the whole plan. And the building's house
register (实有房屋) as CSV, the form property offices keep: headers and values in words, and
imported back from that form (ADR 0031)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from identity.api.buildings import Readers, Writers
from identity.api.deps import FloorPlansDep, RoomImportDep
from identity.api.sheet_files import XLSX_BODY, XLSX_RESPONSE, Format, sheet_file
from identity.register.room_csv import CSV_COLUMNS, RENTAL_WORDS, USAGE_WORDS
from identity.register.schemas import Code, RoomUsage, UnitRead
from identity.usecases.floor_plans import FloorPlans
from identity.usecases.room_import import RoomImportResult
from sc_core.auth import Caller

router = APIRouter(tags=["register"])


class FloorPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    units: list[Code] = Field(
        min_length=1,
        max_length=20,
        description="Unit (单元) codes; a unit the building lacks is added as '<code>单元'",
        examples=[["1", "2"]],
    )
    rooms_per_floor: int = Field(ge=1, le=50, examples=[2])
    floor_from: int = Field(default=1, ge=-5, le=200, description="Lowest floor (basements < 0)")
    floor_to: int | None = Field(
        default=None, ge=-5, le=200, description="Highest floor; default the building's top"
    )
    numbering: str = Field(
        default="{floor}{n:02d}",
        min_length=1,
        max_length=32,
        description="A room's code from {floor} and {n} (its number on the floor, from 1): "
        "'{floor}{n:02d}' gives 101, 102 ... 1201; '{floor}0{n}' gives 101 ... 1201",
    )
    area_m2: float | None = Field(default=None, gt=0, le=100_000)
    usage: RoomUsage = "residential"


class FloorPlanResult(BaseModel):
    units: list[UnitRead]
    units_created: int
    rooms_created: int
    room_codes: list[str] = Field(description="The codes on one unit, floor by floor")


@router.post(
    "/api/v1/buildings/{building_id}/floor-plan",
    status_code=201,
    summary="Add a building's units and rooms from its floor plan, all or nothing",
)
async def apply_floor_plan(
    building_id: uuid.UUID, body: FloorPlan, who: Writers, plans: FloorPlansDep
) -> FloorPlanResult:
    applied = await plans.apply(who, building_id, body)
    return FloorPlanResult(
        units=[UnitRead.model_validate(u) for u in applied.units],
        units_created=applied.units_created,
        rooms_created=applied.rooms_created,
        room_codes=applied.room_codes,
    )


@router.get(
    "/api/v1/buildings/{building_id}/rooms.csv",
    summary="A building's house register (实有房屋) as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
async def export_rooms(building_id: uuid.UUID, who: Readers, plans: FloorPlansDep) -> Response:
    """Every room of the building, unit by unit and floor by floor, with Chinese headers
    and values in words (住宅, 出租 ...): what a spreadsheet opens as the office's form."""
    return await _rooms_file("csv", building_id, who, plans)


@router.get(
    "/api/v1/buildings/{building_id}/rooms.xlsx",
    summary="A building's house register (实有房屋) as an Excel workbook",
    response_class=Response,
    responses=XLSX_RESPONSE,
)
async def export_rooms_workbook(
    building_id: uuid.UUID, who: Readers, plans: FloorPlansDep
) -> Response:
    """The CSV export's columns and rows as a workbook of one sheet, every value as text."""
    return await _rooms_file("xlsx", building_id, who, plans)


async def _rooms_file(
    fmt: Format, building_id: uuid.UUID, who: Caller, plans: FloorPlans
) -> Response:
    building, rooms = await plans.register(who, building_id)
    rows = [
        [
            building.name,
            unit_name,
            str(room.floor),
            room.code,
            room.standard_code,
            "" if room.area_m2 is None else f"{room.area_m2:g}",
            USAGE_WORDS.get(room.usage, room.usage),
            RENTAL_WORDS.get(room.rental_status, room.rental_status),
        ]
        for unit_name, room in rooms
    ]
    return sheet_file(fmt, f"rooms-{building.code}", "实有房屋", CSV_COLUMNS, rows)


@router.post(
    "/api/v1/buildings/{building_id}/rooms.csv",
    summary="Import a building's house register (实有房屋) from CSV, all or nothing",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The export's columns (楼栋, 单元, 楼层, 房号, 建筑面积（㎡）, 用途, "
            "出租状态; 单元, 楼层 and 房号 required), UTF-8 or GB 18030",
        }
    },
)
async def import_rooms(
    building_id: uuid.UUID, who: Writers, rooms: RoomImportDep, request: Request
) -> RoomImportResult:
    """Rooms the building lacks are added (and units the file names), rooms the file says
    differently are changed, the rest stay; the same file twice changes nothing. One bad
    row refuses the file: 422 ``rooms_csv.invalid`` with every problem's line and column."""
    return await rooms.run(who, building_id, await request.body())


@router.post(
    "/api/v1/buildings/{building_id}/rooms.xlsx",
    summary="Import a building's house register (实有房屋) from an Excel workbook",
    openapi_extra={"requestBody": XLSX_BODY},
)
async def import_rooms_workbook(
    building_id: uuid.UUID, who: Writers, rooms: RoomImportDep, request: Request
) -> RoomImportResult:
    """The CSV import's rules for the first sheet of an .xlsx workbook (the export's form)."""
    return await rooms.run(who, building_id, await request.body())
