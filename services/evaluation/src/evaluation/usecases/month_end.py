"""The month-end sweep: once a month has ended in the community's time zone (China
Standard Time, the one every period here is read in), last month's three indices of every
community the service knows are computed and stored with the configured method, once.

Once per community and month, across restarts and replicas: the run's row
(``month_end_runs``) is inserted in the unit of work that stores the figures. A replica
that tries the same community and month waits on the first one's row and then finds it
(nothing done); one that failed rolled its row back, so the next sweep tries again. A
manager may still compute a month again (``POST /indices/compute``), say after late events.

With the figures, in the same unit of work, the month's desensitised exchange dataset
(``domain.exchange``) is published on ``evaluation.exchange.v1`` for the district platform:
once per community and month, like the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.dialects.postgresql import insert

from evaluation import figures, kpi_queries
from evaluation.db.models import (
    PLACES,
    IndexFigureRow,
    KpiBucket,
    MonthEndRun,
    ResponseRow,
    SurveyRow,
)
from evaluation.domain.exchange import dataset
from evaluation.domain.periods import Granularity, Period, period_of
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork


def month_due(now: datetime, grace: timedelta) -> Period:
    """The month the sweep computes at ``now``: the one before the month ``now - grace``
    falls in (local time), so events of a month's last minutes still in flight count."""
    return period_of(now - grace, Granularity.MONTH).previous()


class MonthEnd:
    def __init__(
        self,
        db: Database,
        version: str,
        grace_s: float = 3600.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.version = version  # the index method's version (INDEX_METHOD)
        self.grace = timedelta(seconds=grace_s)
        self.clock = clock or (lambda: datetime.now(UTC))

    async def run(self, now: datetime | None = None) -> list[str]:
        """Compute last month's indices of each community not done yet; the communities
        this run computed."""
        now = now or self.clock()
        period = month_due(now, self.grace)
        method = figures.method(self.version)
        async with self.db.uow(read_only=True) as uow:
            pending = await _pending(uow, period)
        done = []
        for community_id in pending:
            async with self.db.uow() as uow:
                claimed = await uow.session.scalar(
                    insert(MonthEndRun)
                    .values(community_id=community_id, period=period.key)
                    .on_conflict_do_nothing(index_elements=["community_id", "period"])
                    .returning(MonthEndRun.community_id)
                )
                if claimed is None:
                    continue  # another replica (or an earlier run) did it
                computed = await figures.compute(uow, method, community_id, period)
                # the month's desensitised dataset for the district platform, once
                record = dataset(
                    community_id,
                    period,
                    self.version,
                    computed,
                    await kpi_queries.values(uow, "community", community_id, period),
                    await _responses(uow, community_id, period),
                    now,
                )
                await uow.publish(record, key=record.record_id)
                await uow.commit()
            done.append(community_id)
        return done


async def _pending(uow: UnitOfWork, period: Period) -> list[str]:
    """The communities the place directory, the month's KPIs, a survey or an earlier
    figure name, less those whose month is done."""
    h = PLACES.households.c
    known = union(
        select(h.community_id.label("community_id")),
        select(KpiBucket.community_id).where(KpiBucket.period == period.key),
        select(SurveyRow.community_id),
        select(IndexFigureRow.community_id),
    ).subquery()
    done = select(MonthEndRun.community_id).where(MonthEndRun.period == period.key)
    rows = await uow.session.scalars(
        select(known.c.community_id)
        .where(known.c.community_id.is_not(None), known.c.community_id.not_in(done))
        .order_by(known.c.community_id)
    )
    return list(rows)


async def _responses(uow: UnitOfWork, community_id: str, period: Period) -> dict[str, int]:
    """The month's responses to the community's surveys, per index questionnaire."""
    start, end = figures.bounds(period)
    rows = await uow.session.execute(
        select(SurveyRow.questionnaire, func.count())
        .join(ResponseRow, ResponseRow.survey_id == SurveyRow.id)
        .where(
            SurveyRow.community_id == community_id,
            SurveyRow.questionnaire.is_not(None),
            ResponseRow.submitted_at >= start,
            ResponseRow.submitted_at < end,
        )
        .group_by(SurveyRow.questionnaire)
    )
    return {str(q): int(n) for q, n in rows.all()}
