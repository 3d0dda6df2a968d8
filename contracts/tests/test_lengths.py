"""Must show: every string a contract carries states its maximum length (issue 18 item 3).

A schema-valid event must never be dead-lettered by a column narrower than the contract:
the contract states the limit its consumers' stores enforce (``max_length``), and each
service's longest-event test (``sc_contracts.longest``, ``feed_longest``) sends values at
that limit through every consumer. This test walks every registered model, the models
nested in it included, and fails on a ``str`` field with neither ``max_length`` nor a
``pattern`` (a pattern fixes the length: dates, codes).

``NOT_YET`` listed the fields that were unbounded when the test came (2026-12-04, 135 of
them); it is empty now and only ever shrinks: a new unbounded field is never added to it.
``UNBOUNDED`` is for a field that truly has no limit: the audit record's free texts,
which the audit store keeps as text on purpose.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from sc_contracts import registry

# The audit record's free texts: audit's store keeps them as text on purpose (a record that
# matches the contract is never refused, audit/db/models.py), and some come from the
# request as the client sent it (x-request-id, the source address): a limit here would
# make the audited action fail, or its record be dead-lettered, for a long header.
UNBOUNDED: frozenset[str] = frozenset(
    f"AuditRecordedV1.{name}"
    for name in (
        "actor_id",
        "community_id",
        "request_id",
        "resource_id",
        "resource_type",
        "service",
        "source_ip",
        "trace_id",
    )
)

NOT_YET: frozenset[str] = frozenset()


def _is_str(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_str(arg) for arg in typing.get_args(annotation))
    return annotation is str


def _nested(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found.extend(_nested(arg))
    return found


def _bounded(info: FieldInfo) -> bool:
    return any(
        getattr(meta, "max_length", None) is not None or getattr(meta, "pattern", None)
        for meta in info.metadata
    )


def unbounded_fields(roots: list[type[BaseModel]] | None = None) -> set[str]:
    """``Model.field`` of every str field without a stated length in ``roots`` (every
    registered model by default), nested models included."""
    out: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            for inner in _nested(info.annotation):
                walk(inner)
            if _is_str(info.annotation) and not _bounded(info):
                out.add(f"{model.__name__}.{name}")

    for model in roots if roots is not None else [s.model for s in registry().values()]:
        walk(model)
    return out


def test_every_contract_string_states_its_length() -> None:
    found = unbounded_fields()
    new = found - NOT_YET - UNBOUNDED
    assert not new, f"state a max_length (the consumers' column width) for: {sorted(new)}"
    bounded_now = NOT_YET - found
    assert not bounded_now, f"bounded now, remove from NOT_YET: {sorted(bounded_now)}"


def test_the_walk_finds_an_unbounded_string() -> None:
    """The walk can fail: a model with an unbounded field, nested, is found."""

    class Inner(BaseModel):
        free: str

    class Outer(BaseModel):
        inner: Inner | None = None

    class Bounded(BaseModel):
        code: str = Field(pattern=r"^[a-z]+$")
        name: str = Field(max_length=10)

    assert unbounded_fields([Outer, Bounded]) == {"Inner.free"}
