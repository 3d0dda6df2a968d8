"""Disability support, pure: a form's certificate number against the register's, updates
keep the holder, an assistive device's steps and replacement date, counts per place."""

from __future__ import annotations

from datetime import date

import pytest

from gov_affairs.domain import disability as d
from sc_core.validators import id_number_check_char

FIRST = "11010519450312002"
ID = FIRST + id_number_check_char(FIRST)
TODAY = date(2026, 12, 5)


def test_a_form_number_is_the_registered_one_and_still_valid() -> None:
    d.check_card(ID + "42", date(2030, 1, 1), f" {ID.lower()}42 ", TODAY)  # as typed
    with pytest.raises(d.DisabilityError) as differs:
        d.check_card(ID + "42", date(2030, 1, 1), ID + "41", TODAY)
    assert differs.value.code == "disability.card_mismatch"
    assert "与登记的不一致" in differs.value.zh
    with pytest.raises(d.DisabilityError) as expired:
        d.check_card(ID + "42", date(2026, 12, 4), ID + "42", TODAY)
    assert expired.value.code == "disability.card_expired"
    assert "2026-12-04" in expired.value.zh and "2026-12-04" in expired.value.message
    d.check_card(ID + "42", TODAY, ID + "42", TODAY)  # valid through its last day


def test_an_update_keeps_the_holder() -> None:
    d.same_holder(ID + "42", ID + "41")
    other = "11010519650101002"
    with pytest.raises(d.DisabilityError) as exc:
        d.same_holder(ID + "42", other + id_number_check_char(other) + "42")
    assert exc.value.code == "disability.other_holder"


def test_device_steps_in_order_only() -> None:
    assert d.step("applied", "approve") == "approved"
    assert d.step("applied", "refuse") == "refused"
    assert d.step("approved", "issue_grant") == "issued"
    assert d.step("approved", "issue_loan") == "on_loan"
    assert d.step("on_loan", "return") == "returned"
    for status, action in (
        ("applied", "issue_loan"),
        ("refused", "approve"),
        ("issued", "return"),
        ("returned", "return"),
        ("approved", "approve"),
    ):
        with pytest.raises(d.DisabilityError) as exc:
            d.step(status, action)
        assert exc.value.code == "disability.device_state"


def test_replacement_follows_the_device_life_and_dates_are_checked() -> None:
    assert d.replacement_due("wheelchair", date(2026, 2, 28)) == date(2031, 2, 28)
    assert d.replacement_due("white_cane", date(2024, 2, 29)) == date(2026, 2, 28)
    assert d.device_name("hearing_aid").zh == "助听器"
    with pytest.raises(d.DisabilityError) as future:
        d.check_dates(date(2026, 12, 6), None, TODAY)
    assert future.value.code == "disability.issued_in_future"
    with pytest.raises(d.DisabilityError) as before:
        d.check_dates(TODAY, TODAY, TODAY)
    assert before.value.code == "disability.replace_before_issue"


def test_counts_per_place_and_no_person() -> None:
    stats = d.statistics(
        [
            d.Holder("g-1", "4", 2, True),
            d.Holder("g-1", "4", 1, True),
            d.Holder("g-1", "1", 2, False),
            d.Holder("g-2", "2", 3, True),
        ],
        [d.Lent("g-1", "on_loan"), d.Lent("g-1", "on_loan"), d.Lent("g-3", "applied")],
    )
    by = {s.place_id: s for s in stats}
    assert list(by) == ["g-1", "g-2", "g-3"]
    g1 = by["g-1"]
    assert (g1.holders, g1.expired) == (2, 1)
    assert (g1.by_category, g1.by_grade, g1.devices) == ({"4": 2}, {"1": 1, "2": 1}, {"on_loan": 2})
    assert (by["g-3"].holders, by["g-3"].devices) == (0, {"applied": 1})
