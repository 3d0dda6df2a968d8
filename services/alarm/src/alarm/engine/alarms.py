"""Alarm lifecycle against the database: raise (one active per cause, enforced by the
partial unique index and ``INSERT ... ON CONFLICT``), acknowledge and clear; their history
rows and alarm events go through :mod:`alarm.engine.writes` in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, case, column, literal_column, select, text, update

from alarm.db.models import Alarm
from alarm.domain.lifecycle import ACTIVE
from alarm.domain.rules import SEVERITY_RANK
from alarm.engine.bulk import as_arrays, unnest_upsert
from alarm.engine.writes import Writes, history, publish, state_of
from sc_contracts.events.alarm import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
)
from sc_core.db.uow import UnitOfWork

ALARM_COLUMNS = [c for c in Alarm.__table__.columns]


@dataclass
class Cause:
    """What raises (or repeats) an alarm."""

    alarm_type: str
    severity: str
    originator_type: str
    originator_id: str
    community_id: str
    at: datetime
    title: str
    source: str = "rule"
    count: int = 1
    building_id: str | None = None
    unit_id: str | None = None
    room_id: str | None = None
    household_id: str | None = None
    device_type: str | None = None
    rule_id: uuid.UUID | None = None
    rule_version: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    work_order_type: str | None = None
    created_by: str | None = None
    description: str | None = None
    first_at: datetime | None = None


@dataclass
class Raised:
    alarm: Any  # the row after the upsert
    created: bool
    severity_changed: bool


def _values(cause: Cause) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "created_at": datetime.now(UTC),
        "alarm_type": cause.alarm_type,
        "severity": cause.severity,
        "status": "active_unack",
        "originator_type": cause.originator_type,
        "originator_id": cause.originator_id,
        "community_id": cause.community_id,
        "building_id": cause.building_id,
        "unit_id": cause.unit_id,
        "room_id": cause.room_id,
        "household_id": cause.household_id,
        "device_type": cause.device_type,
        "count": cause.count,
        "first_at": cause.first_at or cause.at,
        "last_at": cause.at,
        "rule_id": cause.rule_id,
        "rule_version": cause.rule_version,
        "source": cause.source,
        "title": cause.title[:200],
        "description": cause.description,
        "details": cause.details,
        "actions": cause.actions,
        "work_order_type": cause.work_order_type,
        "created_by": cause.created_by,
        "severity_bumped": False,
        "escalation_stage": 0,
    }


ALARM_INSERT_COLUMNS = [
    "id", "created_at", "alarm_type", "severity", "status", "originator_type",
    "originator_id", "community_id", "building_id", "unit_id", "room_id", "household_id",
    "device_type", "count", "first_at", "last_at", "rule_id", "rule_version", "source",
    "title", "description", "details", "actions", "work_order_type", "created_by",
    "severity_bumped", "escalation_stage",
]  # fmt: skip


def _upsert_sql(prefix: str = "") -> str:
    return unnest_upsert(
        Alarm.__table__,
        ALARM_INSERT_COLUMNS,
        "(originator_type, originator_id, alarm_type) WHERE cleared_at IS NULL",
        "count = alarms.count + excluded.count,"
        " last_at = GREATEST(alarms.last_at, excluded.last_at),"
        " severity_bumped = alarms.severity <> excluded.severity,"
        " severity = excluded.severity, details = excluded.details",
        "RETURNING alarms.*, (xmax = 0) AS inserted",
        prefix,
    )


UPSERT = text(_upsert_sql()).columns(*ALARM_COLUMNS, column("inserted", Boolean))


def fold(causes: list[Cause]) -> list[Cause]:
    """One cause per (originator, type): counts add up, the most severe wins (one
    statement may not touch a row twice)."""
    folded: dict[tuple[str, str, str], Cause] = {}
    for cause in causes:
        key = (cause.originator_type, cause.originator_id, cause.alarm_type)
        seen = folded.get(key)
        if seen is None:
            folded[key] = cause
            continue
        seen.count += cause.count
        seen.at = max(seen.at, cause.at)
        if SEVERITY_RANK.get(cause.severity, 0) > SEVERITY_RANK.get(seen.severity, 0):
            seen.severity = cause.severity
    return list(folded.values())


async def raise_many(uow: UnitOfWork, causes: list[Cause], writes: Writes) -> list[Raised]:
    """Create the alarms, or count repeats of the active ones, in ONE statement: two
    consumers racing on the same cause meet in the partial unique index, not in Python.
    The causes must be distinct (originator, type); the evaluator folds them."""
    if not causes:
        return []
    causes = fold(causes)
    values = [_values(c) for c in causes]
    result = await uow.session.execute(
        UPSERT, as_arrays(Alarm.__table__, ALARM_INSERT_COLUMNS, values)
    )
    return _raised(result.all(), causes, writes)


def _raised(rows: Any, causes: list[Cause], writes: Writes) -> list[Raised]:
    """History and events of upserted alarms: a new one is raised, a repeat that changed
    the severity is raised again, a plain repeat only counts."""
    out = []
    by_cause = {(c.originator_type, c.originator_id, c.alarm_type): c for c in causes}
    for row in rows:
        created = bool(row.inserted)
        cause = by_cause.get((row.originator_type, row.originator_id, row.alarm_type))
        if created:
            actor = cause.created_by if cause else None
            writes.note(row.id, "raised", actor, severity=row.severity)
            writes.publish(state_of(row, AlarmRaisedV1), str(row.id))
        elif row.severity_bumped:
            writes.note(row.id, "severity_changed", None, severity=row.severity)
            writes.publish(state_of(row, AlarmRaisedV1), str(row.id))
        out.append(Raised(row, created, bool(row.severity_bumped) and not created))
    return out


async def raise_alarm(uow: UnitOfWork, cause: Cause) -> Raised:
    """One cause (manual alarms, tests): :func:`raise_many` of one."""
    writes = Writes(uow)
    (raised,) = await raise_many(uow, [cause], writes)
    await writes.flush()
    return raised


async def clear_many(
    uow: UnitOfWork,
    causes: list[tuple[str, str, str]],
    at: datetime,
    reason: str,
    writes: Writes,
) -> list[Any]:
    """Clear the active alarms of these (originator type, originator id, alarm type)."""
    if not causes:
        return []
    rows = list((await uow.session.execute(CLEAR_CAUSES, _clear_params(causes, at))).all())
    return _cleared(rows, reason, writes)


def _clear_params(causes: list[tuple[str, str, str]], at: datetime, prefix: str = "") -> Any:
    kinds, ids, types = [list(x) for x in zip(*causes, strict=True)] if causes else [[], [], []]
    return {
        f"{prefix}originator_type": kinds,
        f"{prefix}originator_id": ids,
        f"{prefix}alarm_type": types,
        f"{prefix}at": at,
    }


def _cleared(rows: list[Any], reason: str, writes: Writes) -> list[Any]:
    for row in rows:
        writes.note(row.id, "cleared", None, reason=reason)
        writes.publish(state_of(row, AlarmClearedV1), str(row.id))
    return rows


async def raise_and_clear(
    uow: UnitOfWork,
    causes: list[Cause],
    clears: list[tuple[str, str, str]],
    at: datetime,
    reason: str,
    writes: Writes,
    extra: tuple[str, dict[str, Any]] | None = None,
) -> tuple[list[Raised], list[Any]]:
    """:func:`clear_many` and :func:`raise_many` — and ``extra``, another data-modifying
    statement with its (prefixed) parameters, such as the evaluator's rule states — in
    ONE statement, one round trip for a whole batch's writes. The causes cleared and
    those raised must be distinct (one statement may touch a row only once): the
    evaluator takes this path unless a cause is raised and cleared in the same batch."""
    causes = fold(causes)
    keys = {(c.originator_type, c.originator_id, c.alarm_type) for c in causes}
    if keys & set(clears):
        raise ValueError("a cause both raised and cleared: clear_many, then raise_many")
    values = [_values(c) for c in causes]
    params = as_arrays(Alarm.__table__, ALARM_INSERT_COLUMNS, values, "r_")
    params.update(_clear_params(clears, at, "c_"))
    extra_sql = None
    if extra is not None:
        extra_sql, extra_params = extra
        params.update(extra_params)
    rows = (await uow.session.execute(_raise_and_clear(extra_sql), params)).all()
    raised = _raised([r for r in rows if not r.was_cleared], causes, writes)
    return raised, _cleared([r for r in rows if r.was_cleared], reason, writes)


_COMBINED: dict[str, Any] = {}


def _raise_and_clear(extra_sql: str | None) -> Any:
    """The statement of :func:`raise_and_clear`, built once per ``extra``."""
    statement = _COMBINED.get(extra_sql or "")
    if statement is None:
        # statements built at import from the tables' metadata; values are parameters
        head = f"WITH extra AS ({extra_sql}), " if extra_sql else "WITH "
        sql = (
            f"{head}cleared AS ({_clear_sql('c_')}), raised AS ({_upsert_sql('r_')})"  # noqa: S608
            " SELECT false AS was_cleared, raised.* FROM raised"
            " UNION ALL SELECT true, cleared.*, false FROM cleared"
        )
        statement = text(sql).columns(
            column("was_cleared", Boolean), *ALARM_COLUMNS, column("inserted", Boolean)
        )
        _COMBINED[extra_sql or ""] = statement
    return statement


async def clear_cause(
    uow: UnitOfWork,
    *,
    originator_type: str,
    originator_id: str,
    alarm_type: str,
    at: datetime,
    reason: str,
) -> Any | None:
    """Clear the active alarm of this cause, if there is one (by its rule)."""
    writes = Writes(uow)
    rows = await clear_many(uow, [(originator_type, originator_id, alarm_type)], at, reason, writes)
    await writes.flush()
    return rows[0] if rows else None


def _clear_sql(p: str = "") -> str:
    """The clear statement; ``p`` prefixes its parameters' names (a constant)."""
    return (
        "UPDATE alarms SET status = CASE WHEN status = 'active_ack' THEN 'cleared_ack'"  # noqa: S608
        f" ELSE 'cleared_unack' END, cleared_at = :{p}at, cleared_by = NULL,"
        " next_escalation_at = NULL"
        " WHERE cleared_at IS NULL AND (originator_type, originator_id, alarm_type) IN"
        f" (SELECT * FROM unnest(CAST(:{p}originator_type AS varchar[]),"
        f" CAST(:{p}originator_id AS varchar[]), CAST(:{p}alarm_type AS varchar[])))"
        " RETURNING alarms.*"
    )


