"""Volunteers (6.5.2 c): registration, certification, services offered and booked, hours
recorded as the Volunteer Service Regulations ask, certificates of hours, and a time bank.

The Volunteer Service Regulations (志愿服务条例, art. 19) and the Measures for Volunteer
Service Records and Certificates (志愿服务记录与证明出具办法) ask that each record say who
served (name, ID number, volunteer number), what (the project and its content), when and for
how long, and which organisation records and certifies it. A record is never edited: a
mistake is corrected by a correcting record that names the one it corrects.

The volunteer number (志愿者编号) is not the ID number: the community's code, the year of
registration, a sequence and a check character (ISO 7064 MOD 11-2, as on ID numbers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from gov_affairs.domain.certificates import CertificateContent, Line, mask_id_number, normalise
from gov_affairs.domain.text import Refusal, Text

Status = Literal["applied", "certified", "suspended", "left"]
BookingStatus = Literal["booked", "completed", "cancelled", "no_show"]
HALF_HOUR = Decimal("0.5")


def _mod11_2(digits: str) -> str:
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2 % 11
    return "0123456789X"[(12 - total) % 11]


def volunteer_number(community_code: str, year: int, seq: int) -> str:
    """Six digits of the community, the year, a five-digit sequence and the check character."""
    if not (community_code.isdigit() and len(community_code) == 6) or not 0 < seq < 100000:
        raise ValueError("a six-digit community code and a sequence of 1..99999")
    body = f"{community_code}{year:04d}{seq:05d}"
    return body + _mod11_2(body)


def check_volunteer_number(number: str) -> bool:
    return len(number) == 16 and number[:15].isdigit() and _mod11_2(number[:15]) == number[15]


class Volunteer(BaseModel):
    person_ref: str  # the encrypted person record (name, ID number, phone)
    community_id: str
    number: str | None = None  # given at certification
    status: Status = "applied"
    skills: list[str] = Field(default_factory=list, max_length=20)
    certified_by: str | None = None
    certified_on: date | None = None


class VolunteerError(Refusal):
    """A refusal of a volunteer or time-bank step; ``code`` is stable."""


def certify(v: Volunteer, by: str, on: date, number: str) -> Volunteer:
    if v.status != "applied":
        raise VolunteerError(
            "volunteer.bad_state", "Only an applicant is certified", zh="只有待认证的申请人可以认证"
        )
    if not check_volunteer_number(number):
        raise VolunteerError(
            "volunteer.bad_number", "Not a valid volunteer number", zh="这不是有效的志愿者编号"
        )
    v = v.model_copy()
    v.status, v.number, v.certified_by, v.certified_on = "certified", number, by, on
    return v


def suspend(v: Volunteer) -> Volunteer:
    """A certified volunteer stops serving for a while (no hours are recorded meanwhile);
    the number stays theirs."""
    if v.status != "certified":
        raise VolunteerError(
            "volunteer.bad_state",
            "Only a certified volunteer is suspended",
            zh="只有已认证的志愿者可以暂停",
        )
    return v.model_copy(update={"status": "suspended"})


def reinstate(v: Volunteer) -> Volunteer:
    """A suspended volunteer serves again under the same number."""
    if v.status != "suspended":
        raise VolunteerError(
            "volunteer.bad_state",
            "Only a suspended volunteer is reinstated",
            zh="只有已暂停的志愿者可以恢复",
        )
    return v.model_copy(update={"status": "certified"})


# --- hours -------------------------------------------------------------------------------


class HoursRecord(BaseModel):
    """One volunteer service record (志愿服务记录)."""

    volunteer_number: str
    person_ref: str
    project: str = Field(min_length=1, max_length=120)  # 服务项目
    content: str = Field(min_length=1, max_length=1000)  # 服务内容
    place: str = Field(min_length=1, max_length=200)
    started_at: datetime
    ended_at: datetime
    hours: Decimal
    organisation: str = Field(min_length=1, max_length=120)  # 记录与出具单位
    recorded_by: str
    recorded_at: datetime
    corrects: str | None = None  # id of the record this one corrects (its hours replace it)

    @model_validator(mode="after")
    def _hours(self) -> HoursRecord:
        if self.ended_at <= self.started_at:
            raise ValueError("service ends after it starts")
        return self


def service_hours(started: datetime, ended: datetime) -> Decimal:
    """Hours served, counted down to the half hour (common practice: 1 h 20 min → 1.0)."""
    minutes = Decimal((ended - started).total_seconds()) / 60
    return (minutes / 60 / HALF_HOUR).to_integral_value(ROUND_DOWN) * HALF_HOUR


def record_hours(v: Volunteer, *, record_id_of: str | None = None, **fields: object) -> HoursRecord:
    if v.status != "certified" or v.number is None:
        raise VolunteerError(
            "volunteer.not_certified",
            "Hours are recorded for certified volunteers",
            zh="只为已认证的志愿者记录服务时长",
        )
    started, ended = fields["started_at"], fields["ended_at"]
    assert isinstance(started, datetime) and isinstance(ended, datetime)
    return HoursRecord.model_validate(
        {
            **fields,
            "volunteer_number": v.number,
            "person_ref": v.person_ref,
            "hours": service_hours(started, ended),
            "corrects": record_id_of,
        }
    )


def total_hours(
    records: Iterable[tuple[str, HoursRecord]], since: date | None = None, until: date | None = None
) -> Decimal:
    """Sum of (record id, record) pairs, a corrected record replaced by its correction."""
    items = list(records)
    corrected = {r.corrects for _, r in items if r.corrects}
    total = Decimal(0)
    for rid, r in items:
        if rid in corrected:
            continue
        day = r.started_at.date()
        if (since and day < since) or (until and day > until):
            continue
        total += r.hours
    return total


# --- services offered and booked ---------------------------------------------------------


class Offer(BaseModel):
    volunteer_number: str
    title: str = Field(min_length=1, max_length=120)  # 陪同就医, 助老理发 ...
    description: str = Field(default="", max_length=1000)
    slots: list[tuple[datetime, datetime]] = Field(default_factory=list, max_length=200)


class Booking(BaseModel):
    offer_title: str
    volunteer_number: str
    resident: str
    slot: tuple[datetime, datetime]
    status: BookingStatus = "booked"
    note: str | None = None


def book(
    offer: Offer,
    bookings: list[Booking],
    resident: str,
    slot: tuple[datetime, datetime],
    now: datetime,
) -> Booking:
    if slot not in offer.slots:
        raise VolunteerError(
            "volunteer.no_such_slot",
            "The volunteer does not offer this time",
            zh="该志愿者不提供这个时段",
        )
    if slot[0] <= now:
        raise VolunteerError("volunteer.slot_past", "This time has passed", zh="这个时段已经过去")
    if any(
        b.slot == slot and b.volunteer_number == offer.volunteer_number and b.status == "booked"
        for b in bookings
    ):
        raise VolunteerError(
            "volunteer.slot_taken", "This time is booked already", zh="这个时段已被预约"
        )
    return Booking(
        offer_title=offer.title,
        volunteer_number=offer.volunteer_number,
        resident=resident,
        slot=slot,
    )


# --- time bank (时间银行) ----------------------------------------------------------------


@dataclass(frozen=True)
class TimeEntry:
    at: datetime
    hours: Decimal  # + earned by serving, - spent on care received
    what: str
    beneficiary: str | None = None  # spent for a family member


def balance(entries: Iterable[TimeEntry]) -> Decimal:
    return sum((e.hours for e in entries), Decimal(0))


def spend(
    entries: list[TimeEntry],
    hours: Decimal,
    what: str,
    at: datetime,
    beneficiary: str | None = None,
) -> TimeEntry:
    """Redeem banked hours for care (for oneself or a family member); never below zero."""
    if hours <= 0:
        raise VolunteerError(
            "timebank.bad_amount", "Spend a positive number of hours", zh="使用的时长须大于零"
        )
    if balance(entries) < hours:
        raise VolunteerError(
            "timebank.insufficient", "Not enough banked hours", zh="时间银行的时长不足"
        )
    entry = TimeEntry(at, -hours, what, beneficiary)
    entries.append(entry)
    return entry


# --- certificate of hours (志愿服务记录证明) ------------------------------------------------


def hours_certificate(
    *,
    name: str,
    id_number: str,
    volunteer: Volunteer,
    records: list[tuple[str, HoursRecord]],
    since: date,
    until: date,
    organisation_zh: str,
    organisation_en: str,
    code: str,
    number: str,
    issued_on: date,
) -> CertificateContent:
    """The certificate of hours the measures describe: who (name, ID number masked,
    volunteer number), the period, the total, and the projects served."""
    if volunteer.number is None:
        raise VolunteerError(
            "volunteer.not_certified",
            "Only a certified volunteer has hours",
            zh="只有已认证的志愿者才有服务时长",
        )
    total = total_hours(records, since, until)
    corrected = {r.corrects for _, r in records if r.corrects}
    projects = sorted(
        {
            r.project
            for rid, r in records
            if rid not in corrected and since <= r.started_at.date() <= until
        }
    )
    lines = (
        Line(Text(zh="姓名", en="Name"), name),
        Line(Text(zh="身份证号码", en="ID number"), mask_id_number(id_number)),
        Line(Text(zh="志愿者编号", en="Volunteer number"), volunteer.number),
        Line(Text(zh="服务期间", en="Period"), f"{since:%Y-%m-%d} — {until:%Y-%m-%d}"),
        Line(Text(zh="累计服务时长（小时）", en="Hours served"), f"{total}"),
        Line(Text(zh="服务项目", en="Projects"), "、".join(projects) or "—"),
    )
    return CertificateContent(
        title=Text(zh="志愿服务记录证明", en="Certificate of volunteer service"),
        statement=Text(
            zh="兹证明下列志愿者在本组织参加志愿服务，服务时长以本组织志愿服务记录为准。",
            en="This certifies that the volunteer below served with our organisation; the hours"
            " are those of our volunteer service records.",
        ),
        lines=lines,
        issuer=Text(zh=organisation_zh, en=organisation_en),
        issued_on=issued_on,
        valid_until=None,
        code=normalise(code),
        number=number,
    )
