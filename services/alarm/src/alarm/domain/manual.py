"""Manual alarms (pure): what a caller may ask for, and whether the place fields given
agree with the place they name.

A resident's alarm (SOS, 一键求助) is placed at the resident's own household: its
community, building, unit and room are the household's as identity placed it (the place
directory), and any of them the caller sends must agree. Residents ask for what a
resident may: a notice and an ordinary case (报修, 隐患上报 ...), never a broadcast or a
case type only staff open (部门联动任务 department_task, 12345 hotline ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sc_core.errors import Forbidden, Problem

# What a household member (resident, tenant, family) may ask a manual alarm to do.
RESIDENT_ACTIONS = frozenset({"notify", "open_work_order"})
# The case types residents may open (work-orders' catalogue: creator_roles with resident).
# None: the alarm's own default (告警派单 alarm_dispatch, opened by the system).
RESIDENT_CASE_TYPES = frozenset(
    {"repair", "complaint", "hazard_report", "mediation", "maintenance_booking", "suggestion"}
)
# How a refusal names an alarm's action to a person (never its key).
_ACTION_WORDS = {"open_work_order": "派发工单", "notify": "发送通知", "broadcast": "广播"}
PLACE_FIELDS = ("community_id", "building_id", "unit_id", "room_id")


@dataclass(frozen=True)
class Place:
    community_id: str
    building_id: str | None = None
    unit_id: str | None = None
    room_id: str | None = None
    household_id: str | None = None


def check_resident_request(actions: Iterable[str], work_order_type: str | None) -> None:
    """403 when a household member asks for an action or a case type beyond a resident's."""
    beyond = sorted(set(actions) - RESIDENT_ACTIONS)
    if beyond:
        raise Forbidden(
            "alarm.action_not_allowed",
            f"Residents may not ask an alarm to {', '.join(beyond)}",
            zh=f"居民求助不能要求{'、'.join(_ACTION_WORDS.get(a, '其他处理') for a in beyond)}",
            actions=beyond,
        )
    if work_order_type is not None and work_order_type not in RESIDENT_CASE_TYPES:
        raise Forbidden(
            "alarm.work_order_type_not_allowed",
            f"Residents may not open a case of type {work_order_type}",
            zh="居民不能发起这类工单",
        )


def disagreeing(given: Mapping[str, str | None], known: Mapping[str, str | None]) -> list[str]:
    """The place fields the caller gave that differ from the known place."""
    return [
        name
        for name in PLACE_FIELDS
        if given.get(name) is not None
        and known.get(name) is not None
        and given[name] != known[name]
    ]


def place_mismatch(fields: list[str]) -> Problem:
    return Problem(
        422,
        "alarm.place_mismatch",
        "The place fields do not name one place: "
        + ", ".join(fields)
        + " disagree with the household or room given",
        fields=fields,
    )


def resident_place(given: Place, known: Mapping[str, str | None] | None) -> Place:
    """Where a household member's alarm goes: the household's own place when the directory
    knows it (every field given must agree). When it does not yet (identity's placement
    not projected here), the household alone: an SOS is never refused for that, and a
    building or room nobody verified is not believed (it could be anyone's flat)."""
    if known is None:
        return Place(given.community_id, household_id=given.household_id)
    wrong = disagreeing(_fields(given), known)
    if wrong:
        raise place_mismatch(wrong)
    return Place(
        str(known["community_id"]),
        known.get("building_id"),
        known.get("unit_id"),
        known.get("room_id"),
        given.household_id,
    )


def _fields(place: Place) -> dict[str, str | None]:
    return {name: getattr(place, name) for name in PLACE_FIELDS}
