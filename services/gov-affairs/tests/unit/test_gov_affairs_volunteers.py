"""Volunteers: numbers that are not ID numbers, certification, hours with the regulation's
fields (corrected, never edited), bookings, the time bank."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from gov_affairs.domain import volunteers as v

T = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)


def test_volunteer_numbers() -> None:
    n = v.volunteer_number("330106", 2026, 17)
    assert len(n) == 16 and n.startswith("330106202600017")
    assert v.check_volunteer_number(n)
    assert not v.check_volunteer_number(n[:-1] + ("0" if n[-1] != "0" else "1"))
    with pytest.raises(ValueError, match="six-digit"):
        v.volunteer_number("33A106", 2026, 1)


def certified() -> v.Volunteer:
    applicant = v.Volunteer(person_ref="p1", community_id="c1", skills=["理发", "陪诊"])
    with pytest.raises(v.VolunteerError):
        v.record_hours(
            applicant,
            project="x",
            content="x",
            place="x",
            started_at=T,
            ended_at=T,
            organisation="x",
            recorded_by="x",
            recorded_at=T,
        )
    return v.certify(applicant, "admin-1", date(2026, 3, 1), v.volunteer_number("330106", 2026, 1))


def record(
    vol: v.Volunteer, minutes: int, corrects: str | None = None, day: int = 0
) -> v.HoursRecord:
    start = T + timedelta(days=day)
    return v.record_hours(
        vol,
        record_id_of=corrects,
        project="助老理发",
        content="为独居老人上门理发",
        place="3号楼",
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        organisation="幸福里社区志愿者服务队",
        recorded_by="admin-1",
        recorded_at=start,
    )


def test_hours_records_carry_the_regulations_fields_and_round_down_to_half_hours() -> None:
    vol = certified()
    r = record(vol, 80)
    assert (r.volunteer_number, r.hours, r.organisation) == (
        vol.number,
        Decimal("1.0"),
        "幸福里社区志愿者服务队",
    )
    assert record(vol, 150).hours == Decimal("2.5")
    with pytest.raises(ValidationError):
        record(vol, 0)


def test_corrections_replace_and_periods_filter() -> None:
    vol = certified()
    records = [
        ("r1", record(vol, 120)),
        ("r2", record(vol, 60, day=40)),
        ("r3", record(vol, 180, "r1")),
    ]
    assert v.total_hours(records) == Decimal("4.0")  # r1's 2 h corrected to 3 h, plus 1 h
    assert v.total_hours(records, until=date(2026, 4, 30)) == Decimal("3.0")


def test_bookings_of_offered_slots() -> None:
    slot = (T + timedelta(days=2), T + timedelta(days=2, hours=1))
    offer = v.Offer(volunteer_number="3301062026000017", title="陪同就医", slots=[slot])
    taken: list[v.Booking] = []
    taken.append(v.book(offer, taken, "r1", slot, T))
    with pytest.raises(v.VolunteerError) as twice:
        v.book(offer, taken, "r2", slot, T)
    assert twice.value.code == "volunteer.slot_taken"
    with pytest.raises(v.VolunteerError) as other:
        v.book(offer, taken, "r2", (T, T + timedelta(hours=1)), T)
    assert other.value.code == "volunteer.no_such_slot"


def test_time_bank() -> None:
    entries = [v.TimeEntry(T, Decimal("2.0"), "助老理发"), v.TimeEntry(T, Decimal("1.5"), "陪诊")]
    v.spend(entries, Decimal("3"), "母亲的居家照护", T, beneficiary="mother")
    assert v.balance(entries) == Decimal("0.5")
    with pytest.raises(v.VolunteerError) as short:
        v.spend(entries, Decimal("1"), "x", T)
    assert short.value.code == "timebank.insufficient"


def test_certificate_of_hours() -> None:
    from gov_affairs.adapters.certificate_pdf import render_certificate
    from gov_affairs.domain.certificates import new_code

    vol = certified()
    records = [
        ("r1", record(vol, 120)),
        ("r2", record(vol, 60, day=40)),
        ("r3", record(vol, 180, "r1")),
    ]
    c = v.hours_certificate(
        name="刘洋",
        id_number="11010519900307123X",
        volunteer=vol,
        records=records,
        since=date(2026, 1, 1),
        until=date(2026, 12, 31),
        organisation_zh="幸福里社区志愿者服务队",
        organisation_en="Xingfuli volunteers",
        code=new_code(),
        number="VS-2026-000001",
        issued_on=date(2026, 12, 31),
    )
    values = {line.label.en: line.value for line in c.lines}
    assert values["Hours served"] == "4.0"
    assert values["Volunteer number"] == vol.number
    assert values["ID number"] == "110***********123X"
    assert values["Projects"] == "助老理发"
    assert render_certificate(c, "https://sq.example.gov.cn").startswith(b"%PDF-")


def test_suspended_volunteers_keep_their_number_and_are_reinstated() -> None:
    volunteer = certified()
    paused = v.suspend(volunteer)
    assert (paused.status, paused.number) == ("suspended", volunteer.number)
    with pytest.raises(v.VolunteerError) as twice:
        v.suspend(paused)
    assert twice.value.code == "volunteer.bad_state"
    with pytest.raises(v.VolunteerError, match="certified volunteers"):
        v.record_hours(
            paused,
            project="助老",
            content="陪同",
            place="社区",
            started_at=T,
            ended_at=T + timedelta(hours=1),
            organisation="幸福里社区",
            recorded_by="staff",
            recorded_at=T,
        )
    back = v.reinstate(paused)
    assert (back.status, back.number) == ("certified", volunteer.number)
    with pytest.raises(v.VolunteerError):
        v.reinstate(back)
