"""The three indices (获得感, 安全感, 幸福感) of a community and month: computed and
published by managers with the method version configured, read back as trends, explained
leaf by leaf, and compared across the communities the caller may see."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Row, Select, bindparam, select

from evaluation import figures
from evaluation.db.models import IndexFigureRow
from evaluation.domain.indices import IndexFigure, Standing, compare
from evaluation.domain.periods import Granularity, Period
from evaluation.usecases import places
from evaluation.usecases.access import (
    MANAGER_ROLES,
    VIEWER_ROLES,
    ensure_viewer,
    period_or_problem,
    problem,
)
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth.principal import Principal
from sc_core.auth.scope import scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork

#: the columns a listed figure shows (``api.indices.figure_item``): all but ``computed_at``
LISTED = (
    IndexFigureRow.id,
    IndexFigureRow.index,
    IndexFigureRow.community_id,
    IndexFigureRow.period,
    IndexFigureRow.method_version,
    IndexFigureRow.value,
    IndexFigureRow.coverage,
    IndexFigureRow.inputs_digest,
    IndexFigureRow.leaves,
)


@functools.cache
def _published(by_index: bool, by_period: bool) -> Select[Any]:
    """The published list of one filter shape, built once: its page and count statements
    are derived once too, and SQLAlchemy keys each once (``fetch_page(bind=...)``)."""
    t = IndexFigureRow
    query = select(*LISTED).where(t.community_id == bindparam("community_id"))
    if by_index:
        query = query.where(t.index == bindparam("index"))
    if by_period:
        query = query.where(t.period == bindparam("period"))
    return query.order_by(t.community_id, t.period.desc(), t.id)


def month(key: str, locale: str) -> Period:
    """A month's period (indices are computed per month); 400 otherwise."""
    p = period_or_problem(key, locale)
    if p.granularity is not Granularity.MONTH:
        raise problem(
            400,
            "evaluation.month_expected",
            "指数按月计算，请给出月份，例如 2026-11。",
            "Indices are computed per month: give a month such as 2026-11.",
            locale,
        )
    return p


class Indices:
    def __init__(self, db: Database, version: str) -> None:
        self.db = db
        self.version = version  # the index method's version (INDEX_METHOD)

    async def compute(
        self, principal: Principal, locale: str, community_id: str, period: str
    ) -> tuple[Period, list[IndexFigure]]:
        """Compute (again) and publish the month's three indices of a community."""
        ensure_viewer(principal, locale, community_id, roles=MANAGER_ROLES)
        p = month(period, locale)
        async with self.db.uow() as uow:
            result = await figures.compute(uow, figures.method(self.version), community_id, p)
            await uow.commit()
        return p, result

    async def published(
        self,
        principal: Principal,
        locale: str,
        community_id: str,
        index: str | None,
        period: str | None,
        paging: PageParams,
    ) -> tuple[list[Row[Any]], PageTotal]:
        """Published figures of a community, newest month first: rows of
        :data:`LISTED`, read on a connection without a session (ADR 0054) by a statement
        kept per filter shape (ADR 0064)."""
        ensure_viewer(principal, locale, community_id)
        values = {"community_id": community_id}
        if index is not None:
            values["index"] = index
        if period is not None:
            values["period"] = month(period, locale).key
        query = _published(index is not None, period is not None)
        async with self.db.read() as conn:
            return await fetch_page(conn, query, paging, rows=True, bind=values)

    async def pair(
        self, principal: Principal, locale: str, community_id: str, index: str, period: str
    ) -> tuple[Period, IndexFigure, IndexFigure]:
        """The month's figure and the month before's (404 unless both were computed)."""
        ensure_viewer(principal, locale, community_id)
        p = month(period, locale)
        async with self.db.uow(read_only=True) as uow:
            after = await self._figure(uow, community_id, index, p)
            before = await self._figure(uow, community_id, index, p.previous())
        if after is None or before is None:
            raise problem(
                404,
                "evaluation.figure_not_found",
                "该月或上月的指数尚未计算。",
                "The index of this month or of the month before has not been computed.",
                locale,
            )
        return p, before, after

    async def standings(
        self, principal: Principal, locale: str, index: str, period: str
    ) -> tuple[list[Standing], dict[str, str | None]]:
        """Every community the caller may see, ranked on one index and month, and each
        community's name as people say it in ``locale`` (the place directory's)."""
        p = month(period, locale)
        query = select(IndexFigureRow).where(
            IndexFigureRow.index == index,
            IndexFigureRow.period == p.key,
            IndexFigureRow.method_version == self.version,
            scope_clause(principal, community_col=IndexFigureRow.community_id, roles=VIEWER_ROLES),
        )
        async with self.db.uow(read_only=True) as uow:
            rows = await uow.session.scalars(query)
            standings = compare([figures.figure_of(r) for r in rows])
            names = {
                s.community_id: await places.community_name(uow, s.community_id, locale)
                for s in standings
            }
        return standings, names

    async def _figure(
        self, uow: UnitOfWork, community_id: str, index: str, period: Period
    ) -> IndexFigure | None:
        row: Any = await uow.session.scalar(
            select(IndexFigureRow).where(
                IndexFigureRow.community_id == community_id,
                IndexFigureRow.index == index,
                IndexFigureRow.period == period.key,
                IndexFigureRow.method_version == self.version,
            )
        )
        return figures.figure_of(row) if row is not None else None
