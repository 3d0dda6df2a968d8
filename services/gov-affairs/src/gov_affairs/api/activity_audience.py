"""An activity's audience as the API returns it: the whole community, or its buildings by
name, and the same in one phrase (zh-CN and en)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from gov_affairs.db.votes import ActivityRow
from gov_affairs.domain.text import Text
from gov_affairs.usecases.activity_audience import UNNAMED, audience_buildings

WHOLE = Text(zh="本社区全体居民", en="everyone in the community")


class ActivityAudienceBuilding(BaseModel):
    id: str
    name: Text


class ActivityAudience(BaseModel):
    whole_community: bool = Field(description="true: every resident of the community")
    buildings: list[ActivityAudienceBuilding]
    words: Text = Field(description="whom it is for, in one phrase")


def audience_read(row: ActivityRow, names: Mapping[str, Text]) -> ActivityAudience:
    ids = audience_buildings(row)
    if not ids:
        return ActivityAudience(whole_community=True, buildings=[], words=WHOLE)
    buildings = [ActivityAudienceBuilding(id=b, name=names.get(b, UNNAMED)) for b in ids]
    zh = "、".join(b.name.zh for b in buildings) + "的居民"
    en = "residents of " + ", ".join(b.name.en for b in buildings)
    return ActivityAudience(whole_community=False, buildings=buildings, words=Text(zh=zh, en=en))
