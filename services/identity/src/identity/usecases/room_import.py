"""A building's house register imported from CSV (issue 19 item 5): the file the export
writes (or the office's spreadsheet in its shape) adds the rooms it lacks, changes the
ones it says differently, and leaves the rest. All or nothing: one bad row refuses the
file with every problem by line and column. Importing the same file again changes nothing.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import select

from identity.db.register import Building, Community, Room, Unit
from identity.register import repo, room_csv
from identity.roles import PLACE_WRITERS
from identity.scope import load_scope
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Problem

MAX_ERRORS = 200


class RoomImportResult(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    units_created: int
    summary: str  # in words, zh-CN: 新增 12 间，更新 1 间，未变 205 间


class RoomImport:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def run(self, who: Caller, building_id: uuid.UUID, data: bytes) -> RoomImportResult:
        async with self.db.uow() as uow:
            building = await repo.get_or_404(uow.session, Building, building_id)
            scope = await load_scope(uow.session, who.principal, PLACE_WRITERS)
            scope.ensure(repo.places(building))
            text = room_csv.decode(data)
            if text is None:
                raise _refused(
                    [
                        room_csv.RowError(
                            1,
                            "",
                            "文件不是 CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx）文件",
                            "Not a CSV file (UTF-8 or GB 18030) or an Excel (.xlsx) workbook",
                        )
                    ]
                )
            rows, errors = room_csv.parse(
                text, room_csv.Building(building.name, building.code, building.floors)
            )
            if errors:
                raise _refused(errors)
            if not rows:
                raise _refused(
                    [room_csv.RowError(2, "", "文件中没有房屋", "The file has no rooms")]
                )
            community = await repo.get_or_404(uow.session, Community, building.community_id)
            units = {
                u.code: u
                for u in await uow.session.scalars(
                    select(Unit).where(Unit.building_id == building.id)
                )
            }
            new_units = [
                Unit(
                    community_id=building.community_id,
                    building_id=building.id,
                    code=code,
                    name=f"{code}单元",
                )
                for code in sorted({r.unit for r in rows} - units.keys())
            ]
            uow.session.add_all(new_units)
            await repo.flush_unique(
                uow, "unit.code_taken", "A unit of this file", zh="导入文件中的单元已存在"
            )
            units.update({u.code: u for u in new_units})
            existing = {
                (unit_code, room.code): room
                for unit_code, room in await uow.session.execute(
                    select(Unit.code, Room)
                    .join(Unit, Unit.id == Room.unit_id)
                    .where(Room.building_id == building.id)
                )
            }
            created = updated = 0
            for row in rows:
                room = existing.get((row.unit, row.code))
                if room is None:
                    unit = units[row.unit]
                    uow.session.add(
                        Room(
                            community_id=building.community_id,
                            building_id=building.id,
                            unit_id=unit.id,
                            floor=row.floor,
                            code=row.code,
                            standard_code=f"{community.code}-{building.code}-{unit.code}-{row.code}",
                            area_m2=row.area_m2,
                            usage=row.usage or "residential",
                            rental_status=row.rental_status or "vacant",
                        )
                    )
                    created += 1
                elif _apply(room, row):
                    updated += 1
            await repo.flush_unique(
                uow, "room.code_taken", "A room of this file", zh="导入文件中的房屋已存在"
            )
            result = RoomImportResult(
                rows=len(rows),
                created=created,
                updated=updated,
                unchanged=len(rows) - created - updated,
                units_created=len(new_units),
                summary=f"新增 {created} 间，更新 {updated} 间，"
                f"未变 {len(rows) - created - updated} 间",
            )
            await uow.audit(
                who,
                "building.rooms_import",
                "building",
                str(building.id),
                community_id=str(building.community_id),
                detail={k: str(v) for k, v in result.model_dump().items() if k != "summary"},
            )
            await uow.commit()
            return result


def _apply(room: Room, row: room_csv.RoomRow) -> bool:
    """Give ``room`` what the row says (a value the row leaves empty stays); True when
    anything changed."""
    wanted = {
        "floor": row.floor,
        "area_m2": row.area_m2 if row.area_m2 is not None else room.area_m2,
        "usage": row.usage or room.usage,
        "rental_status": row.rental_status or room.rental_status,
    }
    changed = {k: v for k, v in wanted.items() if getattr(room, k) != v}
    for key, value in changed.items():
        setattr(room, key, value)
    return bool(changed)


def _refused(errors: list[room_csv.RowError]) -> Problem:
    lines = sorted({e.line for e in errors})
    shown = "、".join(str(n) for n in lines[:20])
    shown_en = ", ".join(str(n) for n in lines[:20])
    return Problem(
        422,
        "rooms_csv.invalid",
        f"{len(errors)} problem(s) on line(s) {shown_en}; nothing was imported",
        zh=f"第 {shown} 行有 {len(errors)} 处错误，未导入任何房屋",
        errors=[e.as_error() for e in errors[:MAX_ERRORS]],
    )
