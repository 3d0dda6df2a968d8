"""A building's units and rooms from its floor plan in one call (issue 19 item 5): units ×
floors × rooms per floor, room codes by a numbering rule (``{floor}{n:02d}``: 101, 102 ...
1201). Everything or nothing: a code already taken, a floor the building does not have or a
rule that makes a bad or repeated code refuses the whole plan. And the rows of the
building's house register (实有房屋), which the route writes as CSV."""

from __future__ import annotations

import string
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from identity.db.register import Building, Community, Room, Unit
from identity.register import repo
from identity.roles import PLACE_READERS, PLACE_WRITERS
from identity.scope import load_scope
from identity.usecases.buildings import floor_out_of_range
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem

if TYPE_CHECKING:
    from identity.api.floor_plans import FloorPlan

MAX_ROOMS = 2000
ROOM_CODE = set(string.ascii_letters + string.digits + "_-")


@dataclass(frozen=True)
class Applied:
    units: list[Unit]
    units_created: int
    rooms_created: int
    room_codes: list[str]


class FloorPlans:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def apply(self, who: Caller, building_id: uuid.UUID, body: FloorPlan) -> Applied:
        """Everything in one unit of work: a refusal adds nothing."""
        async with self.db.uow() as uow:
            return await _apply(uow, who, building_id, body)

    async def register(self, who: Caller, building_id: uuid.UUID) -> tuple[Building, list[Any]]:
        """The building and its rooms (unit name, room), unit by unit and floor by floor."""
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PLACE_READERS)
            building = await repo.get_or_404(uow.session, Building, building_id)
            scope.ensure(repo.places(building))
            rows = await uow.session.execute(
                select(Unit.name, Room)
                .select_from(Room)
                .join(Unit, Unit.id == Room.unit_id)
                .where(Room.building_id == building.id)
                .order_by(Unit.code, Room.floor, Room.code)
            )
            return building, list(rows)


async def _apply(uow: UnitOfWork, who: Caller, building_id: uuid.UUID, body: FloorPlan) -> Applied:
    building = await repo.get_or_404(uow.session, Building, building_id)
    scope = await load_scope(uow.session, who.principal, PLACE_WRITERS)
    scope.ensure(repo.places(building))
    top = building.floors if body.floor_to is None else body.floor_to
    floors = [f for f in range(body.floor_from, top + 1) if f != 0]
    if not floors or top > building.floors:
        raise floor_out_of_range(building)
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
    await repo.flush_unique(
        uow, "unit.code_taken", "A unit of this plan", zh="户型方案中的单元已存在"
    )
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
    await repo.flush_unique(
        uow, "room.code_taken", "A room of this plan", zh="户型方案中的房屋已存在"
    )
    await uow.audit(
        who,
        "building.floor_plan",
        "building",
        str(building.id),
        community_id=str(building.community_id),
    )
    await uow.commit()
    return Applied(
        units=units,
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
