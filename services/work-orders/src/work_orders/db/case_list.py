"""The list of cases as statements built once per shape of caller and filter (ADR 0064).

Building the list's statement on every call — the scope's OR of IN lists, the filters, the
page and count derived from it — and SQLAlchemy computing its cache key again cost ~15 % of
a served page. The statement's structure depends only on which parts there are (a platform-
wide caller or which kinds of grant, the household clause, which filters), not on their
values: each shape is built once with named bind parameters (lists as expanding ones), and
``sc_core.paging.fetch_page(bind=...)`` derives its page and count once too. Same rows,
same order as :func:`work_orders.db.cases.visible_clause` (the use case tests hold it).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)

from sc_core.auth import Principal
from sc_core.paging import COUNT_STOP
from work_orders.db.models import WorkOrder
from work_orders.domain import states

STAFF = frozenset(states.STAFF_ROLES)
SCOPED = (
    ("communities", "community", WorkOrder.community_id),
    ("grids", "grid", WorkOrder.grid_id),
    ("buildings", "building", WorkOrder.building_id),
)


class Shape(NamedTuple):
    platform_wide: bool
    scoped: tuple[str, ...]  # names of SCOPED with ids granted
    households: bool
    status: bool
    case_type: bool
    assignee: bool
    overdue: bool | None


def _in(column: Any, name: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.in_(bindparam(name, expanding=True))
    return result


def overdue_clause(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Cases past their response or resolution deadline at ``now`` (a value, or a bind
    parameter in a kept statement)."""
    return or_(
        and_(
            WorkOrder.status.in_(sorted(states.AWAITING_RESPONSE)),
            WorkOrder.response_due_at < now,
        ),
        and_(WorkOrder.status.in_(sorted(states.OPEN)), WorkOrder.resolution_due_at < now),
    )


@functools.lru_cache(maxsize=256)
def statement(shape: Shape, columns: tuple[Any, ...]) -> tuple[Select[Any], Select[Any]]:
    """The ordered, filtered list of ``columns`` for one shape, and its bounded count (both
    kept: their page statement and cache keys are derived once).

    The count adds two disjoint parts, each stopped at ``COUNT_LIMIT + 1`` rows: the rows
    of the caller's staff scope, read from an index alone, and the caller's own cases
    (reported, assigned, their household's) outside it. A count of the OR itself visits
    every matching row in the table (a community's 10,360 cases among 103,600: 9-50 ms,
    a scan), while these are 0.2 ms and a few index entries.
    """
    if shape.platform_wide:
        staff: ColumnElement[bool] = true()
    else:
        wanted = [_in(column, name) for name, _, column in SCOPED if name in shape.scoped]
        staff = or_(*wanted) if wanted else false()
    subject: Any = bindparam("subject")
    own = [WorkOrder.reporter_id == subject, WorkOrder.assignee_id == subject]
    if shape.households:
        own.append(_in(WorkOrder.household_id, "households"))
    filters: list[ColumnElement[bool]] = []
    if shape.status:
        filters.append(_in(WorkOrder.status, "statuses"))
    if shape.case_type:
        filters.append(WorkOrder.case_type == bindparam("case_type"))
    if shape.assignee:
        filters.append(WorkOrder.assignee_id == bindparam("assignee"))
    if shape.overdue is not None:
        late = overdue_clause(bindparam("now", type_=WorkOrder.response_due_at.type))
        filters.append(late if shape.overdue else ~late)
    query = select(*columns).where(or_(staff, *own), *filters)
    query = query.order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
    parts = []
    if not shape.platform_wide:
        parts.append(_bounded(or_(*own), staff.is_not(true()), *filters))
    if shape.platform_wide or shape.scoped:
        parts.append(_bounded(staff, *filters))
    return query, select(sum(parts[1:], parts[0]))


def _bounded(*where: ColumnElement[bool]) -> ColumnElement[int]:
    rows: Select[Any] = select(literal_column("1")).select_from(WorkOrder).where(*where)
    counted = select(func.count()).select_from(rows.limit(COUNT_STOP).subquery())
    return counted.scalar_subquery()


def shape_and_values(
    principal: Principal,
    status: list[str] | None,
    case_type: str | None,
    assignee: str | None,
    overdue: bool | None,
    now: datetime,
) -> tuple[Shape, dict[str, Any]]:
    """The shape of this caller's list and the values of its bind parameters."""
    values: dict[str, Any] = {"subject": principal.subject}
    platform_wide = principal.is_platform_wide(STAFF)
    scoped = []
    if not platform_wide:
        for name, scope_type, _ in SCOPED:
            ids = principal.scope_ids(scope_type, STAFF)
            if ids:
                scoped.append(name)
                values[name] = sorted(ids)
    households = sorted(principal.scope_ids("household", states.RESIDENT_ROLES))
    if households:
        values["households"] = households
    if status:
        values["statuses"] = list(status)
    if case_type:
        values["case_type"] = case_type
    if assignee:
        values["assignee"] = assignee
    if overdue is not None:
        values["now"] = now
    shape = Shape(
        platform_wide,
        tuple(scoped),
        bool(households),
        bool(status),
        bool(case_type),
        bool(assignee),
        overdue,
    )
    return shape, values
