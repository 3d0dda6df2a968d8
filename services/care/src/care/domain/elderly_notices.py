"""Notices of the elderly services (pure): each step of a mutual-aid request or a service
booking tells the other side, in the words of :mod:`care.domain.templates`, once per
request and step (the request id)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from care.domain.elderly import HELP_KIND_WORDS, HelpKind
from care.domain.messages import DEFAULT_TZ, local_time
from care.domain.notices import Notice

APP = ("inapp", "push")
HELPER_WORDS = ("一位邻居", "a neighbour")


def _users(users: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in users if u))


def help_words(kind: str, wanted_at: datetime, tz: ZoneInfo) -> dict[str, str]:
    what, what_en = HELP_KIND_WORDS[HelpKind(kind)]
    zh, en = local_time(wanted_at, tz)
    return {"what": what, "what_en": what_en, "time_zh": zh, "time_en": en}


def help_asked_notice(
    request_id: str, community_id: str, building: tuple[str, str], kind: str,
    wanted_at: datetime, tz: ZoneInfo = DEFAULT_TZ,
) -> Notice:  # fmt: skip
    """``care.help.asked``: the community's volunteers hear that someone needs help, with
    the building at most (never the elder's name, flat or phone: those come with taking)."""
    words = help_words(kind, wanted_at, tz)
    return Notice(
        f"care:help:{request_id}:asked", "care.help.asked",
        {**words, "building": building[0], "building_en": building[1]}, "info", APP,
        roles_in_scope=(("volunteer", "community", community_id),),
    )  # fmt: skip


def help_notice(
    request_id: str, step: str, kind: str, wanted_at: datetime, users: Iterable[str | None], *,
    person: str = "", helper: tuple[str, str] = HELPER_WORDS, rating: int | None = None,
    thanks: str | None = None, serial: int = 0, tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:  # fmt: skip
    """``care.help.<step>`` (taken, released, cancelled, thanked, expired) to ``users``;
    ``serial`` tells a request taken, given up and taken again apart."""
    told = _users(users)
    if not told:
        return None
    variables = {
        **help_words(kind, wanted_at, tz), "person": person, "helper": helper[0],
        "helper_en": helper[1], "rating": str(rating or ""), "thanks": thanks or "",
    }  # fmt: skip
    return Notice(
        f"care:help:{request_id}:{step}:{serial}", f"care.help.{step}", variables, "info", APP,
        user_ids=told,
    )  # fmt: skip


def service_notice(
    order_id: str, step: str, service: str, provider: str, person: str, at: datetime, *,
    users: Iterable[str | None] = (), community_id: str | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:  # fmt: skip
    """``care.service.<step>``: a booking tells the community's caregivers and admins
    (``community_id``), a confirmation, completion or cancellation the booker and the
    elder (``users``)."""
    zh, en = local_time(at, tz)
    variables = {"service": service, "provider": provider, "person": person, "time_zh": zh,
                 "time_en": en}  # fmt: skip
    request_id, template = f"care:service:{order_id}:{step}", f"care.service.{step}"
    if community_id is not None:
        roles = tuple((r, "community", community_id) for r in ("caregiver", "community_admin"))
        return Notice(request_id, template, variables, "info", APP, roles_in_scope=roles)
    told = _users(users)
    if not told:
        return None
    return Notice(request_id, template, variables, "info", APP, user_ids=told)
