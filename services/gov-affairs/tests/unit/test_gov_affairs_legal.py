"""Legal services' rules and words (6.5.4), pure: a fee read in words (free by default), the
life of a booking (cancel before it starts, an outcome once, a rating once after it), each
refusal in zh-CN and English with a stable code; the hotline view's words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gov_affairs.domain import hotline as hl
from gov_affairs.domain import legal as d
from gov_affairs.domain.text import Refusal
from sc_contracts.events import WorkOrderStatus

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def _refused(refusal: Refusal, code: str) -> None:
    assert refusal.code == code
    assert refusal.zh and refusal.message and refusal.zh != refusal.message


def test_a_fee_in_words() -> None:
    assert d.fee_words(0).model_dump() == {"zh": "免费", "en": "free"}
    assert d.fee_words(5000).model_dump() == {"zh": "50.00元", "en": "CNY 50.00"}
    assert d.fee_words(12345).model_dump() == {"zh": "123.45元", "en": "CNY 123.45"}


def test_a_slot_is_booked_before_it_starts_while_it_is_offered() -> None:
    d.check_bookable(
        starts_at=NOW + timedelta(hours=1), withdrawn=False, lawyer_active=True, now=NOW
    )
    with pytest.raises(d.LegalError) as past:
        d.check_bookable(starts_at=NOW, withdrawn=False, lawyer_active=True, now=NOW)
    _refused(past.value, "legal.slot_past")
    with pytest.raises(d.LegalError) as gone:
        d.check_bookable(
            starts_at=NOW + timedelta(hours=1), withdrawn=False, lawyer_active=False, now=NOW
        )
    _refused(gone.value, "legal.slot_unavailable")


def test_cancel_outcome_and_rating_in_their_order() -> None:
    d.check_cancel("booked", NOW + timedelta(minutes=1), NOW)
    with pytest.raises(d.LegalError) as late:
        d.check_cancel("booked", NOW, NOW)
    _refused(late.value, "legal.too_late")
    with pytest.raises(d.LegalError) as done:
        d.check_cancel("done", NOW + timedelta(days=1), NOW)
    _refused(done.value, "legal.not_booked")
    assert done.value.zh == "该预约已咨询，不能取消"  # the state in words, never its code
    d.check_outcome("booked")
    with pytest.raises(d.LegalError) as twice:
        d.check_outcome("done")
    _refused(twice.value, "legal.not_booked")
    d.check_rating("done", rated=False)
    with pytest.raises(d.LegalError) as early:
        d.check_rating("booked", rated=False)
    _refused(early.value, "legal.not_consulted")
    with pytest.raises(d.LegalError) as again:
        d.check_rating("done", rated=True)
    _refused(again.value, "legal.already_rated")


def test_every_code_has_its_words() -> None:
    assert set(d.KIND_WORDS) == set(d.Kind.__args__)
    assert set(d.MODE_WORDS) == set(d.Mode.__args__)
    assert set(d.TOPIC_WORDS) == set(d.Topic.__args__)
    assert set(d.STATUS_WORDS) == set(d.Status.__args__)
    assert set(hl.CASE_STATUSES) == {s.value for s in WorkOrderStatus}
    assert hl.words(hl.STEPS, "reply").zh == "答复"
    assert hl.words(hl.CATEGORIES, "unknown_type").model_dump() == {
        "zh": "unknown_type",
        "en": "unknown_type",
    }
