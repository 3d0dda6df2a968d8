"""Who a CAP warning (预警) tells, and how staff read where it stands (pure).

The elderly are the people care keeps a record for who are 60 or older (老年人, 60 周岁以上:
the Law on the Protection of the Rights and Interests of the Elderly, art. 2). Each is told
once per alert: on their own account when they have one, their guardians (without
capacity), and the family or carers whose consent asks to be told of alerts (``notify``)
on an active grant, whatever the grant covers: a typhoon is nobody's health data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from care.domain.consent import Grant, Subject
from care.domain.notices import Notice
from care.domain.warnings import CapAlert

ELDERLY_AGE = 60
# who hears an exercise (演练): the community's staff who read warnings (the list's
# community-scoped readers), each through their own grant in the community
EXERCISE_STAFF = ("community_admin", "grid_worker", "doctor", "caregiver")

# CAP severity -> how urgently the notification service delivers it
DELIVERY = {"Extreme": "critical", "Severe": "urgent", "Moderate": "warning", "Minor": "info"}

STATES = {
    "active": ("生效中", "in force"),
    "updated": ("已被更新", "updated"),
    "cancelled": ("已解除", "cancelled"),
    "expired": ("已过期", "expired"),
}
AUDIENCES = {
    "residents": ("已推送给辖区老人", "sent to the elderly in the area"),
    "staff": ("演练：仅工作人员可见", "exercise: staff only"),
    "none": (
        "不推送（测试、草稿、非公开或已过期）",
        "not sent (test, draft, not public or expired)",
    ),
}
MESSAGE_TYPES = {
    "Alert": ("预警", "alert"),
    "Update": ("更新", "update"),
    "Cancel": ("解除", "cancel"),
    "Ack": ("确认", "acknowledgement"),
    "Error": ("更正", "error notice"),
}


def is_elderly(birth_date: date, on: date) -> bool:
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return years >= ELDERLY_AGE


def told_of_warning(subject: Subject, grants: Iterable[Grant], at: datetime) -> list[str]:
    """The accounts one elder's warning goes to, each once, the elder's own first."""
    out: dict[str, None] = {}
    if subject.user_id:
        out[subject.user_id] = None
    if subject.needs_guardian(at.date()):
        out.update(dict.fromkeys(sorted(subject.guardians)))
    for g in grants:
        if g.person_id == subject.person_id and g.notify and g.active_at(at):
            out[g.grantee] = None
    return list(out)


def delivery(alert: CapAlert) -> str:
    ranks = list(DELIVERY)
    severities = [i.severity for i in alert.infos if i.severity in DELIVERY]
    if not severities:
        return "warning"
    return DELIVERY[min(severities, key=ranks.index)]


def state_of(state: str, expires: datetime | None, now: datetime) -> str:
    if state == "active" and expires is not None and now >= expires:
        return "expired"
    return state


def exercise_notice(
    warning_id: str, community_id: str, words: dict[str, str], elders: int
) -> Notice | None:
    """``care.warning.exercise``: an Exercise alert told to the staff of one community it
    reached, marked as an exercise, with how many elders a real one would have told
    there; never to the elders themselves (None: no words to say)."""
    if not words:
        return None
    return Notice(
        f"care:warning:{warning_id}:staff:{community_id}", "care.warning.exercise",
        {**words, "count": str(elders)}, "info", ("inapp", "push"),
        roles_in_scope=tuple((r, "community", community_id) for r in EXERCISE_STAFF),
    )  # fmt: skip
