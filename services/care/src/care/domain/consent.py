"""Consent and sharing of health data (知情同意与授权共享) under PIPL (pure).

Health data is sensitive personal information (PIPL art. 28): it is processed for others
only with the person's separate consent (art. 29), and for a minor under 14 with the
guardian's (art. 31). The rules here:

- **who may grant**: an adult with capacity grants for themselves, and only they do; for a
  child under 14, or an adult whose guardian acts for them (``has_capacity=False``), only
  a recorded guardian grants;
- **what a grant gives**: a grantee (an account) with a relation (family, doctor,
  caregiver ...), the categories they may read, whether they are told of alerts, from when
  and until when (open-ended grants last until revoked);
- **who may read**: the person themselves (a child under 14 reads through a guardian), a
  guardian of a minor or of an adult lacking capacity, a grantee within an active grant's
  categories and period, and a doctor in an emergency ("break the glass", PIPL art. 13(4):
  allowed, recorded as such, and audited like every read);
- everyone else is refused, and the caller masks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

MINOR_AGE = 14  # PIPL art. 31: under 14 the guardian consents


class Category(StrEnum):
    """What part of a person's care record a grant covers."""

    PROFILE = "profile"  # name, birth date, contacts, family doctor
    VITALS = "vitals"  # readings, thresholds, breaches
    CLINICAL = "clinical"  # conditions, allergies, medications, care plans
    ASSESSMENTS = "assessments"  # questionnaires and scores
    VISITS = "visits"  # appointments, home visits and their notes
    WHEREABOUTS = "whereabouts"  # positions, safe zones, wandering
    HOME_USAGE = "home_usage"  # water/electricity patterns, lone-elder anomalies
    CHILDCARE = "childcare"  # check-in/out, temperature, behaviour (children)


CATEGORY_NAMES: dict[Category, tuple[str, str]] = {
    Category.PROFILE: ("基本信息", "basic information"),
    Category.VITALS: ("体征数据", "vital signs"),
    Category.CLINICAL: ("病情与用药", "conditions and medicines"),
    Category.ASSESSMENTS: ("评估量表", "assessments"),
    Category.VISITS: ("就诊与随访", "appointments and visits"),
    Category.WHEREABOUTS: ("位置信息", "whereabouts"),
    Category.HOME_USAGE: ("居家用水用电", "home water and power use"),
    Category.CHILDCARE: ("托育记录", "childcare records"),
}


class Relation(StrEnum):
    FAMILY = "family"
    DOCTOR = "doctor"
    CAREGIVER = "caregiver"
    GRID_WORKER = "grid_worker"
    GUARDIAN = "guardian"  # a guardian may also be named on a grant (e.g. notify only)


RELATION_NAMES: dict[Relation, tuple[str, str]] = {
    Relation.FAMILY: ("家属", "family member"),
    Relation.DOCTOR: ("医生", "doctor"),
    Relation.CAREGIVER: ("护理员", "caregiver"),
    Relation.GRID_WORKER: ("网格员", "grid worker"),
    Relation.GUARDIAN: ("监护人", "guardian"),
}


class Basis(StrEnum):
    """Why a read was allowed (recorded in the audit record) or why it was not."""

    SELF = "self"
    GUARDIAN = "guardian"
    GRANT = "grant"
    EMERGENCY = "emergency"
    NONE = "none"


@dataclass(frozen=True)
class Subject:
    """The person the data is about."""

    person_id: str
    birth_date: date
    user_id: str | None = None  # their own account, if they have one
    guardians: frozenset[str] = frozenset()  # guardian accounts
    has_capacity: bool = True  # False: an adult whose guardian acts for them

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def needs_guardian(self, day: date) -> bool:
        return self.age_on(day) < MINOR_AGE or not self.has_capacity


@dataclass(frozen=True)
class Grant:
    id: str
    person_id: str
    grantee: str  # account id
    relation: Relation
    categories: frozenset[Category]
    valid_from: datetime
    valid_until: datetime | None = None  # None: until revoked
    notify: bool = False  # told of alerts (breaches, anomalies, wandering ...)
    granted_by: str = ""
    granted_as: str = "self"  # "self" or "guardian"
    revoked_at: datetime | None = None

    def active_at(self, at: datetime) -> bool:
        if self.revoked_at is not None and at >= self.revoked_at:
            return False
        return self.valid_from <= at and (self.valid_until is None or at < self.valid_until)


