"""Migrants (流动人口): residence registration (居住登记) and residence permits (居住证).

Under the Interim Regulation on Residence Permits (居住证暂行条例), a person who has lived
away from their household registration for half a year and has one of stable employment,
stable residence or continuous study may apply; the permit is endorsed (签注) every year
and lapses without it. The community registers, accepts the application (the hall's flow,
ending with the police), records the issue, and reminds the holder before the endorsement
falls due (by default 30 and 7 days before).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from gov_affairs.domain.text import Refusal
from gov_affairs.domain.welfare import add_months

Reason = Literal["work", "study", "family", "business", "other"]
PermitStatus = Literal["applied", "issued", "lapsed", "cancelled"]
DEFAULT_REMINDERS = (30, 7)


class Registration(BaseModel):
    """A migrant's residence registration (居住登记) in the community."""

    person_ref: str
    community_id: str
    room_id: str
    origin_division: str = Field(pattern=r"^\d{6}$")  # 户籍地 division code (GB/T 2260)
    reason: Reason
    employer: str | None = None
    moved_in_on: date
    registered_on: date
    registered_by: str
    left_on: date | None = None


def months_resident(reg: Registration, today: date) -> int:
    """Whole months lived here since moving in (or until leaving)."""
    end = reg.left_on or today
    months = (end.year - reg.moved_in_on.year) * 12 + end.month - reg.moved_in_on.month
    return months - (1 if end.day < reg.moved_in_on.day else 0)


def permit_facts(
    reg: Registration, today: date, *, employed: bool, owns_or_rents: bool, studying: bool
) -> dict[str, object]:
    """The facts the residence-permit service's eligibility rule reads (``migrant.*``)."""
    return {
        "migrant": {
            "months_resident": months_resident(reg, today),
            "stable_employment": employed,
            "stable_residence": owns_or_rents,
            "studying": studying,
            "local_origin": reg.origin_division[:4] == reg.community_id[:4],
        }
    }


PERMIT_ELIGIBILITY = {
    "all": [
        {
            "fact": "migrant.months_resident",
            "op": "gte",
            "value": 6,
            "label": {"zh": "在本地居住满半年", "en": "lived here for half a year"},
        },
        {
            "any": [
                {"fact": "migrant.stable_employment", "op": "eq", "value": True},
                {"fact": "migrant.stable_residence", "op": "eq", "value": True},
                {"fact": "migrant.studying", "op": "eq", "value": True},
            ],
            "label": {
                "zh": "有合法稳定就业、合法稳定住所或连续就读之一",
                "en": "stable employment, stable residence or continuous study",
            },
        },
    ]
}


class Permit(BaseModel):
    person_ref: str
    community_id: str
    status: PermitStatus = "applied"
    number: str | None = None
    issued_on: date | None = None
    valid_until: date | None = None
    endorsements: list[date] = Field(default_factory=list)
    reminders_sent: list[str] = Field(default_factory=list)  # "<valid_until>:<days>"


class PermitError(Refusal):
    """A refusal of a residence permit step; ``code`` is stable (``permit.<reason>``)."""


def issue(permit: Permit, number: str, on: date) -> Permit:
    if permit.status != "applied":
        raise PermitError(
            "permit.bad_state", "Only an applied permit is issued", zh="只有已申请的居住证可以签发"
        )
    p = permit.model_copy(deep=True)
    p.status, p.number, p.issued_on, p.valid_until = "issued", number, on, add_months(on, 12)
    return p


def endorse(permit: Permit, on: date) -> Permit:
    """Annual endorsement (签注): valid a year more from the old end (or from today when lapsed)."""
    if permit.status not in {"issued", "lapsed"} or permit.valid_until is None:
        raise PermitError(
            "permit.bad_state", "Only an issued permit is endorsed", zh="只有已签发的居住证可以签注"
        )
    end = permit.valid_until
    start = end if permit.status == "issued" and end >= on else on
    p = permit.model_copy(deep=True)
    p.valid_until = add_months(start, 12)
    p.status = "issued"
    p.endorsements.append(on)
    return p


def cancel(permit: Permit) -> Permit:
    p = permit.model_copy(deep=True)
    p.status = "cancelled"
    return p


def lapse_if_due(permit: Permit, today: date) -> Permit:
    if permit.status == "issued" and permit.valid_until is not None and today > permit.valid_until:
        p = permit.model_copy(deep=True)
        p.status = "lapsed"
        return p
    return permit


@dataclass(frozen=True)
class Reminder:
    permit: Permit
    days_left: int
    key: str  # record it in reminders_sent so it is sent once


def reminders_due(
    permits: Iterable[Permit], today: date, offsets: tuple[int, ...] = DEFAULT_REMINDERS
) -> list[Reminder]:
    """One reminder per permit and offset whose day has come and that was not sent; a
    missed earlier one is not sent late when a nearer one is due."""
    out = []
    for p in permits:
        if p.status != "issued" or p.valid_until is None:
            continue
        left = (p.valid_until - today).days
        if left < 0:
            continue
        due = [o for o in sorted(offsets) if left <= o]
        if not due:
            continue
        nearest = due[0]
        key = f"{p.valid_until.isoformat()}:{nearest}"
        if key not in p.reminders_sent:
            out.append(Reminder(p, left, key))
    return out
