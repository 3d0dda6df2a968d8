"""Working a population check flag (人口核查) like a case (split from
:mod:`gov_affairs.usecases.population`): who may read which flags, the audited list and
read, and the steps (assign within the community, start, note, resolve, close, reopen),
each on ``gov.flags.v1`` and audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from gov_affairs.db.models import PLACES, FlagRow
from gov_affairs.domain import population as d
from gov_affairs.usecases.population_rows import (
    READERS,
    domain_of,
    flag_problem,
    not_found,
    publish,
    write,
)
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page


class PopulationFlags:
    """The reading and working half of :class:`gov_affairs.usecases.population.Population`."""

    db: Database
    clock: Callable[[], datetime]

    def _scope(self, who: Caller, community_id: str | None) -> Any:
        """Flags the caller may read: the community's police, committee and street office
        every flag of it; a grid worker those of the buildings of their grids, and the
        community-wide ones (a gate sighting has no building) of the communities their
        grids are in."""
        p = who.principal
        g = PLACES.building_grids
        grids = sorted(p.scope_ids("grid", frozenset({"grid_worker"})))
        clauses: list[Any] = []
        if p.is_platform_admin:
            clauses.append(FlagRow.community_id.is_not(None))
        communities = sorted(p.scope_ids("community", READERS))
        if communities:
            clauses.append(FlagRow.community_id.in_(communities))
        if grids:
            clauses.append(FlagRow.grid_id.in_(grids))
            clauses.append(
                FlagRow.building_id.in_(select(g.c.building_id).where(g.c.grid_id.in_(grids)))
            )
            clauses.append(
                FlagRow.building_id.is_(None)
                & FlagRow.community_id.in_(select(g.c.community_id).where(g.c.grid_id.in_(grids)))
            )
        if not clauses:
            raise Problem(
                403,
                "auth.forbidden",
                "Population checks are for grid workers, police and the community office",
                zh="人口核查仅限网格员、社区民警和社区工作人员",
            )
        clause = or_(*clauses)
        if community_id is not None:
            clause = clause & (FlagRow.community_id == community_id)
        return clause

    async def page(
        self,
        who: Caller,
        *,
        community_id: str | None,
        status: str | None,
        kind: str | None,
        limit: int,
        offset: int,
        cursor: str | None = None,
    ) -> tuple[list[FlagRow], int]:
        where = [self._scope(who, community_id)]
        if status is not None:
            where.append(FlagRow.status == status)
        if kind is not None:
            where.append(FlagRow.kind == kind)
        async with self.db.uow(read_only=True) as uow:  # a read: no BEGIN/COMMIT
            rows, total = await fetch_page(
                uow.session,
                select(FlagRow).where(*where).order_by(FlagRow.opened_at.desc(), FlagRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            # whereabouts of people: every read is audited
            await uow.audit(
                who,
                "population.flags_read",
                "population_flag",
                community_id or "*",
                community_id=community_id,
                detail={"count": len(rows)},
            )
            await uow.commit()
            return rows, total

    async def get(self, who: Caller, flag_id: uuid.UUID) -> FlagRow:
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(FlagRow).where(FlagRow.id == flag_id, self._scope(who, None))
            )
            if row is None:
                raise not_found()
            await uow.audit(
                who,
                "population.flag_read",
                "population_flag",
                str(row.id),
                community_id=row.community_id,
            )
            await uow.commit()
            return row

    async def step(
        self,
        who: Caller,
        flag_id: uuid.UUID,
        action: str,
        *,
        note: str = "",
        resolution: d.Resolution | None = None,
        assignee: str | None = None,
    ) -> FlagRow:
        """assign (to a grid worker or police officer of the community), start, note,
        resolve (what was found), close (resolving first when not yet resolved), reopen."""
        now = self.clock()
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(FlagRow)
                .where(FlagRow.id == flag_id, self._scope(who, None))
                .with_for_update()
            )
            if row is None:
                raise not_found()
            flag = domain_of(row)
            try:
                if action == "assign":
                    flag = await self._assign(uow, row, flag, who, assignee, note, now)
                else:
                    if action == "close" and flag.status in ("open", "in_progress"):
                        flag = d.work(
                            flag, "resolve", who.subject, now, note=note, resolution=resolution
                        )
                    flag = d.work(flag, action, who.subject, now, note=note, resolution=resolution)
            except d.FlagError as exc:
                raise flag_problem(exc) from None
            if action in ("start", "resolve", "close") and row.assignee is None:
                row.assignee = who.subject
            write(row, flag, now)
            await publish(uow, row, now)
            await uow.audit(
                who,
                f"population.flag_{action}",
                "population_flag",
                str(row.id),
                community_id=row.community_id,
                detail={"status": row.status, "resolution": row.resolution},
            )
            await uow.commit()
            return row

    async def _assign(
        self,
        uow: UnitOfWork,
        row: FlagRow,
        flag: d.Flag,
        who: Caller,
        assignee: str | None,
        note: str,
        now: datetime,
    ) -> d.Flag:
        if flag.status == "closed":
            raise d.FlagError(
                "flag.bad_state",
                "A closed flag is reopened, not assigned",
                zh="该线索已关闭，请先重新打开",
            )
        target = assignee or who.subject
        if target != who.subject:  # the caller works flags here (the flag is in scope)
            g = PLACES.grants
            assert g is not None
            serves = await uow.session.scalar(
                select(g.c.grant_id)
                .where(
                    g.c.account_id == target,
                    g.c.role.in_(sorted(READERS)),
                    or_(g.c.community_id == row.community_id, g.c.scope_type == "platform"),
                )
                .limit(1)
            )
            if serves is None:
                raise d.FlagError(
                    "flag.assignee_out_of_scope",
                    "The assignee does not work for this community",
                    zh="被指派人不负责该社区",
                )
        row.assignee = target
        flag = flag.model_copy(deep=True)
        flag.timeline.append(
            d.FlagStep(at=now, actor=who.subject, action="assign", note=note or target)
        )
        return flag
