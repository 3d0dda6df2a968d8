"""Disability support (残疾人服务): the register of disability certificates (残疾人证) and
assistive devices (辅助器具). Pure rules: what a certificate says, how a device application
moves, when a device is due for replacement, and the counts per place.

A certificate number (GB/T 26341, second generation) is the holder's 18-character ID number,
the category digit (1 视力 ... 7 多重) and the grade digit (1 一级, the most severe, ... 4
四级): :func:`gov_affairs.domain.welfare.parse_disability_card` reads it. The register keeps
the number encrypted; this module only sees what it is handed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from gov_affairs.domain.text import Refusal, Text
from gov_affairs.domain.welfare import DISABILITY_CATEGORIES, add_months

GRADES = {
    1: Text(zh="一级", en="grade 1"),
    2: Text(zh="二级", en="grade 2"),
    3: Text(zh="三级", en="grade 3"),
    4: Text(zh="四级", en="grade 4"),
}

DeviceType = Literal[
    "wheelchair",
    "hearing_aid",
    "walker",
    "white_cane",
    "prosthesis",
    "orthosis",
    "crutches",
    "magnifier",
    "commode_chair",
]


@dataclass(frozen=True)
class Device:
    name: Text
    replace_after_years: int  # the usual service life before a replacement is due


DEVICES: dict[str, Device] = {
    "wheelchair": Device(Text(zh="轮椅", en="wheelchair"), 5),
    "hearing_aid": Device(Text(zh="助听器", en="hearing aid"), 5),
    "walker": Device(Text(zh="助行器", en="walking frame"), 3),
    "white_cane": Device(Text(zh="盲杖", en="white cane"), 2),
    "prosthesis": Device(Text(zh="假肢", en="prosthesis"), 4),
    "orthosis": Device(Text(zh="矫形器", en="orthosis"), 2),
    "crutches": Device(Text(zh="拐杖", en="crutches"), 3),
    "magnifier": Device(Text(zh="助视器", en="low-vision magnifier"), 5),
    "commode_chair": Device(Text(zh="坐便椅", en="commode chair"), 5),
}

DeviceStatus = Literal["applied", "approved", "refused", "issued", "on_loan", "returned"]
Mode = Literal["grant", "loan"]


class DisabilityError(Refusal, ValueError):
    """A step of disability support that cannot be taken; ``code`` is stable."""


def category_name(code: str) -> Text:
    return DISABILITY_CATEGORIES.get(code, Text(zh=code, en=code))


def grade_name(grade: int) -> Text:
    return GRADES.get(grade, Text(zh=str(grade), en=str(grade)))


def device_name(code: str) -> Text:
    d = DEVICES.get(code)
    return d.name if d else Text(zh=code, en=code)


def same_holder(old_number: str, new_number: str) -> None:
    """An update keeps the holder: the first 18 characters (the ID number) stay the same."""
    if old_number[:18] != new_number.strip().upper()[:18]:
        raise DisabilityError(
            "disability.other_holder",
            "The new certificate number belongs to another person",
            zh="新的残疾人证号不是该持证人的（身份证号部分不一致）",
        )


def check_card(registered: str, valid_until: date, given: str, today: date) -> None:
    """A number an applicant gives against the register's: the same, and still valid."""
    if registered != given.strip().upper():
        raise DisabilityError(
            "disability.card_mismatch",
            "The certificate number differs from the one registered; ask the street office"
            " to update the register",
            zh="所填残疾人证号与登记的不一致，请联系街道（残联）更新登记",
        )
    if valid_until < today:
        raise DisabilityError(
            "disability.card_expired",
            f"The registered certificate expired on {valid_until.isoformat()}; renew it first",
            zh=f"登记的残疾人证已于{valid_until.isoformat()}过期，请先换证",
        )


# --- assistive devices ---------------------------------------------------------------------

_NEXT: dict[str, dict[str, DeviceStatus]] = {
    "approve": {"applied": "approved"},
    "refuse": {"applied": "refused"},
    "issue_grant": {"approved": "issued"},
    "issue_loan": {"approved": "on_loan"},
    "return": {"on_loan": "returned"},
}

_WORDS = {
    "approve": Text(
        zh="只有待审核的申请可以批准", en="Only an application under review is approved"
    ),
    "refuse": Text(
        zh="只有待审核的申请可以不予批准", en="Only an application under review is refused"
    ),
    "issue_grant": Text(
        zh="只有已批准的申请可以发放器具", en="Only an approved application is issued"
    ),
    "issue_loan": Text(
        zh="只有已批准的申请可以出借器具", en="Only an approved application is lent"
    ),
    "return": Text(zh="只有出借中的器具可以归还", en="Only a device on loan is returned"),
}


def step(status: str, action: str) -> DeviceStatus:
    """The status after ``action``; 409-worthy ``disability.device_state`` otherwise."""
    after = _NEXT[action].get(status)
    if after is None:
        words = _WORDS[action]
        raise DisabilityError("disability.device_state", words.en, zh=words.zh)
    return after


def replacement_due(device_type: str, issued_on: date) -> date:
    """When a device issued on ``issued_on`` is due for replacement (its usual life)."""
    years = DEVICES[device_type].replace_after_years if device_type in DEVICES else 5
    return add_months(issued_on, 12 * years)


def check_dates(issued_on: date, replace_by: date | None, today: date) -> None:
    if issued_on > today:
        raise DisabilityError(
            "disability.issued_in_future",
            "A device is issued today or earlier",
            zh="发放日期不能晚于今天",
        )
    if replace_by is not None and replace_by <= issued_on:
        raise DisabilityError(
            "disability.replace_before_issue",
            "The replacement date comes after the issue date",
            zh="更换日期须晚于发放日期",
        )


# --- statistics -------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """One registered certificate as the statistics see it: a place and codes."""

    place: str
    category: str
    grade: int
    valid: bool


@dataclass(frozen=True)
class Lent:
    place: str
    status: str


@dataclass
class Stat:
    place_id: str
    holders: int = 0
    expired: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_grade: dict[str, int] = field(default_factory=dict)
    devices: dict[str, int] = field(default_factory=dict)


def statistics(holders: Iterable[Holder], devices: Iterable[Lent]) -> list[Stat]:
    """Counts per place (a grid or a community): valid certificates by category and grade,
    expired ones, devices by status. No person: counts only."""
    cats: dict[str, Counter[str]] = defaultdict(Counter)
    grades: dict[str, Counter[str]] = defaultdict(Counter)
    valid: Counter[str] = Counter()
    expired: Counter[str] = Counter()
    kit: dict[str, Counter[str]] = defaultdict(Counter)
    places: set[str] = set()
    for h in holders:
        places.add(h.place)
        if h.valid:
            valid[h.place] += 1
            cats[h.place][h.category] += 1
            grades[h.place][str(h.grade)] += 1
        else:
            expired[h.place] += 1
    for d in devices:
        places.add(d.place)
        kit[d.place][d.status] += 1
    return [
        Stat(
            place_id=p,
            holders=valid[p],
            expired=expired[p],
            by_category=dict(sorted(cats[p].items())),
            by_grade=dict(sorted(grades[p].items())),
            devices=dict(sorted(kit[p].items())),
        )
        for p in sorted(places)
    ]
