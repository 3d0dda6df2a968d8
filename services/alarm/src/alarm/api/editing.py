"""PATCH and DELETE routes for the objects that are plain records (emergency plans, risk
points, drills, shelters, supplies, key places, special persons, incidents, notification
plans), one way for all of them: each route checks the writer's role and hands the
correction or removal to :class:`~alarm.usecases.records.Records` (the place checks, the
merge and validation, the audit and the commit are the use case's).

A correction's body is typed (issue 30): each field the record's model has, but those that
cannot change, optional and with the model's bounds, so its OpenAPI document states them
and a value beyond one is the schema's 422. Only the fields sent change; a field that may
be empty (``X | None``) may be sent as ``null`` to empty it, the others may not. A field
the model does not have, or one that cannot change, is refused by the use case as
``<kind>.field_not_editable`` naming it (the document says no other field is taken)."""

import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from alarm.api.deps import RecordsDep
from alarm.usecases.records import PlaceCheck, RecordKind
from sc_core.auth import Caller, Principal, callers
from sc_core.db.uow import UnitOfWork


def correction_model(body: type[BaseModel], kind: str, fixed: Collection[str]) -> type[BaseModel]:
    """The body of a ``PATCH`` of ``kind``: ``body``'s fields but ``fixed``, each optional
    with its type and bounds. Left out, a field is unchanged (its default is never
    validated, nor used); ``null`` is a value like any other, taken only by a field whose
    type takes it (one that may be empty). Fields it does not have are kept aside
    (``model_extra``) for the use case to refuse by name; its schema takes none
    (``additionalProperties: false``)."""
    fields: dict[str, Any] = {}
    for name, info in body.model_fields.items():
        if name in fixed:
            continue
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[name] = (annotation, Field(default=None, description=info.description))
    title = "".join(word.capitalize() for word in kind.split("_")) + "Patch"
    model: type[BaseModel] = create_model(
        title,
        __config__=ConfigDict(extra="allow", json_schema_extra={"additionalProperties": False}),
        __doc__=f"A correction ({kind.replace('_', ' ')}): only the fields sent change.",
        **fields,
    )
    return model


def changes_of(body: BaseModel) -> dict[str, Any]:
    """The fields a correction sent (those its model does not have included, for the use
    case to refuse by name)."""
    sent = {name: getattr(body, name) for name in body.model_fields_set}
    return {**sent, **(body.model_extra or {})}


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
    Correction = correction_model(body, kind, fixed)

    async def patch(
        object_id: ObjectId,
        changes: Annotated[Correction, Body()],  # type: ignore[valid-type]
        who: Annotated[Caller, writer],
        records: RecordsDep,
    ) -> Any:
        obj = await records.update(who, spec, object_id, changes_of(changes))
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
