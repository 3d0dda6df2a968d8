"""Who is asked, who has answered, who is reminded, and response rates per place.

One answer per person or per household: the *response key* of a respondent is the thing
that may answer once (``person:<id>`` or ``household:<id>``). For an anonymous survey the
service stores only a keyed hash of it (a blind index), so the same person or household
cannot answer twice and yet no stored response names anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from evaluation.domain.surveys.model import AnswerUnit, Survey


@dataclass(frozen=True)
class Respondent:
    """A person as the place directory and their token describe them."""

    person_id: str
    roles: frozenset[str]
    community_id: str
    building_id: str | None = None
    grid_id: str | None = None
    household_id: str | None = None


class NotEligible(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def is_targeted(survey: Survey, who: Respondent) -> bool:
    t = survey.targeting
    if who.community_id not in t.community_ids or not who.roles & set(t.roles):
        return False
    if t.building_ids and who.building_id not in t.building_ids:
        return False
    return not (t.grid_ids and who.grid_id not in t.grid_ids)


def response_key(survey: Survey, who: Respondent) -> str:
    """What may answer once; raises NotEligible when the person may not answer at all."""
    if not is_targeted(survey, who):
        raise NotEligible(
            "evaluation.not_targeted", "这份问卷不面向您。", "This survey is not addressed to you."
        )
    if survey.unit is AnswerUnit.HOUSEHOLD:
        if not who.household_id:
            raise NotEligible(
                "evaluation.no_household",
                "这份问卷按户填写，您尚未登记在任何住户中。",
                "This survey is answered per household and you are not in one.",
            )
        return f"household:{who.household_id}"
    return f"person:{who.person_id}"


@dataclass(frozen=True)
class Member:
    """One grant of a household role (resident, tenant, family) to an account, where the
    household lives (the place directory)."""

    account_id: str
    role: str
    household_id: str
    community_id: str
    building_id: str | None = None
    grid_id: str | None = None


@dataclass(frozen=True)
class Target:
    """A response key the survey asks for, the building it answers from and the accounts
    that may give it (one for a person, the household's members for a household)."""

    key: str
    building_id: str | None
    accounts: tuple[str, ...]


def audience(survey: Survey, members: Iterable[Member]) -> list[Target]:
    """Who the survey asks, one target per response key, in key order.

    A person holding roles in several households of the community answers from the first
    (by household id), as an answer is placed.
    """
    found: dict[str, tuple[str | None, set[str]]] = {}
    for m in sorted(members, key=lambda m: (m.household_id, m.account_id, m.role)):
        who = Respondent(
            m.account_id,
            frozenset({m.role}),
            m.community_id,
            m.building_id,
            m.grid_id,
            m.household_id,
        )
        if not is_targeted(survey, who):
            continue
        key = response_key(survey, who)
        found.setdefault(key, (m.building_id, set()))[1].add(m.account_id)
    return [Target(k, b, tuple(sorted(a))) for k, (b, a) in sorted(found.items())]


def reminders_due(survey: Survey, now: datetime, sent: Iterable[int]) -> list[int]:
    """Reminder rounds (days before closing) whose time has come and that were not sent.

    A round whose moment passed while the service was down is still due, as long as the
    survey is open: a late reminder is better than none.
    """
    if not survey.is_open(now):
        return []
    done = set(sent)
    return sorted(
        (
            d
            for d in set(survey.reminder_days_before_close)
            if d not in done and survey.closes_at - timedelta(days=d) <= now
        ),
        reverse=True,
    )


def round_to_send(due: Iterable[int]) -> int | None:
    """Of the rounds due, the one to send now: the latest (fewest days before closing).
    Rounds missed together go out as one reminder, so nobody is reminded twice at once."""
    rounds = list(due)
    return min(rounds) if rounds else None


def to_remind(targets: Iterable[str], answered: Iterable[str]) -> list[str]:
    """Response keys of the targeted that have not answered, in a stable order."""
    done = set(answered)
    return sorted(k for k in set(targets) if k not in done)


@dataclass(frozen=True)
class ResponseRate:
    place_id: str
    eligible: int
    responded: int

    @property
    def rate(self) -> float | None:
        return None if self.eligible == 0 else min(1.0, self.responded / self.eligible)


def response_rates(eligible: Mapping[str, int], responded: Mapping[str, int]) -> list[ResponseRate]:
    """Response rate per place (building, grid or community), in place order.

    ``eligible`` counts the response keys each place holds (people or households, as the
    survey says), from the place directory when the survey opened; ``responded`` counts
    responses by the place the respondent answered from.
    """
    places = sorted(set(eligible) | set(responded))
    return [ResponseRate(p, eligible.get(p, 0), responded.get(p, 0)) for p in places]
