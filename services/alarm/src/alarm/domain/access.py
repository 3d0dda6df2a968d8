"""Who may do what in the alarm service: the role sets (pure), and the place check of a
writer (a platform-wide record is the platform admin's alone)."""

from __future__ import annotations

from alarm.domain.departments import OFFICER_ROLES
from sc_core.auth import Principal, ensure_in_scope
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
            raise Forbidden(
                "alarm.platform_only",
                "Only a platform admin acts platform-wide",
                zh="只有平台管理员可以进行全平台范围的操作",
            )
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
