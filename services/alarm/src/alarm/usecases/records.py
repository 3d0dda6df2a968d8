"""Plain records (emergency plans, risk points, drills, shelters, supplies, key places,
special persons, incidents, notification plans): created, corrected and removed one way
for all of them. The caller must be allowed on the record's place (and on the new place
when a correction moves it); a correction is merged over the current values and validated
as a whole by the same model as a create; every change is audited in its own unit of
work."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select

from alarm.db.models import DIRECTORY
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem, invalid_fields

# (uow, principal, community_id, building_id): raises unless the caller may write there
PlaceCheck = Callable[[UnitOfWork, Principal, str, str | None], Awaitable[None]]


# How a refusal names a kind of record to a person (never its key).
_KIND_WORDS = {
    "drill": "演练",
    "emergency_plan": "应急预案",
    "incident": "事件",
    "key_place": "重点场所",
    "notification_plan": "通知方案",
    "duty_shift": "值班班次",
    "risk_point": "风险点",
    "shelter": "应急避难场所",
    "special_person": "重点关爱人员",
    "supply": "应急物资",
}


@dataclass(frozen=True)
class RecordKind:
    """One kind of record: its table, the model that creates it, its audit name
    (``kind``), the place check of its writers, the fields a correction may not change
    (a supply's stock moves only by movements) and how its row maps to the model."""

    model: Any
    body: type[BaseModel]
    kind: str
    check: PlaceCheck
    fixed: Collection[str] = ()
    from_db: Callable[[Any], dict[str, Any]] | None = None
    to_db: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    before_delete: Callable[[UnitOfWork, Any], Awaitable[None]] | None = None

    def current(self, obj: Any) -> dict[str, Any]:
        if self.from_db is not None:
            return self.from_db(obj)
        return {name: getattr(obj, name) for name in self.body.model_fields}

    def stored(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.to_db(values) if self.to_db is not None else values


class Records:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        who: Caller,
        obj: Any,
        kind: str,
        check: PlaceCheck,
        *,
        roles: Collection[str] | None = None,
        detail: Mapping[str, str] | None = None,
    ) -> Any:
        """Add ``obj`` once the caller may write on its place; audited as ``<kind>.create``.

        A record whose ``community_id`` the request left out lies in the one community
        the caller's grants of ``roles`` (its writers) lead to (issue 19 item 2; 422
        ``place.ambiguous`` naming the field and the communities, or ``place.required``)."""
        async with self.db.uow() as uow:
            if obj.community_id is None:
                obj.community_id = await DIRECTORY.default_community(
                    uow, who.principal, None, roles=roles
                )
            await check(uow, who.principal, obj.community_id, getattr(obj, "building_id", None))
            uow.session.add(obj)
            await uow.session.flush()
            await uow.audit(
                who,
                f"{kind}.create",
                kind,
                str(obj.id),
                community_id=obj.community_id,
                detail=dict(detail) if detail else None,
            )
            await uow.commit()
        return obj

    async def page(self, query: Select[Any], paging: PageParams) -> tuple[list[Any], int]:
        """One page of a scoped query (the caller's scope is in ``query``)."""
        async with self.db.uow(read_only=True) as uow:
            items, total = await fetch_page(uow.session, query, paging)
            return list(items), total

    async def _load(
        self, uow: UnitOfWork, who: Caller, spec: RecordKind, object_id: uuid.UUID
    ) -> Any:
        obj = await uow.session.get(spec.model, object_id)
        if obj is None:
            raise Problem(
                404,
                f"{spec.kind}.not_found",
                f"No {spec.kind.replace('_', ' ')} {object_id}",
                zh=f"找不到该{_KIND_WORDS.get(spec.kind, '记录')}",
            )
        await spec.check(uow, who.principal, obj.community_id, getattr(obj, "building_id", None))
        return obj

    async def update(
        self, who: Caller, spec: RecordKind, object_id: uuid.UUID, changes: dict[str, Any]
    ) -> Any:
        """A correction: only the body's fields, never the fixed ones."""
        unknown = sorted(set(changes) - set(spec.body.model_fields))
        locked = sorted(set(changes) & set(spec.fixed))
        if unknown or locked:
            raise Problem(
                422,
                f"{spec.kind}.field_not_editable",
                f"Cannot change: {', '.join(unknown + locked)}",
                zh=f"以下内容不能修改：{'、'.join(unknown + locked)}",
            )
        async with self.db.uow() as uow:
            obj = await self._load(uow, who, spec, object_id)
            try:
                merged = spec.body.model_validate({**spec.current(obj), **changes})
            except ValidationError as exc:
                raise invalid_fields(exc) from exc
            values = spec.stored(merged.model_dump())
            await spec.check(uow, who.principal, values["community_id"], values.get("building_id"))
            for name in changes:
                if name in values:
                    setattr(obj, name, values[name])
            if hasattr(obj, "updated_at"):
                obj.updated_at = datetime.now(UTC)
            await uow.session.flush()
            await uow.audit(
                who,
                f"{spec.kind}.update",
                spec.kind,
                str(obj.id),
                community_id=obj.community_id,
                detail={"fields": ",".join(sorted(changes))},
            )
            await uow.commit()
        return obj

    async def delete(self, who: Caller, spec: RecordKind, object_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            obj = await self._load(uow, who, spec, object_id)
            if spec.before_delete is not None:
                await spec.before_delete(uow, obj)
            await uow.session.delete(obj)
            await uow.audit(
                who, f"{spec.kind}.delete", spec.kind, str(obj.id), community_id=obj.community_id
            )
            await uow.commit()
