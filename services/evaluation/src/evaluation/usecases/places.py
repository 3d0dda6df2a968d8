"""Places as people say them, from the place directory (identity's names, kept by
``sc_core.places``): a report and a comparison name communities, never show their ids;
and which community a request means when it names none (issue 19 item 2)."""

from __future__ import annotations

from collections.abc import Iterable

from evaluation.db.models import DIRECTORY
from sc_core.auth.principal import Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.places import say


async def community_name(uow: UnitOfWork, community_id: str, locale: str) -> str | None:
    """The community's name in ``locale`` (幸福里社区, or its English name); None while
    identity has not named it to this service."""
    found = await DIRECTORY.name_of(uow, community_id=community_id)
    return say(found, locale) if found is not None else None


class Communities:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, principal: Principal, community_id: str | None, roles: Iterable[str]) -> str:
        """``community_id``, or the caller's one community among its grants of ``roles``:
        422 ``place.ambiguous`` naming the field and the communities (by name) when
        several, ``place.required`` when none."""
        if community_id:
            return community_id
        async with self.db.uow(read_only=True) as uow:
            return await DIRECTORY.default_community(uow, principal, None, roles=roles)
