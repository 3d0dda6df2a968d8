"""Who may read energy figures (pure). A household's consumption tells whether the home is
occupied and when (personal data of that household): its own members read it, and the
staff who serve its place; nobody else, whatever else they may see in the community.
Figures of a unit, building or community are aggregates, read by anyone in that scope."""

from __future__ import annotations

from sc_core.auth import Principal, in_scope

HOUSEHOLD_MEMBERS = frozenset({"resident", "tenant", "family"})
# The staff who serve a place (物业, 社区, 网格员), and the platform's operators.
SERVING_STAFF = frozenset(
    {"platform_admin", "community_admin", "property_manager", "property_staff", "grid_worker"}
)


def may_read(principal: Principal, scope: str, place: dict[str, str | None]) -> bool:
    """Whether ``principal`` reads the figures of this ``scope`` at ``place`` (the ids of
    the place: community and the finer ones that apply)."""
    if scope != "household":
        return in_scope(principal, **place)
    member = in_scope(principal, household_id=place["household_id"], roles=HOUSEHOLD_MEMBERS)
    staff = in_scope(
        principal,
        community_id=place["community_id"],
        building_id=place.get("building_id"),
        unit_id=place.get("unit_id"),
        roles=SERVING_STAFF,
    )
    return member or staff
