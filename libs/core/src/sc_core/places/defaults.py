"""Place fields a caller need not send: the community (and a grid worker's grid) follow from
the caller's grants when exactly one applies (issue 19 item 2).

An app knows who signed in, not the ids of the places behind the grants: a resident's
household lies in one community, a property officer works for one, a grid worker (网格员)
for one grid of one community. ``default_community`` answers the id the request named, or
the one community the caller's grants (of ``roles``) lead to; with none or several it
refuses with 422 naming the field (``place.required`` / ``place.ambiguous``), never a
bare "not allowed at this place". The text a person reads names the choices as people
say them (``幸福里社区``), never by id: the ids stay machine-readable in the problem's
``choices`` member (and ``choice_names`` pairs them with their names). ``default_grid`` fills a grid
worker's grid from the building (or from the one grid they hold).

Scope is still checked where it was: a default only fills what the caller left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select

from sc_core.auth import Principal
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.places.words import PlaceName, say_both

if TYPE_CHECKING:
    from sc_core.places.directory import Places


async def communities_of(
    places: Places, uow: UnitOfWork, principal: Principal, roles: Iterable[str] | None = None
) -> frozenset[str]:
    """Every community the caller's grants of ``roles`` lie in: community grants, the
    communities of their grids' buildings, the communities their households live in."""
    wanted = None if roles is None else frozenset(roles)
    found = set(principal.scope_ids("community", wanted))
    grids = principal.scope_ids("grid", wanted)
    if grids:
        g = places.tables.building_grids
        rows = await uow.session.scalars(
            select(g.c.community_id).where(g.c.grid_id.in_(sorted(grids))).distinct()
        )
        found.update(rows)
    households = principal.scope_ids("household", wanted)
    if households:
        h = places.tables.households
        rows = await uow.session.scalars(
            select(h.c.community_id)
            .where(h.c.household_id.in_(sorted(households)), h.c.status == "active")
            .distinct()
        )
        found.update(rows)
    return frozenset(str(c) for c in found)


async def default_community(
    places: Places,
    uow: UnitOfWork,
    principal: Principal,
    community_id: str | None,
    *,
    roles: Iterable[str] | None = None,
    field: str = "community_id",
) -> str:
    """``community_id`` when given, else the one community the caller's grants lead to;
    422 ``place.required`` (none: a platform-wide caller, or no grant) or
    ``place.ambiguous`` (several, listed in ``choices``) naming ``field``."""
    if community_id:
        return community_id
    if principal.is_platform_wide(None if roles is None else frozenset(roles)):
        choices: frozenset[str] = frozenset()
    else:
        choices = await communities_of(places, uow, principal, roles)
    if len(choices) == 1:
        return next(iter(choices))
    raise missing_place(field, sorted(choices), await community_names(places, uow, choices))


def community_of_grants(
    principal: Principal,
    community_id: str | None,
    *,
    roles: Iterable[str] | None = None,
    field: str = "community_id",
) -> str:
    """:func:`default_community` for a service that keeps no place directory: the named
    community, or the one the caller's community grants of ``roles`` name. Grids and
    households need the directory to say which community they lie in, so a caller who
    also holds finer grants of ``roles`` names the community (422 ``place.required``), as
    does a platform-wide caller; several communities: 422 ``place.ambiguous`` (counted,
    the directory's names being unknown here)."""
    if community_id:
        return community_id
    wanted = None if roles is None else frozenset(roles)
    if principal.is_platform_wide(wanted):
        raise missing_place(field, [])
    choices = sorted(principal.scope_ids("community", wanted))
    finer = any(
        g.scope_type not in ("community", "platform") and (wanted is None or g.role in wanted)
        for g in principal.grants
    )
    if len(choices) == 1 and not finer:
        return choices[0]
    raise missing_place(field, choices if len(choices) > 1 else [])


async def community_names(
    places: Places, uow: UnitOfWork, community_ids: Iterable[str]
) -> dict[str, PlaceName]:
    """The names the directory knows of these communities (``names=True``); {} without."""
    if "community_name" not in places.tables.households.c:
        return {}
    found: dict[str, PlaceName] = {}
    for community_id in sorted(set(community_ids)):
        name = await places.name_of(uow, community_id=community_id)
        if name is not None and name.community:
            found[community_id] = name
    return found


async def default_grid(
    places: Places,
    uow: UnitOfWork,
    principal: Principal,
    *,
    grid_id: str | None,
    building_id: str | None,
    roles: Iterable[str],
) -> str | None:
    """``grid_id`` when given; for a caller with grid grants of ``roles``, the grid of
    ``building_id`` (from the directory) or, without a building, the one grid they hold.
    None for everyone else (their scope does not go through a grid)."""
    if grid_id:
        return grid_id
    grids = principal.scope_ids("grid", frozenset(roles))
    if not grids:
        return None
    if building_id:
        return await places.grid_of(uow, building_id)
    return next(iter(grids)) if len(grids) == 1 else None


def missing_place(
    field: str, choices: list[str], names: Mapping[str, PlaceName] | None = None
) -> Problem:
    """The refusal when a place the request needs is not named and cannot be inferred.

    The texts name the ``choices`` by the ``names`` given (as :func:`say` says them) and
    count the others: a person reads places, never ids. The ids are the ``choices``
    member; ``choice_names`` gives each named choice's id with its zh-CN and en name."""
    if choices:
        named = [(c, say_both(names[c])) for c in choices if names and c in names]
        others = len(choices) - len(named)
        zh_list = "、".join(zh for _, (zh, _en) in named)
        en_list = ", ".join(en for _, (_zh, en) in named)
        if not named:
            zh_tail, en_tail = f"（共 {others} 处）", f" ({others} of them)"
        elif others:
            zh_tail = f"：{zh_list}，及另外 {others} 处"
            en_tail = f": {en_list}, and {others} more"
        else:
            zh_tail, en_tail = f"：{zh_list}", f": {en_list}"
        return Problem(
            422,
            "place.ambiguous",
            f"You act in several places: name one in {field}{en_tail}",
            zh=f"您可在多个地点办理，请在 {field} 中指明其一{zh_tail}",
            field=field,
            choices=choices,
            choice_names=[{"id": c, "zh-CN": zh, "en": en} for c, (zh, en) in named],
            errors=[{"field": field, "message": "name one of the choices", "type": "ambiguous"}],
        )
    return Problem(
        422,
        "place.required",
        f"Name the place in {field}: it does not follow from your account",
        zh=f"请在 {field} 中指明地点：无法从您的账号推断",
        field=field,
        choices=[],
        errors=[{"field": field, "message": "required", "type": "missing"}],
    )
