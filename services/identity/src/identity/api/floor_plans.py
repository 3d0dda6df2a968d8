"""A building's units and rooms from its floor plan in one call (issue 19 item 5): units ×
floors × rooms per floor, room codes by a numbering rule (``{floor}{n:02d}``: 101, 102 ...
1201). Everything or nothing: a code already taken, a floor the building does not have or a
rule that makes a bad or repeated code refuses the whole plan. And the building's house
register (实有房屋) as CSV, the form property offices keep: headers and values in words, and
imported back from that form (ADR 0031)."""

from __future__ import annotations

import csv
import io
import string
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from identity.api.buildings import Readers, Writers, _audit
from identity.db.register import Building, Community, Room, Unit
from identity.register import repo
from identity.register.room_csv import CSV_COLUMNS, RENTAL_WORDS, USAGE_WORDS
from identity.register.schemas import Code, RoomUsage, UnitRead
from identity.usecases.room_import import RoomImport, RoomImportResult
from sc_core.api import AuditorDep, UnitOfWorkDep
from sc_core.auth import CurrentCaller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem

router = APIRouter(tags=["register"])
MAX_ROOMS = 2000
ROOM_CODE = set(string.ascii_letters + string.digits + "_-")


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
    building_id: uuid.UUID,
    body: FloorPlan,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> FloorPlanResult:
    building = await repo.get_or_404(uow.session, Building, building_id)
    scope.ensure(repo.places(building))
    top = building.floors if body.floor_to is None else body.floor_to
    floors = [f for f in range(body.floor_from, top + 1) if f != 0]
    if not floors or top > building.floors:
        raise Problem(
            422,
            "room.floor_out_of_range",
            f"{building.name} has floors 1 to {building.floors} (and basements -1 to -5)",
            zh=f"{building.name}共{building.floors}层：楼层应为 1 至 {building.floors}"
            "（地下层 -1 至 -5）",
            floors=building.floors,
        )
    if len(body.units) != len(set(body.units)):
        raise _bad_plan("units", "A unit is named twice", "单元编号重复")
    if len(body.units) * len(floors) * body.rooms_per_floor > MAX_ROOMS:
        raise _bad_plan(
            "rooms_per_floor",
            f"A plan adds at most {MAX_ROOMS} rooms; split it by unit",
            f"一次最多添加 {MAX_ROOMS} 间房屋，请按单元分批",
        )
    codes = _codes(body.numbering, floors, body.rooms_per_floor)
    units = await _units(uow, building, body.units)
    taken = (
        await uow.session.scalars(
            select(Unit.code + "-" + Room.code)
            .select_from(Room)
            .join(Unit, Unit.id == Room.unit_id)
            .where(Room.unit_id.in_([u.id for u in units]), Room.code.in_(c for _, c in codes))
            .order_by(Unit.code, Room.floor, Room.code)
        )
    ).all()
    if taken:
        raise Conflict(
            "floor_plan.rooms_exist",
            f"Rooms already exist (unit-room): {', '.join(taken[:20])}; nothing was added",
            zh=f"以下房屋已存在（单元-房号）：{'、'.join(taken[:20])}；未添加任何房屋",
            rooms=list(taken[:100]),
        )
    created = sum(1 for u in units if u.id is None)
    uow.session.add_all(u for u in units if u.id is None)
    await repo.flush_unique(uow, "unit.code_taken", "A unit of this plan")
    community = await repo.get_or_404(uow.session, Community, building.community_id)
    uow.session.add_all(
        Room(
            community_id=building.community_id,
            building_id=building.id,
            unit_id=unit.id,
            floor=floor,
            code=code,
            standard_code=f"{community.code}-{building.code}-{unit.code}-{code}",
            area_m2=body.area_m2,
            usage=body.usage,
            rental_status="vacant",
        )
        for unit in units
        for floor, code in codes
    )
    await repo.flush_unique(uow, "room.code_taken", "A room of this plan")
    await _audit(uow, auditor, scope, request, "building.floor_plan", building)
    await uow.commit()
    return FloorPlanResult(
        units=[UnitRead.model_validate(u) for u in units],
        units_created=created,
        rooms_created=len(units) * len(codes),
        room_codes=[c for _, c in codes],
    )


