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

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, or_, select, true

from sc_core.auth import Principal
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
def statement(shape: Shape, columns: tuple[Any, ...]) -> Select[Any]:
    """The ordered, filtered list of ``columns`` for one shape (kept: its page and count
    statements and their cache keys are derived once)."""
    if shape.platform_wide:
        staff: ColumnElement[bool] = true()
    else:
        wanted = [_in(column, name) for name, _, column in SCOPED if name in shape.scoped]
        staff = or_(*wanted) if wanted else false()
    subject: Any = bindparam("subject")
    visible = [staff, WorkOrder.reporter_id == subject, WorkOrder.assignee_id == subject]
    if shape.households:
        visible.append(_in(WorkOrder.household_id, "households"))
    query = select(*columns).where(or_(*visible))
    if shape.status:
        query = query.where(_in(WorkOrder.status, "statuses"))
    if shape.case_type:
        query = query.where(WorkOrder.case_type == bindparam("case_type"))
    if shape.assignee:
        query = query.where(WorkOrder.assignee_id == bindparam("assignee"))
    if shape.overdue is not None:
        late = overdue_clause(bindparam("now", type_=WorkOrder.response_due_at.type))
        query = query.where(late if shape.overdue else ~late)
    return query.order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())


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
