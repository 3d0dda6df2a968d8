"""Residence registration and permits: eligibility facts, issue, yearly endorsement,
reminders before it falls due, each once."""

from __future__ import annotations

from datetime import date

import pytest

from gov_affairs.domain import migrants as m
from gov_affairs.domain.rules import evaluate, parse_rule


def registration(moved_in: date = date(2025, 9, 15)) -> m.Registration:
    return m.Registration(
        person_ref="p1",
        community_id="330106001",
        room_id="r1",
        origin_division="511302",
        reason="work",
        employer="杭州某科技公司",
        moved_in_on=moved_in,
        registered_on=moved_in,
        registered_by="grid-1",
    )


def test_months_resident() -> None:
    reg = registration()
    assert m.months_resident(reg, date(2026, 3, 14)) == 5
    assert m.months_resident(reg, date(2026, 3, 15)) == 6


def test_permit_eligibility_after_half_a_year_with_work_residence_or_study() -> None:
    rule = parse_rule(m.PERMIT_ELIGIBILITY)
    reg = registration()
    facts = m.permit_facts(
        reg, date(2026, 3, 15), employed=True, owns_or_rents=False, studying=False
    )
    assert evaluate(rule, facts).passed is True
    early = m.permit_facts(
        reg, date(2026, 3, 1), employed=True, owns_or_rents=False, studying=False
    )
    assert [r.zh for r in evaluate(rule, early).reasons] == ["在本地居住满半年"]
    idle = m.permit_facts(
        reg, date(2026, 4, 1), employed=False, owns_or_rents=False, studying=False
    )
    assert evaluate(rule, idle).passed is False


def test_issue_endorse_lapse() -> None:
    p = m.issue(m.Permit(person_ref="p1", community_id="c"), "ZJ-2026-0001", date(2026, 4, 1))
    assert (p.status, p.valid_until) == ("issued", date(2027, 4, 1))
    with pytest.raises(m.PermitError):
        m.issue(p, "x", date(2026, 4, 2))
    p2 = m.endorse(p, date(2027, 3, 20))  # endorsed in time: a year from the old end
    assert p2.valid_until == date(2028, 4, 1)
    lapsed = m.lapse_if_due(p, date(2027, 4, 2))
    assert lapsed.status == "lapsed"
    late = m.endorse(lapsed, date(2027, 5, 10))  # endorsed late: a year from the endorsement
    assert (late.status, late.valid_until) == ("issued", date(2028, 5, 10))


def test_reminders_30_and_7_days_before_each_once() -> None:
    p = m.issue(m.Permit(person_ref="p1", community_id="c"), "n", date(2026, 4, 1))
    assert m.reminders_due([p], date(2027, 3, 1)) == []
    [r] = m.reminders_due([p], date(2027, 3, 2))
    assert (r.days_left, r.key) == (30, "2027-04-01:30")
    p.reminders_sent.append(r.key)
    assert m.reminders_due([p], date(2027, 3, 10)) == []
    [r7] = m.reminders_due([p], date(2027, 3, 26))
    assert r7.key == "2027-04-01:7"
    # after an endorsement the next year's reminders are new ones
    p = m.endorse(p, date(2027, 3, 27))
    assert m.reminders_due([p], date(2028, 3, 2))[0].key == "2028-04-01:30"
    assert m.reminders_due([m.cancel(p)], date(2028, 3, 2)) == []
