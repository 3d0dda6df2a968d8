"""The manual-alarm use case: a person raises an alarm by hand. The place is checked as a
whole against the place directory (identity's placements) before any scope check, so a
household id of one's own cannot carry another flat's building and room."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alarm.api.schemas import ManualAlarm
from alarm.config import Settings
from alarm.db.models import DIRECTORY
from alarm.domain import manual as policy
from alarm.domain.access import HOUSEHOLD_ROLES
from alarm.domain.manual import Place
from alarm.engine import alarms as lifecycle
from alarm.engine.followups import after_raised
from sc_core.auth import Principal, in_scope
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden
from sc_core.places import HouseholdPlace


def _place_of(found: HouseholdPlace) -> dict[str, str | None]:
    return {
        "community_id": found.community_id,
        "building_id": found.building_id,
        "unit_id": found.unit_id,
        "room_id": found.room_id,
    }


async def known_place(uow: UnitOfWork, given: Place) -> dict[str, str | None] | None:
    """The place the directory knows for the household given, or else for the room given
    (the household living in it, in the same community)."""
    if given.household_id:
        known = await DIRECTORY.household(uow, given.household_id)
        return _place_of(known) if known is not None else None
    if given.room_id:
        for household in sorted(await DIRECTORY.households_in_room(uow, given.room_id)):
            found = await DIRECTORY.household(uow, household)
            if found is not None and found.community_id == given.community_id:
                return {**_place_of(found), "room_id": given.room_id}
    return None


async def place_for(
    uow: UnitOfWork, principal: Principal, body: ManualAlarm, staff_roles: frozenset[str]
) -> tuple[Place, bool]:
    """(where the alarm goes, whether the caller raises it as staff); a Problem when the
    fields disagree, the place is out of the caller's scope, or a resident asks for more
    than a resident may."""
    given = Place(body.community_id, body.building_id, body.unit_id, body.room_id,
                  body.household_id)  # fmt: skip
    known = await known_place(uow, given)
    wrong = policy.disagreeing(vars(given), known or {})
    if wrong:
        raise policy.place_mismatch(wrong)
    fill = known or {}
    place = Place(
        given.community_id,
        given.building_id or fill.get("building_id"),
        given.unit_id or fill.get("unit_id"),
        given.room_id or fill.get("room_id"),
        given.household_id,
    )
    grid = await DIRECTORY.grid_for(uow, principal, place.building_id, staff_roles)
    staff = in_scope(
        principal,
        community_id=place.community_id,
        grid_id=grid,
        building_id=place.building_id,
        unit_id=place.unit_id,
        roles=staff_roles,
    )
    if staff:
        return place, True
    if given.household_id is None:
        raise Forbidden(
            "alarm.household_required",
            "Residents raise alarms for a household",
            zh="居民求助须选择自己的住户",
        )
    if not in_scope(
        principal,
        community_id=given.community_id,
        household_id=given.household_id,
        roles=HOUSEHOLD_ROLES,
    ):
        raise Forbidden("auth.out_of_scope", "This household is not yours", zh="这不是您的住户")
    policy.check_resident_request(body.actions, body.work_order_type)
    return policy.resident_place(given, known), False


async def raise_manual(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    body: ManualAlarm,
    staff_roles: frozenset[str],
) -> tuple[Any, str]:
    """Staff raise for a place in their scope; a household member for their own household
    (placed at its room). One active alarm per household or place and type. The alarm
    (new, or the active one counted again) and the community of the place; the caller
    audits and commits."""
    place, _staff = await place_for(uow, principal, body, staff_roles)
    if place.household_id:
        originator_type, originator_id = "household", place.household_id
    else:
        originator_type = "place"
        originator_id = place.room_id or place.unit_id or place.building_id or place.community_id
    cause = lifecycle.Cause(
        alarm_type=body.alarm_type,
        severity=body.severity,
        originator_type=originator_type,
        originator_id=originator_id,
        community_id=place.community_id,
        building_id=place.building_id,
        unit_id=place.unit_id,
        room_id=place.room_id,
        household_id=place.household_id,
        at=datetime.now(UTC),
        title=body.title,
        source="manual",
        description=body.description,
        actions=list(dict.fromkeys(body.actions)),
        work_order_type=body.work_order_type,
        created_by=principal.subject,
        details={"reported_by": principal.subject},
    )
    raised = await lifecycle.raise_alarm(uow, cause)
    if raised.created:
        await after_raised(uow, raised.alarm, settings)
    return raised.alarm, place.community_id
