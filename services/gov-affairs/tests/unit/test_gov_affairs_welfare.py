"""Welfare programmes as data: eligibility and amounts, enrolment, re-examination, monthly
payments once per month, statistics per grid and community, disability certificates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gov_affairs.domain import welfare as w
from gov_affairs.domain.defaults import (
    DIBAO_PROGRAMME,
    DISABILITY_PROGRAMME,
    OLD_AGE_PROGRAMME,
    TEMPORARY_AID_PROGRAMME,
)
from sc_core.validators import id_number_check_char


@pytest.mark.parametrize(
    ("age", "amount", "band"),
    [
        (80, "100.00", "80至89周岁"),
        (89, "100.00", "80至89周岁"),
        (90, "300.00", "90至99周岁"),
        (104, "500.00", "百岁及以上"),
    ],
)
def test_old_age_allowance_bands(age: int, amount: str, band: str) -> None:
    a = w.assess(OLD_AGE_PROGRAMME, {"subject": {"age": age}, "form": {"hukou_local": True}})
    assert (a.eligible, a.monthly_amount, a.tier and a.tier.zh) == (True, Decimal(amount), band)


def test_old_age_allowance_refusal_says_why() -> None:
    a = w.assess(OLD_AGE_PROGRAMME, {"subject": {"age": 79}, "form": {"hukou_local": False}})
    assert a.eligible is False
    assert [r.zh for r in a.reasons] == ["年满80周岁", "本市户籍"]
    assert w.assess(OLD_AGE_PROGRAMME, {"subject": {"age": 85}}).eligible is None


def test_dibao_pays_the_gap_to_the_standard_for_each_member() -> None:
    facts = {
        "form": {
            "hukou_local": True,
            "per_capita_income": 700,
            "household_size": 3,
            "owns_second_home": False,
        }
    }
    assert w.assess(DIBAO_PROGRAMME, facts).monthly_amount == Decimal("1200.00")  # (1100-700)×3
    facts["form"]["per_capita_income"] = 1050
    assert w.assess(DIBAO_PROGRAMME, facts).monthly_amount == Decimal("300.00")  # floor 100 a head
    facts["form"]["per_capita_income"] = 1100
    assert w.assess(DIBAO_PROGRAMME, facts).eligible is False


def test_temporary_aid_is_one_off_and_capped() -> None:
    a = w.assess(
        TEMPORARY_AID_PROGRAMME, {"form": {"emergency": "illness", "requested_amount": 5000}}
    )
    assert (a.one_off_amount, a.monthly_amount) == (Decimal("3300.00"), None)
    record = w.enrol(
        TEMPORARY_AID_PROGRAMME,
        a,
        person_ref="p",
        community_id="c",
        grid_id="g",
        since=date(2026, 3, 5),
    )
    assert record.status == "ended"
    assert [(p.month, p.amount) for p in record.payments] == [("2026-03", Decimal("3300.00"))]
    assert w.payments_due(record, "2026-04") is None


def test_disability_subsidy_by_grade() -> None:
    assert w.assess(
        DISABILITY_PROGRAMME, {"subject": {"disability_grade": 1}}
    ).monthly_amount == Decimal(150)
    assert w.assess(DISABILITY_PROGRAMME, {"subject": {"disability_grade": 3}}).eligible is False


def enrolled(
    since: date = date(2026, 3, 3), grid: str | None = "g1", community: str = "c1"
) -> w.Beneficiary:
    a = w.assess(OLD_AGE_PROGRAMME, {"subject": {"age": 91}, "form": {"hukou_local": True}})
    return w.enrol(
        OLD_AGE_PROGRAMME, a, person_ref="p1", community_id=community, grid_id=grid, since=since
    )


def test_payments_start_the_month_after_and_never_twice() -> None:
    r = enrolled()
    assert r.next_review_on == date(2027, 3, 3)
    assert w.payments_due(r, "2026-03") is None
    due = w.payments_due(r, "2026-04")
    assert due is not None and due.amount == Decimal("300.00")
    r.payments.append(due)
    assert w.payments_due(r, "2026-04") is None
    assert w.payments_due(r, "2026-05") is not None


def test_review_continues_adjusts_suspends_and_ends() -> None:
    r = enrolled()
    assert w.due_for_review([r], date(2027, 3, 2)) == []
    assert w.due_for_review([r], date(2027, 3, 3)) == [r]
    r = w.review(
        r,
        OLD_AGE_PROGRAMME,
        on=date(2027, 3, 5),
        by="officer",
        outcome="adjust",
        monthly_amount=Decimal("350"),
    )
    assert (r.monthly_amount, r.next_review_on) == (Decimal("350.00"), date(2028, 3, 5))
    r = w.review(
        r, OLD_AGE_PROGRAMME, on=date(2027, 6, 1), by="officer", outcome="suspend", note="外出未归"
    )
    assert w.payments_due(r, "2027-07") is None
    r = w.review(
        r, OLD_AGE_PROGRAMME, on=date(2027, 7, 1), by="officer", outcome="end", note="迁出"
    )
    assert (r.status, r.next_review_on) == ("ended", None)
    with pytest.raises(w.WelfareError):
        w.review(r, OLD_AGE_PROGRAMME, on=date(2027, 8, 1), by="officer", outcome="continue")
    with pytest.raises(w.WelfareError):
        w.review(enrolled(), OLD_AGE_PROGRAMME, on=date(2027, 3, 5), by="o", outcome="adjust")


def test_statistics_per_grid_and_community() -> None:
    a, b, c = enrolled(grid="g1"), enrolled(grid="g1"), enrolled(grid="g2", community="c1")
    d = enrolled(grid=None, community="c2")
    for r in (a, b, d):
        p = w.payments_due(r, "2026-04")
        assert p is not None
        r.payments.append(p)
    c = w.review(c, OLD_AGE_PROGRAMME, on=date(2026, 3, 20), by="o", outcome="suspend")
    by_grid = {
        (s.place_id, s.programme): s for s in w.statistics([a, b, c, d], by="grid", month="2026-04")
    }
    assert by_grid[("g1", "old_age_allowance")].active == 2
    assert by_grid[("g1", "old_age_allowance")].monthly_total == Decimal("600.00")
    assert by_grid[("g1", "old_age_allowance")].paid_in_month == Decimal("600.00")
    assert by_grid[("g2", "old_age_allowance")].active == 0
    assert by_grid[("—", "old_age_allowance")].active == 1
    by_community = {
        s.place_id: s for s in w.statistics([a, b, c, d], by="community", month="2026-04")
    }
    assert (by_community["c1"].active, by_community["c2"].active) == (2, 1)


def test_months_are_added_to_the_month_end() -> None:
    assert w.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert w.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_disability_certificate_numbers() -> None:
    first = "11010519450312002"
    number = first + id_number_check_char(first)
    card = w.parse_disability_card(number + "42")
    assert (card.category, card.grade) == ("4", 2)
    assert w.DISABILITY_CATEGORIES[card.category].zh == "肢体残疾"
    wrong_check = first + ("0" if number[-1] != "0" else "1")
    for bad in (number + "82", number + "45", wrong_check + "42", "123"):
        with pytest.raises(w.WelfareError):
            w.parse_disability_card(bad)
