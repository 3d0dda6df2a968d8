"""Places as people say them, from the place directory (identity's names, kept by
``sc_core.places``): a report and a comparison name communities, never show their ids."""

from __future__ import annotations

from evaluation.db.models import DIRECTORY
from sc_core.db.uow import UnitOfWork
from sc_core.places import say


async def community_name(uow: UnitOfWork, community_id: str, locale: str) -> str | None:
    """The community's name in ``locale`` (幸福里社区, or its English name); None while
    identity has not named it to this service."""
    found = await DIRECTORY.name_of(uow, community_id=community_id)
    return say(found, locale) if found is not None else None
