"""Limiting queries and objects to the places the caller holds grants on.

Rows carry ``community_id`` and the finer ids that apply (DESIGN: data and identity), so
each grant is one indexed ``IN``:

- a ``platform_admin`` or a ``platform`` grant sees every row;
- a community grant covers every row of that community (``community_col``);
- grid, building, unit and household grants cover rows whose column matches;
- a grant whose column the table does not have covers nothing there (a grid grant on a
  table without ``grid_id``: store the grid id on the row, or resolve grid -> buildings
  in the service and filter by building);
- no usable grant: a clause that matches nothing.

``roles`` restricts to the grants of those roles, so a user who is a resident somewhere
and staff elsewhere sees, on a staff endpoint, only the staff places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, or_, true

from sc_core.auth.principal import Principal, ScopeType
from sc_core.errors import Forbidden


def scope_clause(
    principal: Principal,
    *,
    community_col: Any = None,
    grid_col: Any = None,
    building_col: Any = None,
    unit_col: Any = None,
    household_col: Any = None,
    roles: Iterable[str] | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause limiting rows to the caller's grants (see the module doc)."""
    wanted = None if roles is None else frozenset(roles)
    if principal.is_platform_wide(wanted):
        return true()
    columns: list[tuple[ScopeType, Any]] = [
        ("community", community_col),
        ("grid", grid_col),
        ("building", building_col),
        ("unit", unit_col),
        ("household", household_col),
    ]
    parts: list[ColumnElement[bool]] = []
    for scope_type, column in columns:
        if column is None:
            continue
        values = typed_ids(column, principal.scope_ids(scope_type, wanted))
        if values:
            parts.append(column.in_(values))
    if not parts:
        return false()
    return or_(*parts)


PLACE_TYPES: tuple[ScopeType, ...] = ("community", "grid", "building", "unit", "household")


@dataclass(frozen=True)
class ScopeShape:
    """Which parts a caller's :func:`scope_clause` has, not their values. A statement built
    for a shape is kept, and each caller's ids are bound into it (:func:`kept_scope_clause`):
    building and keying a statement on every call was ~15 % of a served page (ADR 0064)."""

    platform_wide: bool = False
    types: tuple[ScopeType, ...] = ()

    @property
    def empty(self) -> bool:
        """The clause matches nothing (no usable grant)."""
        return not self.platform_wide and not self.types


def scope_shape(
    principal: Principal,
    prefix: str,
    columns: Mapping[ScopeType, Any],
    roles: Iterable[str] | None = None,
) -> tuple[ScopeShape, dict[str, list[Any]]]:
    """:func:`scope_clause`'s shape for ``columns`` (place type -> column) and its values,
    bound as ``{prefix}_{type}``; the clause is :func:`kept_scope_clause`'s."""
    wanted = None if roles is None else frozenset(roles)
    if principal.is_platform_wide(wanted):
        return ScopeShape(platform_wide=True), {}
    values: dict[str, list[Any]] = {}
    types: list[ScopeType] = []
    for scope_type in PLACE_TYPES:
        column = columns.get(scope_type)
        if column is None:
            continue
        ids = typed_ids(column, principal.scope_ids(scope_type, wanted))
        if ids:
            values[f"{prefix}_{scope_type}"] = ids
            types.append(scope_type)
    return ScopeShape(False, tuple(types)), values


def kept_scope_clause(
    shape: ScopeShape, prefix: str, columns: Mapping[ScopeType, Any]
) -> ColumnElement[bool]:
    """:func:`scope_clause` of one shape, its ids bound (expanding parameters named as
    :func:`scope_shape` names them): the same rows, one statement for every caller of
    the shape."""
    if shape.platform_wide:
        return true()
    parts = [columns[t].in_(bindparam(f"{prefix}_{t}", expanding=True)) for t in shape.types]
    return or_(*parts) if len(parts) > 1 else parts[0] if parts else false()


def typed_ids(column: Any, ids: Iterable[str]) -> list[Any]:
    """Grant ids (strings in the token) as the column's Python type (UUID, int ...).

    An id that cannot be that type cannot match a row and is left out.
    """
    try:
        python_type = column.type.python_type
    except (AttributeError, NotImplementedError):
        return sorted(ids)
    if python_type is str:
        return sorted(ids)
    values = []
    for raw in sorted(ids):
        try:
            values.append(python_type(raw))
        except (TypeError, ValueError):
            continue
    return values


def in_scope(
    principal: Principal,
    *,
    community_id: Any = None,
    grid_id: Any = None,
    building_id: Any = None,
    unit_id: Any = None,
    household_id: Any = None,
    roles: Iterable[str] | None = None,
) -> bool:
    """Whether an object at these places is within the caller's grants (same rules)."""
    wanted = None if roles is None else frozenset(roles)
    if principal.is_platform_wide(wanted):
        return True
    places: list[tuple[ScopeType, Any]] = [
        ("community", community_id),
        ("grid", grid_id),
        ("building", building_id),
        ("unit", unit_id),
        ("household", household_id),
    ]
    return any(
        place is not None and str(place) in principal.scope_ids(scope_type, wanted)
        for scope_type, place in places
    )


def ensure_in_scope(
    principal: Principal,
    *,
    community_id: Any = None,
    grid_id: Any = None,
    building_id: Any = None,
    unit_id: Any = None,
    household_id: Any = None,
    roles: Iterable[str] | None = None,
) -> None:
    """Raise 403 ``auth.out_of_scope`` unless :func:`in_scope` holds.

    Pass every id the object carries (its community and the finer ones).
    """
    if not in_scope(
        principal,
        community_id=community_id,
        grid_id=grid_id,
        building_id=building_id,
        unit_id=unit_id,
        household_id=household_id,
        roles=roles,
    ):
        raise Forbidden(
            "auth.out_of_scope",
            "The object is outside the places you may act on",
            zh="该对象不在您负责的范围内",
        )
