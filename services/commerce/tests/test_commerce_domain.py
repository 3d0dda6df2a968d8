"""The pure rules of commerce: opening hours in words, re-verification after a change,
recycling credits, distances."""

from __future__ import annotations

import pytest

from commerce.domain import listings as lr
from commerce.domain.merchants import Hours, after_update, check_hours, hours_text, may_review
from commerce.domain.points import distance_m, distance_text
from commerce.domain.recycling import credits_for, weight_text
from sc_contracts.events import ListingChange, ListingStatus


def test_opening_hours_read_as_people_say_them() -> None:
    hours = [Hours((1, 2, 3, 4, 5), "08:00", "20:00"), Hours((6, 7), "22:00", "02:00")]
    zh, en = hours_text(hours)
    assert zh == "周一至周五 08:00-20:00；周六至周日 22:00-次日02:00"
    assert en == "Mon-Fri 08:00-20:00; Sat-Sun 22:00-02:00 (next day)"
    assert hours_text([Hours((1, 3), "09:00", "17:00")]) == (
        "周一、周三 09:00-17:00",
        "Mon, Wed 09:00-17:00",
    )
    assert check_hours(hours) is None
    assert check_hours([Hours((8,), "08:00", "20:00")]) is not None
    assert check_hours([Hours((1,), "8:00", "20:00")]) is not None
    assert check_hours([Hours((1,), "08:00", "08:00")]) is not None


def test_a_changed_registration_is_verified_again() -> None:
    assert after_update("verified", ["opening_hours", "phone"]) == "verified"
    assert after_update("verified", ["phone", "credit_code"]) == "pending"
    assert after_update("rejected", ["phone"]) == "pending"
    assert after_update("pending", ["name"]) == "pending"
    assert may_review("pending") and not may_review("verified") and not may_review("rejected")


@pytest.mark.parametrize(
    ("category", "grams", "credits"),
    [("paper", 2500, 25), ("plastic", 999, 14), ("electronics", 1000, 30), ("glass", 150, 0)],
)
def test_credits_are_whole_and_rounded_down(category: str, grams: int, credits: int) -> None:
    assert credits_for(category, grams) == credits


def test_weights_and_distances_in_words() -> None:
    assert weight_text(2500) == ("2.5 千克", "2.5 kg")
    assert weight_text(1000) == ("1 千克", "1 kg")
    # Tiananmen to the Forbidden City's north gate: about 1.4 km
    d = distance_m(39.9087, 116.3975, 39.9216, 116.3971)
    assert 1400 < d < 1500
    assert distance_text(d) == ("1.4 公里", "1.4 km")
    assert distance_text(847) == ("850 米", "850 m")


def test_listing_prices_in_words_and_the_moderation_steps() -> None:
    assert lr.price_text("rent", 350_000) == ("月租 3,500 元", "3,500 yuan a month")
    assert lr.price_text("rent", 350_050) == ("月租 3,500.50 元", "3,500.50 yuan a month")
    assert lr.price_text("sale", 285_000_000)[0] == "售价 285 万元"
    assert lr.price_text("sale", 123_456_700)[0] == "售价 123.46 万元"
    assert lr.price_text("sale", 800_000)[0] == "售价 8,000 元"
    assert lr.area_text(89.5) == ("89.5 平方米", "89.5 m²")
    assert lr.first_status(on_behalf=False) == ListingStatus.PENDING
    assert lr.first_status(on_behalf=True) == ListingStatus.PUBLISHED
    assert lr.step("pending", ListingChange.PUBLISHED) == ListingStatus.PUBLISHED
    assert lr.step("published", ListingChange.WITHDRAWN) == ListingStatus.WITHDRAWN
    assert lr.step("published", ListingChange.REJECTED) is None
    assert lr.step("withdrawn", ListingChange.WITHDRAWN) is None


def test_product_prices_in_words() -> None:
    from commerce.domain import shops as sr

    assert sr.price_text(650, "斤") == ("6.50 元/斤", "6.50 yuan per 斤")
    assert sr.price_text(123_400, None) == ("1,234 元", "1,234 yuan")


def test_a_bin_s_fill_level_in_words() -> None:
    from commerce.domain.bins import fill_text

    assert fill_text(None) == ("暂无读数", "No reading yet")
    assert fill_text(0.3) == ("30%，有空余", "30%, room left")
    assert fill_text(0.7)[0] == "70%，较满"
    assert fill_text(0.9)[0] == "90%，已满待清运"
    assert fill_text(1.2)[0] == "100%，已满待清运"
