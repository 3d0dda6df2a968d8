"""The persons list as statements kept per shape of caller and filter (ADR 0074).

property_manager's page of persons cost identity ~9 ms of CPU at 100 requests/s, most of
a core: the list is read on four statements (the page, its count, the current residencies
and the roles covering each person), and each was built again on every call (the scope's
OR of IN lists, one EXISTS per role) and its SQLAlchemy cache key computed again. Even a
page of one person cost 5.5 ms. Here each statement is built once per *shape* (platform-wide
or which kinds of grant, which filters) with the caller's ids as bound lists, as work-
orders' case list does (ADR 0064); ``fetch_page(bind=...)`` derives the page and count of a
kept query once too. Same rows, same order as building them per call (identity's tests).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, exists, select

from identity.db.register import Person, Residency
from identity.scope import Scope, ScopeShape, kept_clause
from sc_core.paging import like_prefix, starts_with

LIVES: dict[str, Any] = {
    "community": Residency.community_id,
    "building": Residency.building_id,
    "unit": Residency.unit_id,
    "household": Residency.household_id,
}


@dataclass(frozen=True)
class ListShape:
    scope: ScopeShape
    household: bool = False
    room: bool = False
    current: bool = True
    id_number: bool = False
    phone: bool = False
    name: bool = False


@dataclass(frozen=True)
class Wanted:
    """A list's filters as stored values (blind indexes, not the ID number or phone)."""

    household_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    current: bool = True
    id_number_idx: str | None = None
    phone_idx: str | None = None
    name: str | None = None


def shape_and_values(scope: Scope, wanted: Wanted) -> tuple[ListShape, dict[str, Any]]:
    scope_shape, values = scope.shape("s", LIVES)
    bound: dict[str, Any] = dict(values)
    if wanted.household_id is not None:
        bound["household_id"] = wanted.household_id
    if wanted.room_id is not None:
        bound["room_id"] = wanted.room_id
    if wanted.id_number_idx is not None:
        bound["id_number_idx"] = wanted.id_number_idx
    if wanted.phone_idx is not None:
        bound["phone_idx"] = wanted.phone_idx
    if wanted.name:
        bound["name_prefix"] = like_prefix(wanted.name)
    shape = ListShape(
        scope_shape,
        household=wanted.household_id is not None,
        room=wanted.room_id is not None,
        current=wanted.current,
        id_number=wanted.id_number_idx is not None,
        phone=wanted.phone_idx is not None,
        name=bool(wanted.name),
    )
    return shape, bound


@functools.lru_cache(maxsize=256)
def page_statement(shape: ListShape) -> Select[Any]:
    """The persons of one shape, oldest registration first (kept)."""
    lives: list[Any] = [Residency.person_id == Person.id, kept_clause(shape.scope, "s", LIVES)]
    if shape.household:
        lives.append(Residency.household_id == bindparam("household_id"))
    if shape.room:
        lives.append(Residency.room_id == bindparam("room_id"))
    if shape.current:
        lives.append(Residency.moved_out_on.is_(None))
    query = select(Person).where(exists().where(*lives))
    if shape.id_number:
        query = query.where(Person.id_number_idx == bindparam("id_number_idx"))
    if shape.phone:
        query = query.where(Person.phone_idx == bindparam("phone_idx"))
    if shape.name:
        query = query.where(starts_with(Person.name, "name_prefix"))
    return query.order_by(Person.created_at, Person.id)


CoveringShape = tuple[tuple[str, ScopeShape], ...]


@functools.lru_cache(maxsize=256)
def covering_statement(shape: CoveringShape) -> Select[Any]:
    """For each person of ``person_ids``: per role of the shape, whether one of the
    person's residencies (current or past) is in that role's places (kept)."""
    covered = [
        exists()
        .where(Residency.person_id == Person.id, kept_clause(role_shape, f"r{i}", LIVES))
        .label(f"r{i}")
        for i, (_, role_shape) in enumerate(shape)
    ]
    return select(Person.id, *covered).where(Person.id.in_(bindparam("person_ids", expanding=True)))


def covering_shape(scope: Scope) -> tuple[CoveringShape, dict[str, Any]]:
    parts: list[tuple[str, ScopeShape]] = []
    values: dict[str, Any] = {}
    for i, role in enumerate(sorted(scope.principal.roles)):
        role_shape, role_values = scope.shape(f"r{i}", LIVES, roles=[role])
        parts.append((role, role_shape))
        values |= role_values
    return tuple(parts), values