def _codes(rule: str, floors: list[int], per_floor: int) -> list[tuple[int, str]]:
    """(floor, code) of every room on one unit by ``rule``; 422 ``floor_plan.numbering``
    when the rule names anything but {floor} and {n}, or makes a bad or repeated code."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(rule) if name is not None}
        if not fields <= {"floor", "n"} or "n" not in fields:
            raise ValueError(fields)
        codes = [(f, rule.format(floor=f, n=n)) for f in floors for n in range(1, per_floor + 1)]
    except (ValueError, IndexError, KeyError) as exc:
        raise _numbering(rule) from exc
    values = [c for _, c in codes]
    if len(set(values)) != len(values) or any(
        not c or len(c) > 16 or not set(c) <= ROOM_CODE for c in values
    ):
        raise _numbering(rule)
    return codes


async def _units(uow: UnitOfWork, building: Building, codes: list[str]) -> list[Unit]:
    """The building's units of ``codes``, new ones (not yet added, id None) where missing."""
    have = {
        u.code: u
        for u in await uow.session.scalars(
            select(Unit).where(Unit.building_id == building.id, Unit.code.in_(codes))
        )
    }
    return [
        have.get(code)
        or Unit(
            community_id=building.community_id,
            building_id=building.id,
            code=code,
            name=f"{code}单元",
        )
        for code in codes
    ]


def _numbering(rule: str) -> Problem:
    return _bad_plan(
        "numbering",
        f"The numbering rule {rule!r} must use {{n}} (and may use {{floor}}) and give "
        "distinct codes of letters, digits, '-' or '_' (at most 16)",
        f"编号规则 {rule!r} 须包含 {{n}}（可含 {{floor}}），且生成互不相同、"
        "由字母数字和 - _ 组成的房号（不超过 16 位）",
    )


def _bad_plan(field: str, detail: str, zh: str) -> Problem:
    return Problem(
        422,
        "floor_plan.invalid",
        detail,
        zh=zh,
        errors=[{"field": f"body.{field}", "message": detail, "type": "floor_plan"}],
    )


@router.get(
    "/api/v1/buildings/{building_id}/rooms.csv",
    summary="A building's house register (实有房屋) as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}},
)
async def export_rooms(building_id: uuid.UUID, scope: Readers, uow: UnitOfWorkDep) -> Response:
    """Every room of the building, unit by unit and floor by floor, with Chinese headers
    and values in words (住宅, 出租 ...): what a spreadsheet opens as the office's form."""
    building = await repo.get_or_404(uow.session, Building, building_id)
    scope.ensure(repo.places(building))
    rows = await uow.session.execute(
        select(Unit.name, Room)
        .select_from(Room)
        .join(Unit, Unit.id == Room.unit_id)
        .where(Room.building_id == building.id)
        .order_by(Unit.code, Room.floor, Room.code)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for unit_name, room in rows:
        writer.writerow(
            [
                building.name,
                unit_name,
                room.floor,
                room.code,
                room.standard_code,
                "" if room.area_m2 is None else f"{room.area_m2:g}",
                USAGE_WORDS.get(room.usage, room.usage),
                RENTAL_WORDS.get(room.rental_status, room.rental_status),
            ]
        )
    return Response(
        ("\ufeff" + buffer.getvalue()).encode(),  # BOM: spreadsheets then read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rooms-{building.code}.csv"'},
    )


def get_room_import(request: Request) -> RoomImport:
    return RoomImport(request.app.state.runtime.db)


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
    building_id: uuid.UUID,
    scope: Writers,
    who: CurrentCaller,
    rooms: Annotated[RoomImport, Depends(get_room_import)],
    request: Request,
) -> RoomImportResult:
    """Rooms the building lacks are added (and units the file names), rooms the file says
    differently are changed, the rest stay; the same file twice changes nothing. One bad
    row refuses the file: 422 ``rooms_csv.invalid`` with every problem's line and column."""
    return await rooms.run(who, scope, building_id, await request.body())
