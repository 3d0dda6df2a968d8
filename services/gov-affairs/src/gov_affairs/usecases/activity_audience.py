"""Whom an activity is for, in words (6.6): the buildings of its audience by the names the
place directory keeps from identity's events (``3号楼`` / ``Building 3``), never an id; a
building no household has been placed in yet is said as such."""

from __future__ import annotations

from collections.abc import Iterable

from gov_affairs.db.votes import ActivityRow
from gov_affairs.domain import activities as d
from gov_affairs.domain.text import Text
from sc_core.db.engine import Database
from sc_core.places import Places
from sc_core.places.words import PlaceName, say_both

UNNAMED = Text(zh="一栋尚无住户登记的楼", en="a building with no households registered yet")


def audience_buildings(row: ActivityRow) -> list[str]:
    a = d.Activity.model_validate(row.data)
    return [p.id for p in a.audience.places if p.type == "building"]


async def building_names(
    db: Database, places: Places, rows: Iterable[ActivityRow]
) -> dict[str, Text]:
    """Each audience building of ``rows`` by its name (zh-CN, en)."""
    wanted = {(r.community_id, b) for r in rows for b in audience_buildings(r)}
    if not wanted:
        return {}
    out: dict[str, Text] = {}
    async with db.uow(read_only=True) as uow:
        for community_id, building_id in sorted(wanted):
            found = await places.name_of(uow, community_id=community_id, building_id=building_id)
            if found is None or not found.building:
                out[building_id] = UNNAMED
                continue
            zh, en = say_both(PlaceName(building=found.building, building_en=found.building_en))
            out[building_id] = Text(zh=zh, en=en)
    return out
