"""PATCH and DELETE for the objects that are plain records (emergency plans, risk points,
drills, shelters, supplies, key places, special persons, notification plans), one way
for all of them: the caller must be allowed on the object's place (and on the new place
when the patch moves it), a patch is merged over the current values and validated as a
whole by the same model as a create, and both are audited."""

import uuid
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from pydantic import BaseModel, ValidationError

from sc_core.api import AuditorDep, UnitOfWorkDep
from sc_core.auth import Principal, require_roles
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

PlaceCheck = Callable[[UnitOfWork, Principal, str, str | None], Awaitable[None]]


def _current(obj: Any, body: type[BaseModel]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in body.model_fields}


def editable(
    router: APIRouter,
    path: str,
    *,
    model: Any,
    body: type[BaseModel],
    read: Callable[[Any, Principal], Any],
    response_model: Any,
    kind: str,
    writers: Collection[str],
    check: PlaceCheck,
    fixed: Collection[str] = (),
    from_db: Callable[[Any], dict[str, Any]] | None = None,
    to_db: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    before_delete: Callable[[UnitOfWork, Any], Awaitable[None]] | None = None,
    with_delete: bool = True,
) -> None:
    """Add ``PATCH`` and ``DELETE {path}/{id}`` for ``model`` (created from ``body``).
    Fields in ``fixed`` cannot be patched (e.g. a supply's stock moves only by
    movements)."""
    # no ``from __future__ import annotations`` here: FastAPI reads these closures'
    # annotations as objects (they name ``writer``, a local)
    writer = Depends(require_roles(*sorted(writers)))
    from_db = from_db or (lambda obj: _current(obj, body))
    to_db = to_db or (lambda values: values)
    code = kind.replace("_", "")
    # the path parameter is named like the object's other routes (``/incidents/{incident_id}``):
    # two templates differing only in a parameter name are one path to OpenAPI tools
    id_name = kind.rsplit("_", 1)[-1] + "_id"
    ObjectId = Annotated[uuid.UUID, Path(alias=id_name)]

    async def load(uow: UnitOfWork, principal: Principal, object_id: uuid.UUID) -> Any:
        obj = await uow.session.get(model, object_id)
        if obj is None:
            raise Problem(404, f"{kind}.not_found", f"No {kind.replace('_', ' ')} {object_id}")
        await check(uow, principal, obj.community_id, getattr(obj, "building_id", None))
        return obj

    async def patch(
        object_id: ObjectId,
        changes: Annotated[dict[str, Any], Body()],
        principal: Annotated[Principal, writer],
        uow: UnitOfWorkDep,
        auditor: AuditorDep,
        request: Request,
    ) -> Any:
        unknown = sorted(set(changes) - set(body.model_fields))
        locked = sorted(set(changes) & set(fixed))
        if unknown or locked:
            raise Problem(
                422, f"{kind}.field_not_editable", f"Cannot change: {', '.join(unknown + locked)}"
            )
        obj = await load(uow, principal, object_id)
        try:
            merged = body.model_validate({**from_db(obj), **changes})
        except ValidationError as exc:
            raise Problem(422, "validation.failed", str(exc.errors()[:3])) from exc
        values = to_db(merged.model_dump())
        await check(uow, principal, values["community_id"], values.get("building_id"))
        for name in changes:
            if name in values:
                setattr(obj, name, values[name])
        if hasattr(obj, "updated_at"):
            obj.updated_at = datetime.now(UTC)
        await uow.session.flush()
        await auditor.within(
            uow,
            action=f"{kind}.update",
            resource_type=kind,
            resource_id=str(obj.id),
            principal=principal,
            request=request,
            community_id=obj.community_id,
            detail={"fields": ",".join(sorted(changes))},
        )
        await uow.commit()
        return read(obj, principal)

    async def delete(
        object_id: ObjectId,
        principal: Annotated[Principal, writer],
        uow: UnitOfWorkDep,
        auditor: AuditorDep,
        request: Request,
    ) -> Response:
        obj = await load(uow, principal, object_id)
        if before_delete is not None:
            await before_delete(uow, obj)
        await uow.session.delete(obj)
        await auditor.within(
            uow,
            action=f"{kind}.delete",
            resource_type=kind,
            resource_id=str(obj.id),
            principal=principal,
            request=request,
            community_id=obj.community_id,
        )
        await uow.commit()
        return Response(status_code=204)

    patch.__name__ = f"update_{code}"
    delete.__name__ = f"delete_{code}"
    router.add_api_route(
        f"{path}/{{{id_name}}}", patch, methods=["PATCH"], response_model=response_model
    )
    if with_delete:
        router.add_api_route(f"{path}/{{{id_name}}}", delete, methods=["DELETE"], status_code=204)
