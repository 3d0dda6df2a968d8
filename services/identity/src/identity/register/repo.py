"""Loading register objects and where they are (their ``Places``)."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.register import Building, Community, Grid, Household, Residency, Room, Unit
from identity.scope import Places
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound

T = TypeVar("T")

_NAMES = {
    Community: "community",
    Grid: "grid",
    Building: "building",
    Unit: "unit",
    Room: "room",
    Household: "household",
}

# How a refusal names a register object to a person (never its key).
_WORDS = {
    "community": "社区",
    "grid": "网格",
    "building": "楼栋",
    "unit": "单元",
    "room": "房屋",
    "household": "住户",
}


async def get_or_404(session: AsyncSession, model: type[T], object_id: uuid.UUID) -> T:
    row = await session.get(model, object_id)
    if row is None:
        name = _NAMES.get(model, model.__name__.lower())
        raise NotFound(
            f"{name}.not_found",
            f"No {name} with id {object_id}",
            zh=f"找不到该{_WORDS.get(name, '记录')}",
        )
    return row


def places(obj: Any) -> Places:
    """Where a register object is, for scope checks."""
    if isinstance(obj, Community):
        return Places(community_id=obj.id)
    if isinstance(obj, Grid):
        return Places(community_id=obj.community_id, grid_id=obj.id)
    if isinstance(obj, Building):
        return Places(community_id=obj.community_id, building_id=obj.id, grid_id=obj.grid_id)
    if isinstance(obj, Unit):
        return Places(community_id=obj.community_id, building_id=obj.building_id, unit_id=obj.id)
    if isinstance(obj, Household):
        return Places(obj.community_id, obj.building_id, obj.unit_id, household_id=obj.id)
    if isinstance(obj, Residency):
        return Places(obj.community_id, obj.building_id, obj.unit_id, obj.household_id)
    return Places(
        community_id=getattr(obj, "community_id", None),
        building_id=getattr(obj, "building_id", None),
        unit_id=getattr(obj, "unit_id", None),
    )


async def flush_unique(uow: UnitOfWork, code: str, what: str, zh: str) -> None:
    """Flush; a unique-constraint violation becomes 409 ``code``: ``what`` (English) and
    ``zh`` (the whole Chinese sentence) say what already exists."""
    try:
        await uow.session.flush()
    except IntegrityError as exc:
        raise Conflict(code, f"{what} already exists", zh=zh) from exc


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def ensure_empty(session: AsyncSession, code: str, model: Any, *where: Any) -> None:
    if await count(session, model, *where):
        raise Conflict(
            code,
            "It still has things in it; remove them first",
            zh="其下还有内容，请先移除后再删除",
        )