CLEAR_CAUSES = text(_clear_sql()).columns(*ALARM_COLUMNS)


def _clear_values(at: datetime, actor_id: str | None) -> dict[str, Any]:
    table = Alarm.__table__
    return {
        "status": case(
            (table.c.status == "active_ack", "cleared_ack"), else_=literal_column("'cleared_unack'")
        ),
        "cleared_at": at,
        "cleared_by": actor_id,
        "next_escalation_at": None,
    }


async def clear_by_id(
    uow: UnitOfWork,
    alarm_id: uuid.UUID,
    actor_id: str | None,
    reason: str,
    false_alarm: bool | None = None,
) -> Any | None:
    """Clear one alarm unless already cleared; None when it was (or does not exist).
    ``false_alarm``: the person's judgement, carried on the cleared event (evaluation's
    false-alarm share) and in the history."""
    table = Alarm.__table__
    stmt = (
        update(table)
        .where(table.c.id == alarm_id, table.c.status.in_(ACTIVE))
        .values(**_clear_values(datetime.now(UTC), actor_id))
        .returning(*ALARM_COLUMNS)
    )
    row = (await uow.session.execute(stmt)).first()
    if row is not None:
        judged = {} if false_alarm is None else {"false_alarm": false_alarm}
        await history(uow, row.id, "cleared", actor_id, reason=reason, **judged)
        await publish(uow, row, AlarmClearedV1, actor_id, **judged)
    return row