class ConsentError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def check_grantor(subject: Subject, actor: str, at: datetime) -> str:
    """Who the actor grants as ("self" or "guardian"); raise when they may not grant."""
    if subject.needs_guardian(at.date()):
        if actor in subject.guardians:
            return "guardian"
        raise ConsentError(
            "care.consent_guardian_required",
            "未满14周岁或需监护的人员，须由监护人授权。",
            "For a child under 14, or a person in a guardian's care, only a guardian may grant.",
        )
    if subject.user_id is not None and actor == subject.user_id:
        return "self"
    raise ConsentError(
        "care.consent_not_grantor",
        "只有本人可以授权他人查看自己的健康信息。",
        "Only the person themselves may share their health information.",
    )


def new_grant(
    subject: Subject,
    *,
    grant_id: str,
    actor: str,
    grantee: str,
    relation: Relation,
    categories: Iterable[Category],
    at: datetime,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    notify: bool = False,
) -> Grant:
    """A grant the actor may give; raise :class:`ConsentError` otherwise."""
    granted_as = check_grantor(subject, actor, at)
    cats = frozenset(Category(c) for c in categories)
    if not cats:
        raise ConsentError(
            "care.consent_empty", "请选择授权查看的内容。", "Choose what the grant lets them see."
        )
    if grantee == subject.user_id:
        raise ConsentError(
            "care.consent_self", "不能授权给本人。", "A person cannot grant access to themselves."
        )
    start = valid_from or at
    if valid_until is not None and valid_until <= start:
        raise ConsentError(
            "care.consent_period",
            "授权截止时间须晚于开始时间。",
            "The grant must end after it starts.",
        )
    if valid_until is not None and valid_until <= at:
        raise ConsentError(
            "care.consent_period", "授权截止时间已过。", "The grant's end has already passed."
        )
    return Grant(
        id=grant_id,
        person_id=subject.person_id,
        grantee=grantee,
        relation=relation,
        categories=cats,
        valid_from=start,
        valid_until=valid_until,
        notify=notify,
        granted_by=actor,
        granted_as=granted_as,
    )


def check_revoker(subject: Subject, grant: Grant, actor: str, at: datetime) -> None:
    """The grantor side (person or guardian) revokes; a grantee may also give up a grant."""
    if actor == grant.grantee:
        return
    check_grantor(subject, actor, at)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis
    grant_id: str | None = None
    until: datetime | None = None  # when this access ends (None: open-ended or not allowed)
    categories: frozenset[Category] = field(default_factory=frozenset)


ALL = frozenset(Category)


def decide(
    subject: Subject,
    grants: Iterable[Grant],
    actor: str,
    category: Category,
    at: datetime,
    *,
    emergency_doctor: bool = False,
) -> Decision:
    """May ``actor`` read ``category`` of ``subject``'s record at ``at``?

    ``emergency_doctor`` is set by the caller only for a doctor who states an emergency
    (the reason is audited); it allows the read without a grant.
    """
    visible = visible_categories(subject, grants, actor, at)
    if category in visible.categories:
        return Decision(True, visible.basis, visible.grant_id, visible.until, visible.categories)
    if emergency_doctor:
        return Decision(True, Basis.EMERGENCY, categories=ALL)
    return Decision(False, Basis.NONE)


def visible_categories(
    subject: Subject, grants: Iterable[Grant], actor: str, at: datetime
) -> Decision:
    """Every category ``actor`` may read now, and on what basis (for building one view)."""
    minor = subject.needs_guardian(at.date())
    if actor in subject.guardians and minor:
        return Decision(True, Basis.GUARDIAN, categories=ALL)
    if subject.user_id is not None and actor == subject.user_id and not minor:
        return Decision(True, Basis.SELF, categories=ALL)
    cats: set[Category] = set()
    first: Grant | None = None
    until: datetime | None = None
    for g in grants:
        if g.person_id != subject.person_id or g.grantee != actor or not g.active_at(at):
            continue
        cats |= g.categories
        first = first or g
        if g.valid_until is not None and (until is None or g.valid_until > until):
            until = g.valid_until
    if not cats or first is None:
        return Decision(False, Basis.NONE)
    return Decision(True, Basis.GRANT, first.id, until, frozenset(cats))


@dataclass(frozen=True)
class Recipient:
    user_id: str
    relation: Relation


def alert_recipients(
    subject: Subject, grants: Iterable[Grant], category: Category, at: datetime
) -> list[Recipient]:
    """Who is told of an alert about ``category``: grantees with ``notify`` on an active grant
    covering it, and the guardians of a minor (they are told of everything). Each once."""
    seen: dict[str, Recipient] = {}
    if subject.needs_guardian(at.date()):
        for g in sorted(subject.guardians):
            seen[g] = Recipient(g, Relation.GUARDIAN)
    for grant in grants:
        if (
            grant.person_id == subject.person_id
            and grant.notify
            and category in grant.categories
            and grant.active_at(at)
            and grant.grantee not in seen
        ):
            seen[grant.grantee] = Recipient(grant.grantee, grant.relation)
    return list(seen.values())
