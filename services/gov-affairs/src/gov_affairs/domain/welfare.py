"""Welfare (民政): programmes as data, beneficiaries, re-examination, payments, statistics.

A programme (低保 minimum living allowance, 临时救助 hardship aid, 残疾人两项补贴 disability
subsidies, 辅助器具 assistive devices, 高龄补贴 old-age allowance) carries its eligibility
rule and how much it pays, both data a street office edits as its city's standards change:

- ``fixed``: tiers, the first whose rule holds pays its monthly amount (高龄补贴 by age band);
- ``gap``: the standard minus the household's income per head, times its members (低保's
  差额补助), never below a floor;
- ``capped``: a one-off amount asked for, never above a cap (临时救助).

A beneficiary's record is re-examined every ``review_every_months`` (低保 yearly or more
often), paid once per month while active (a month is never paid twice), and counted in the
statistics of its grid and community. Who the beneficiary is (name, ID number, disability
certificate) is sensitive: the service stores it encrypted and shows it masked; this module
only sees the ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gov_affairs.domain.rules import FACT_PATTERN, Rule, Verdict, evaluate, lookup
from gov_affairs.domain.text import Refusal, Text
from sc_core.validators import InvalidIdentifier, parse_id_number

Kind = Literal[
    "dibao", "temporary_aid", "disability_subsidy", "assistive_device", "old_age_allowance"
]
CENT = Decimal("0.01")


class WelfareError(Refusal, ValueError):
    """A welfare step that cannot be taken; ``code`` is stable (``welfare.<reason>``)."""


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    when: Rule
    monthly_amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    label: Text


class Fixed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["fixed"] = "fixed"
    tiers: list[Tier] = Field(min_length=1, max_length=20)


class Gap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["gap"] = "gap"
    standard: Decimal = Field(gt=0, max_digits=10, decimal_places=2)  # 低保标准, per head per month
    income_fact: str = Field(pattern=FACT_PATTERN)
    members_fact: str = Field(pattern=FACT_PATTERN)
    floor_per_head: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)


class Capped(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["capped"] = "capped"
    amount_fact: str = Field(pattern=FACT_PATTERN)
    cap: Decimal = Field(gt=0, max_digits=10, decimal_places=2)


class NoPayment(BaseModel):
    """Support in kind (an assistive device): nothing is paid."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["none"] = "none"


Amount = Fixed | Gap | Capped | NoPayment


class Programme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    kind: Kind
    name: Text
    eligibility: Rule
    amount: Amount = Field(discriminator="kind")
    one_off: bool = False
    review_every_months: int | None = Field(default=None, ge=1, le=60)
    service_item: str | None = None  # the hall's service one applies through


@dataclass(frozen=True)
class Assessment:
    eligible: bool | None
    reasons: list[Text]
    monthly_amount: Decimal | None  # None for one-off and in-kind support, or not eligible
    one_off_amount: Decimal | None
    tier: Text | None


def assess(programme: Programme, facts: Mapping[str, Any]) -> Assessment:
    """Eligibility and the amount for an applicant's facts."""
    verdict: Verdict = evaluate(programme.eligibility, facts)
    if verdict.passed is not True:
        return Assessment(verdict.passed, verdict.reasons, None, None, None)
    amount = programme.amount
    if isinstance(amount, Fixed):
        for tier in amount.tiers:
            if evaluate(tier.when, facts).passed:
                return Assessment(True, [], _money(tier.monthly_amount), None, tier.label)
        return Assessment(
            False, [Text(zh="不在任何补贴档次内", en="in no allowance band")], None, None, None
        )
    if isinstance(amount, Gap):
        income, members = lookup(facts, amount.income_fact), lookup(facts, amount.members_fact)
        if (
            not isinstance(income, int | float | Decimal)
            or not isinstance(members, int)
            or members < 1
        ):
            missing = Text(zh="缺少家庭收入或人口信息", en="household income or size missing")
            return Assessment(None, [missing], None, None, None)
        per_head = max(amount.standard - Decimal(str(income)), amount.floor_per_head)
        return Assessment(True, [], _money(per_head * members), None, None)
    if isinstance(amount, Capped):
        asked = lookup(facts, amount.amount_fact)
        if not isinstance(asked, int | float | Decimal) or asked <= 0:
            return Assessment(
                None, [Text(zh="缺少申请金额", en="amount asked for missing")], None, None, None
            )
        return Assessment(True, [], None, _money(min(Decimal(str(asked)), amount.cap)), None)
    return Assessment(True, [], None, None, None)


def benefit_facts(a: Assessment) -> dict[str, Any]:
    """What a certificate prints of an assessment (``benefit.*``)."""
    out: dict[str, Any] = {}
    if a.tier is not None:
        out["band"] = f"{a.tier.zh} {a.tier.en}"
    if a.monthly_amount is not None:
        out["monthly_amount"] = f"{a.monthly_amount:.2f}"
    if a.one_off_amount is not None:
        out["one_off_amount"] = f"{a.one_off_amount:.2f}"
    return {"benefit": out}


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- beneficiaries -----------------------------------------------------------------------

Status = Literal["active", "suspended", "ended"]
ReviewOutcome = Literal["continue", "adjust", "suspend", "end"]


class Review(BaseModel):
    on: date
    by: str
    outcome: ReviewOutcome
    note: str = ""
    monthly_amount: Decimal | None = None


class Payment(BaseModel):
    month: str  # YYYY-MM
    amount: Decimal
    paid_on: date | None = None
    reference: str | None = None