async def clear_by_rule(
    uow: UnitOfWork, rule_id: uuid.UUID, actor_id: str | None, reason: str
) -> list[Any]:
    """Clear every active alarm this rule raised (the rule is deleted)."""
    table = Alarm.__table__
    stmt = (
        update(table)
        .where(table.c.rule_id == rule_id, table.c.cleared_at.is_(None))
        .values(**_clear_values(datetime.now(UTC), actor_id))
        .returning(*ALARM_COLUMNS)
    )
    rows = list((await uow.session.execute(stmt)).all())
    writes = Writes(uow)
    for row in rows:
        writes.note(row.id, "cleared", actor_id, reason=reason)
        writes.publish(state_of(row, AlarmClearedV1, actor_id), str(row.id))
    await writes.flush()
    return rows


async def acknowledge(uow: UnitOfWork, alarm_id: uuid.UUID, actor_id: str) -> Any | None:
    """Acknowledge (stops escalation); None when already acknowledged."""
    table = Alarm.__table__
    stmt = (
        update(table)
        .where(table.c.id == alarm_id, table.c.status.in_(("active_unack", "cleared_unack")))
        .values(
            status=case(
                (table.c.status == "active_unack", "active_ack"),
                else_=literal_column("'cleared_ack'"),
            ),
            acknowledged_at=datetime.now(UTC),
            acknowledged_by=actor_id,
            next_escalation_at=None,
        )
        .returning(*ALARM_COLUMNS)
    )
    row = (await uow.session.execute(stmt)).first()
    if row is not None:
        await history(uow, row.id, "acknowledged", actor_id)
        await publish(uow, row, AlarmAcknowledgedV1, actor_id)
    return row


async def get(uow: UnitOfWork, alarm_id: uuid.UUID, *, lock: bool = False) -> Any | None:
    query = select(Alarm.__table__).where(Alarm.__table__.c.id == alarm_id)
    if lock:
        query = query.with_for_update()
    return (await uow.session.execute(query)).first()
