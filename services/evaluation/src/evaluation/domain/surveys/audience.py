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
