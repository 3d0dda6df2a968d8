"""Reading the requests an Open311 client filed: the query the spec allows (ids, service
codes, dates, status) and each case with its latest reply of the staff's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from sc_core.dates import parse_instant
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.schema import FIRST_YEAR, LAST_YEAR
from work_orders.db.models import CaseType, Open311Request, TimelineEntry, WorkOrder
from work_orders.domain import open311 as o311

MAX_REQUESTS = 1000  # the spec's bound of one answer
DEFAULT_WINDOW = timedelta(days=90)  # the spec's default when no date or id is given
QUERY_TZ = "Asia/Shanghai"  # a bare date in a query is a day there
# steps whose text the reporter may read (a staff comment adds information for staff)
REPLY_ACTIONS = ("accept", "assign", "start", "reply", "resolve", "reject", "close", "reopen")


@dataclass(frozen=True)
class RequestQuery:
    seqs: tuple[int, ...] | None = None
    service_codes: tuple[str, ...] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] | None = None
    token: uuid.UUID | None = None
    window: timedelta = DEFAULT_WINDOW


@dataclass(frozen=True)
class RequestView:
    """A filed case, its type, its Open311 row and the staff's latest reply."""

    case: WorkOrder
    case_type: CaseType
    filed: Open311Request
    note: str | None


def _split(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def parse_query(
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> RequestQuery:
    """The spec's query parameters; anything unreadable is a 400 naming the parameter."""
    ids = _split(service_request_id)
    seqs = tuple(s for s in (o311.seq_of(i) for i in ids) if s is not None) if ids else None
    wanted = _split(status)
    if any(s not in ("open", "closed") for s in wanted):
        raise Problem(
            400,
            "open311.status_invalid",
            "status must be open or closed",
            zh="status 须为 open 或 closed",
        )
    statuses = frozenset(s for w in wanted for s in o311.statuses_for(w)) if wanted else None
    try:
        start = parse_instant(start_date, QUERY_TZ, field="start_date") if start_date else None
        end = parse_instant(end_date, QUERY_TZ, end=True, field="end_date") if end_date else None
        # the years the platform's dates lie in (issue 30): 0001-01-01+08:00 is before the
        # year 1 in UTC and 9999-12-31 has no next day
        if any(m is not None and not FIRST_YEAR <= m.year <= LAST_YEAR for m in (start, end)):
            raise ValueError("a date outside the years 1900-2200")
    except (Problem, OverflowError, ValueError) as exc:
        raise Problem(
            400,
            "open311.date_invalid",
            "start_date and end_date must be ISO 8601 (2026-12-01T08:00:00+08:00) in the years "
            f"{FIRST_YEAR}-{LAST_YEAR}",
            zh="start_date、end_date 须为 ISO 8601 时间（如 2026-12-01T08:00:00+08:00），"
            f"年份在 {FIRST_YEAR}-{LAST_YEAR} 之间",
        ) from exc
    # only offered codes can match (and nothing unprintable reaches the database)
    codes = tuple(c for c in _split(service_code) if c in o311.OFFERED) if service_code else None
    return RequestQuery(seqs, codes, start, end, statuses)


async def read_requests(
    uow: UnitOfWork, client_id: uuid.UUID, query: RequestQuery, now: datetime
) -> list[RequestView]:
    q = (
        select(WorkOrder, CaseType, Open311Request)
        .join(Open311Request, Open311Request.work_order_id == WorkOrder.id)
        .join(CaseType, CaseType.code == WorkOrder.case_type)
        .where(Open311Request.client_id == client_id)
    )
    if query.seqs is not None:
        q = q.where(WorkOrder.seq.in_(query.seqs))
    if query.token is not None:
        q = q.where(Open311Request.token == query.token)
    if query.service_codes is not None:
        q = q.where(WorkOrder.case_type.in_(query.service_codes))
    if query.statuses is not None:
        q = q.where(WorkOrder.status.in_(sorted(query.statuses)))
    start = query.start
    if start is None and query.seqs is None and query.token is None:
        start = now - query.window
    if start is not None:
        q = q.where(Open311Request.created_at >= start)
    if query.end is not None:
        q = q.where(Open311Request.created_at < query.end)
    q = q.order_by(Open311Request.created_at.desc(), WorkOrder.id).limit(MAX_REQUESTS)
    rows = (await uow.session.execute(q)).all()
    notes = await _latest_replies(uow, [wo.id for wo, _, _ in rows])
    return [RequestView(wo, ct, filed, notes.get(wo.id)) for wo, ct, filed in rows]


async def _latest_replies(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each case's latest text written by staff (or the one handling it)."""
    if not ids:
        return {}
    t = TimelineEntry
    q = (
        select(t.work_order_id, t.text)
        .where(
            t.work_order_id.in_(ids),
            t.actor_kind == "staff",
            t.action.in_(REPLY_ACTIONS),
            t.text.is_not(None),
            t.text != "",
        )
        .order_by(t.work_order_id, t.seq.desc())
        .distinct(t.work_order_id)
    )
    return {wo_id: text for wo_id, text in (await uow.session.execute(q)).all() if text}