class Beneficiary(BaseModel):
    """One person's support under one programme (a record in the welfare register)."""

    programme: str
    person_ref: str  # the service's id of the (encrypted) person record
    community_id: str
    grid_id: str | None = None
    status: Status = "active"
    since: date
    monthly_amount: Decimal | None = None
    next_review_on: date | None = None
    reviews: list[Review] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return date(year, month, min(day.day, last))


def enrol(
    programme: Programme,
    assessment: Assessment,
    *,
    person_ref: str,
    community_id: str,
    grid_id: str | None,
    since: date,
) -> Beneficiary:
    """A new record for an approved application; payments start the month after (次月发放)."""
    if assessment.eligible is not True:
        raise WelfareError(
            "welfare.not_eligible",
            "Only an eligible applicant is enrolled",
            zh="只有符合条件的申请人可以纳入",
        )
    review = (
        add_months(since, programme.review_every_months) if programme.review_every_months else None
    )
    record = Beneficiary(
        programme=programme.code,
        person_ref=person_ref,
        community_id=community_id,
        grid_id=grid_id,
        since=since,
        monthly_amount=assessment.monthly_amount,
        next_review_on=review,
    )
    if programme.one_off and assessment.one_off_amount is not None:
        record.payments.append(Payment(month=f"{since:%Y-%m}", amount=assessment.one_off_amount))
        record.status = "ended"
    return record


def due_for_review(records: Iterable[Beneficiary], today: date) -> list[Beneficiary]:
    return [
        r for r in records if r.status != "ended" and r.next_review_on and r.next_review_on <= today
    ]


def review(
    record: Beneficiary,
    programme: Programme,
    *,
    on: date,
    by: str,
    outcome: ReviewOutcome,
    note: str = "",
    monthly_amount: Decimal | None = None,
) -> Beneficiary:
    """Record a re-examination (复核) and its outcome; the next one is scheduled."""
    if record.status == "ended":
        raise WelfareError(
            "welfare.ended", "An ended record is not reviewed", zh="已终止的记录不再复核"
        )
    if outcome == "adjust" and monthly_amount is None:
        raise WelfareError(
            "welfare.amount_missing", "An adjustment says the new amount", zh="调整须写明新的金额"
        )
    record = record.model_copy(deep=True)
    record.reviews.append(
        Review(on=on, by=by, outcome=outcome, note=note, monthly_amount=monthly_amount)
    )
    if outcome == "adjust":
        record.monthly_amount = _money(monthly_amount or Decimal(0))
        record.status = "active"
    elif outcome == "continue":
        record.status = "active"
    elif outcome == "suspend":
        record.status = "suspended"
    else:
        record.status = "ended"
    if record.status != "ended" and programme.review_every_months:
        record.next_review_on = add_months(on, programme.review_every_months)
    else:
        record.next_review_on = None
    return record


def payments_due(record: Beneficiary, month: str) -> Payment | None:
    """The payment of ``month`` (YYYY-MM) if the record owes one and has not made it yet:
    active, a monthly amount, the month after the one it started in or later."""
    if record.status != "active" or not record.monthly_amount:
        return None
    if month <= f"{record.since:%Y-%m}":
        return None
    if any(p.month == month for p in record.payments):
        return None
    return Payment(month=month, amount=record.monthly_amount)


# --- statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    place_id: str
    programme: str
    active: int
    monthly_total: Decimal
    paid_in_month: Decimal


def statistics(
    records: Iterable[Beneficiary], *, by: Literal["grid", "community"], month: str
) -> list[Stat]:
    """Active beneficiaries, their monthly total and what was paid in ``month``, per place
    and programme (records without a grid count under "—" when grouped by grid)."""
    active: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    paid: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in records:
        place = (r.grid_id or "—") if by == "grid" else r.community_id
        key = (place, r.programme)
        if r.status == "active":
            active[key] += 1
            total[key] += r.monthly_amount or Decimal(0)
        paid[key] += sum((p.amount for p in r.payments if p.month == month), Decimal(0))
        active.setdefault(key, 0)
    return [
        Stat(
            place,
            prog,
            active[(place, prog)],
            _money(total[(place, prog)]),
            _money(paid[(place, prog)]),
        )
        for place, prog in sorted(active)
    ]


# --- disability certificates (残疾人证) -------------------------------------------------

DISABILITY_CATEGORIES = {
    "1": Text(zh="视力残疾", en="visual"),
    "2": Text(zh="听力残疾", en="hearing"),
    "3": Text(zh="言语残疾", en="speech"),
    "4": Text(zh="肢体残疾", en="physical"),
    "5": Text(zh="智力残疾", en="intellectual"),
    "6": Text(zh="精神残疾", en="mental"),
    "7": Text(zh="多重残疾", en="multiple"),
}


@dataclass(frozen=True)
class DisabilityCard:
    id_number: str
    category: str
    grade: int  # 1 (most severe) .. 4


def parse_disability_card(number: str) -> DisabilityCard:
    """The second-generation 残疾人证 number: the holder's 18-character ID number, the
    category (1-7) and the grade (1-4)."""
    raw = number.strip().upper()
    if len(raw) != 20:
        raise WelfareError(
            "welfare.disability_card",
            "A disability certificate number has 20 characters",
            zh="残疾人证号为20位",
        )
    try:
        parse_id_number(raw[:18])
    except InvalidIdentifier as exc:
        raise WelfareError(exc.code, exc.en, zh=exc.zh) from None
    if raw[18] not in DISABILITY_CATEGORIES or raw[19] not in "1234":
        raise WelfareError(
            "welfare.disability_card",
            "The category (1-7) or grade (1-4) is not valid",
            zh="残疾类别（1至7）或等级（1至4）无效",
        )
    return DisabilityCard(raw[:18], raw[18], int(raw[19]))
