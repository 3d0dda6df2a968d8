"""PATCH and DELETE routes for the objects that are plain records (emergency plans, risk
points, drills, shelters, supplies, key places, special persons, incidents, notification
plans), one way for all of them: each route checks the writer's role and hands the
correction or removal to :class:`~alarm.usecases.records.Records` (the place checks, the
merge and validation, the audit and the commit are the use case's)."""

import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Response

from alarm.api.deps import RecordsDep
from alarm.usecases.records import PlaceCheck, RecordKind
from sc_core.auth import Caller, Principal, callers
from sc_core.db.uow import UnitOfWork


def editable(
    router: APIRouter,
    path: str,
    *,
    model: Any,
    body: type[Any],
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
    writer = Depends(callers(*sorted(writers)))
    spec = RecordKind(
        model=model,
        body=body,
        kind=kind,
        check=check,
        fixed=tuple(fixed),
        from_db=from_db,
        to_db=to_db,
        before_delete=before_delete,
    )
    code = kind.replace("_", "")
    # the path parameter is named like the object's other routes (``/incidents/{incident_id}``):
    # two templates differing only in a parameter name are one path to OpenAPI tools
    id_name = kind.rsplit("_", 1)[-1] + "_id"
    ObjectId = Annotated[uuid.UUID, Path(alias=id_name)]

    async def patch(
        object_id: ObjectId,
        changes: Annotated[dict[str, Any], Body()],
        who: Annotated[Caller, writer],
        records: RecordsDep,
    ) -> Any:
        obj = await records.update(who, spec, object_id, changes)
        return read(obj, who.principal)

    async def delete(
        object_id: ObjectId, who: Annotated[Caller, writer], records: RecordsDep
    ) -> Response:
        await records.delete(who, spec, object_id)
        return Response(status_code=204)

    patch.__name__ = f"update_{code}"
    delete.__name__ = f"delete_{code}"
    router.add_api_route(
        f"{path}/{{{id_name}}}", patch, methods=["PATCH"], response_model=response_model
    )
    if with_delete:
        router.add_api_route(f"{path}/{{{id_name}}}", delete, methods=["DELETE"], status_code=204)
