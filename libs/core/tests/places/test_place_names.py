"""Places named as people say them (issue 18): identity's placements carry the names, the
directory keeps them, and one formatter says a place in zh-CN and en; never its ids."""

from __future__ import annotations

from pathlib import Path

from place_models import PLACES, metadata

from sc_contracts.events import Placement
from sc_core.db.migrate import model_drift, upgrade
from sc_core.places import PlaceName, Places, say, say_both
from sc_core.service import Runtime
from sc_core.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "place_migrations"
FLAT = PlaceName(community="幸福里社区", building="3号楼", unit="2单元", room="502")


def test_a_flat_reads_as_people_say_it_in_zh_cn_and_en() -> None:
    assert say_both(FLAT) == (
        "幸福里社区 3号楼2单元502室",
        "Room 502, Unit 2, Building 3, 幸福里社区",
    )
    assert say_both(FLAT.down_to("building")) == ("幸福里社区 3号楼", "Building 3, 幸福里社区")
    assert say_both(FLAT.down_to("community")) == ("幸福里社区", "幸福里社区")
    # English names identity gives win; other Chinese names stay as they are (names);
    # bare codes and a room already said with 室 read the same
    named = PlaceName("幸福里社区", "Xingfuli Community", "紫荆苑", None, "1", "East entrance",
                      "101室")  # fmt: skip
    assert say(named, "zh-CN") == "幸福里社区 紫荆苑1单元101室"
    assert say(named, "en-GB") == "Room 101, East entrance, 紫荆苑, Xingfuli Community"
    # nothing known: a true, neutral word, never an id
    assert say_both(None) == ("本社区", "the community")


async def test_the_directory_keeps_the_names_identity_sends(fresh_database_url: str) -> None:
    await upgrade(MIGRATIONS, fresh_database_url)
    assert await model_drift(fresh_database_url, metadata) == []
    runtime = Runtime(ServiceSettings(service_name="names-test", database_url=fresh_database_url),
                      metadata)  # fmt: skip
    places = Places(PLACES)
    named = Placement(
        community_id="c-1", building_id="b-3", unit_id="u-3-2", room_id="r-502",
        community_name="幸福里社区", building_name="3号楼", unit_name="2单元", room_number="502",
    )  # fmt: skip
    async with runtime.db.uow() as uow:
        await places.place_household(uow, "hh-502", named)
        # an older event (no names) of the same household keeps the names known
        await places.place_household(uow, "hh-502", named.model_copy(update={
            "community_name": None, "building_name": None, "unit_name": None,
            "room_number": None}))  # fmt: skip
        await uow.commit()
    async with runtime.db.uow() as uow:
        room = await places.name_of(uow, community_id="c-1", building_id="b-3",
                                    unit_id="u-3-2", room_id="r-502")  # fmt: skip
        building = await places.name_of(uow, community_id="c-1", building_id="b-3")
        community = await places.name_of(uow, community_id="c-1")
        unknown_room = await places.name_of(uow, community_id="c-1", room_id="r-404")
        nowhere = await places.name_of(uow, community_id="c-9")
    assert say_both(room) == (
        "幸福里社区 3号楼2单元502室",
        "Room 502, Unit 2, Building 3, 幸福里社区",
    )
    assert say(building, "zh-CN") == "幸福里社区 3号楼"
    assert say(community, "en") == "幸福里社区"
    assert say(unknown_room, "zh-CN") == "幸福里社区"  # the room unknown: its community
    assert nowhere is None and say(nowhere, "zh-CN") == "本社区"
    await runtime.db.dispose()
