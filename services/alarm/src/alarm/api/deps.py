"""Who may do what in the alarm service, and the parts routes share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from alarm.config import Settings
from alarm.db.models import DIRECTORY
from alarm.domain.departments import OFFICER_ROLES
from alarm.engine.evaluator import Evaluator
from alarm.engine.index import RuleIndex
from sc_core.auth import Principal, ensure_in_scope, require_roles
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden

HOUSEHOLD_ROLES = frozenset({"resident", "tenant", "family"})
# Staff who see and handle alarms in their places
STAFF = frozenset(
    {
        "platform_admin",
        "community_admin",
        "property_manager",
        "property_staff",
        "grid_worker",
        "police",
        "gov_officer",
    }
)
ALARM_READERS = STAFF | HOUSEHOLD_ROLES
RULE_WRITERS = frozenset({"platform_admin", "community_admin", "property_manager"})
PLAN_WRITERS = RULE_WRITERS
# The safety registers (special populations, incidents, key places): never residents
REGISTER_READERS = frozenset({"community_admin", "grid_worker", "police", "property_manager"})
REGISTER_WRITERS = frozenset({"community_admin", "grid_worker"})
EMERGENCY_WRITERS = frozenset({"platform_admin", "community_admin", "property_manager"})
# who keeps a community's roster of department officers, and who may answer a dispatch
ROSTER_WRITERS = frozenset({"platform_admin", "community_admin"})
DISPATCH_ANSWERERS = REGISTER_READERS | OFFICER_ROLES


@dataclass(frozen=True)
class Parts:
    """What the routes, consumers and jobs share, built once and complete in the
    composition (:func:`alarm.main.build`)."""

    settings: Settings
    index: RuleIndex
    evaluator: Evaluator


async def get_parts(request: Request) -> Parts:
    parts: Parts = request.app.state.parts
    return parts


PartsDep = Annotated[Parts, Depends(get_parts)]


def roles(*names: str) -> Any:
    return Depends(require_roles(*sorted(names)))


Staff = Annotated[Principal, roles(*STAFF)]
AlarmReader = Annotated[Principal, roles(*ALARM_READERS)]
RuleWriter = Annotated[Principal, roles(*RULE_WRITERS)]
PlanWriter = Annotated[Principal, roles(*PLAN_WRITERS)]
RegisterReader = Annotated[Principal, roles(*REGISTER_READERS)]
RegisterWriter = Annotated[Principal, roles(*REGISTER_WRITERS)]
EmergencyWriter = Annotated[Principal, roles(*EMERGENCY_WRITERS)]
RosterWriter = Annotated[Principal, roles(*ROSTER_WRITERS)]
DispatchAnswerer = Annotated[Principal, roles(*DISPATCH_ANSWERERS)]


def ensure_place(
    principal: Principal,
    community_id: str | None,
    building_id: str | None = None,
    *,
    allowed: frozenset[str],
    unit_id: str | None = None,
    household_id: str | None = None,
    grid_id: str | None = None,
) -> None:
    """403 unless the caller holds one of ``allowed`` on this place. A platform-wide rule
    (no community) is the platform admin's alone."""
    if community_id is None:
        if not principal.is_platform_admin:
            raise Forbidden("alarm.platform_only", "Only a platform admin acts platform-wide")
        return
    ensure_in_scope(
        principal,
        community_id=community_id,
        building_id=building_id,
        unit_id=unit_id,
        household_id=household_id,
        grid_id=grid_id,
        roles=allowed,
    )


async def ensure_place_in_grid(
    uow: UnitOfWork,
    principal: Principal,
    community_id: str,
    building_id: str | None,
    *,
    allowed: frozenset[str],
) -> None:
    """:func:`ensure_place`, where a grant on the building's grid (网格员) also counts:
    the grid comes from identity's placements (``building_grids``)."""
    grid_id = await grid_for(uow, principal, building_id, allowed)
    ensure_place(principal, community_id, building_id, allowed=allowed, grid_id=grid_id)


async def grid_for(
    uow: UnitOfWork, principal: Principal, building_id: str | None, roles: frozenset[str]
) -> str | None:
    """The grid of a building (identity's placements), looked up only for a caller who
    holds grid grants in one of ``roles`` (nobody else needs it)."""
    return await DIRECTORY.grid_for(uow, principal, building_id, roles)


def grid_scope(principal: Principal, building_col: Any, roles: frozenset[str]) -> Any:
    """Rows in the buildings of the caller's grids (false when they hold no grid grant);
    OR it with :func:`~sc_core.auth.scope_clause`."""
    return DIRECTORY.in_grids(principal, building_col, roles)
