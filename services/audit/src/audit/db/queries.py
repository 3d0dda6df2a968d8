"""Reading the trail: search filters, export batches, a day's chain, the summary."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from audit.db.models import AuditRecord, ChainHead
from audit.domain.vocabulary import FAILED_OUTCOMES, LOGIN_ACTION, SENSITIVE_READ_VERBS

R = AuditRecord
TABLE = AuditRecord.__table__  # plain rows (no ORM objects) on a connection


@dataclass(frozen=True)
class RecordFilters:
    """Search filters; ``action`` ending in ``.*`` matches the prefix (``auth.*``)."""

    actor: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    outcome: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.actor is not None:
            out.append(R.actor_id == self.actor)
        if self.action is not None:
            if self.action.endswith(".*"):
                out.append(R.action.startswith(self.action[:-1], autoescape=True))
            else:
                out.append(R.action == self.action)
        if self.resource_type is not None:
            out.append(R.resource_type == self.resource_type)
        if self.resource_id is not None:
            out.append(R.resource_id == self.resource_id)
        if self.outcome is not None:
            out.append(R.outcome == self.outcome)
        if self.start is not None:
            out.append(R.occurred_at >= self.start)
        if self.end is not None:
            out.append(R.occurred_at < self.end)
        return out

    def as_detail(self) -> dict[str, str]:
        """The filters as an audit record's detail (what an export covered)."""
        values = {
            "filter.actor": self.actor,
            "filter.action": self.action,
            "filter.resource_type": self.resource_type,
            "filter.resource_id": self.resource_id,
            "filter.outcome": self.outcome,
            "filter.from": self.start.isoformat() if self.start else None,
            "filter.to": self.end.isoformat() if self.end else None,
        }
        return {k: v for k, v in values.items() if v is not None}


def search_query(filters: RecordFilters, scope: ColumnElement[bool]) -> Select[Any]:
    """Newest first, as plain rows of the table (``fetch_page(rows=True)``): no ORM
    object is made for a record that is only masked and sent."""
    return (
        select(TABLE)
        .where(scope, *filters.clauses())
        .order_by(R.occurred_at.desc(), R.record_id.desc())
    )


async def count_records(
    session: AsyncSession, filters: RecordFilters, scope: ColumnElement[bool]
) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(R).where(scope, *filters.clauses()))
        or 0
    )


async def export_batches(
    conn: AsyncConnection,
    filters: RecordFilters,
    scope: ColumnElement[bool],
    *,
    limit: int,
    batch: int = 1000,
) -> AsyncIterator[Sequence[Any]]:
    """Matching records oldest first, ``batch`` at a time (keyset), at most ``limit``.

    Each batch is its own short transaction, so a long export never holds the table
    lock that adding or dropping a partition waits for.
    """
    after: tuple[datetime, Any] | None = None
    sent = 0
    while sent < limit:
        query = select(TABLE).where(scope, *filters.clauses())
        if after is not None:
            query = query.where(
                tuple_(R.occurred_at, R.record_id) > tuple_(*(literal(v) for v in after))
            )
        query = query.order_by(R.occurred_at, R.record_id).limit(min(batch, limit - sent))
        rows = (await conn.execute(query)).all()
        await conn.rollback()
        if not rows:
            return
        sent += len(rows)
        after = (rows[-1].occurred_at, rows[-1].record_id)
        yield rows


def _utc_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), UTC)
    return start, start + timedelta(days=1)


async def day_chain(
    conn: AsyncConnection, day: date, *, upto: int | None, batch: int = 2000
) -> AsyncIterator[dict[str, Any]]:
    """One day's records in chain order, up to position ``upto`` (the head read before:
    records appended meanwhile are not part of this check). Batches are short
    transactions, as in :func:`export_batches`."""
    start, end = _utc_day_bounds(day)
    position = 0
    while upto is None or position < upto:
        query = select(TABLE).where(
            R.chain_day == day, R.occurred_at >= start, R.occurred_at < end, R.chain_pos > position
        )
        if upto is not None:
            query = query.where(R.chain_pos <= upto)
        rows = await conn.execute(query.order_by(R.chain_pos, R.record_id).limit(batch))
        found = rows.mappings().all()
        await conn.rollback()
        if not found:
            return
        for row in found:
            yield dict(row)
        position = int(found[-1]["chain_pos"])


async def chain_head(conn: AsyncConnection, day: date) -> tuple[int, str] | None:
    row = (
        await conn.execute(
            select(ChainHead.length, ChainHead.last_hash).where(ChainHead.day == day)
        )
    ).first()
    return (int(row.length), str(row.last_hash)) if row else None


# summary -----------------------------------------------------------------------------


def local_day(zone: str) -> ColumnElement[date]:
    return cast(func.timezone(zone, R.occurred_at), Date)


async def summary_rows(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    zone: str,
    scope: ColumnElement[bool],
) -> dict[str, list[Any]]:
    in_range = and_(scope, R.occurred_at >= start, R.occurred_at < end)
    day = local_day(zone).label("day")
    by_day = select(day, R.action, R.outcome, func.count().label("count")).where(in_range)
    by_day = by_day.group_by(day, R.action, R.outcome).order_by(day, R.action, R.outcome)
    failed = (
        select(day, func.count().label("count"))
        .where(in_range, R.action == LOGIN_ACTION, R.outcome.in_(FAILED_OUTCOMES))
        .group_by(day)
        .order_by(day)
    )
    roles = case((func.cardinality(R.actor_roles) == 0, array(["none"])), else_=R.actor_roles)
    sensitive = or_(*(R.action.endswith("." + verb) for verb in SENSITIVE_READ_VERBS))
    unnested = select(func.unnest(roles).label("role")).where(in_range, sensitive).subquery()
    by_role = (
        select(unnested.c.role, func.count().label("count"))
        .group_by(unnested.c.role)
        .order_by(unnested.c.role)
    )
    return {
        "by_action_outcome": list((await session.execute(by_day)).all()),
        "failed_logins": list((await session.execute(failed)).all()),
        "sensitive_reads_by_role": list((await session.execute(by_role)).all()),
    }
