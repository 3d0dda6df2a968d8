from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from parking_payment.domain.errors import DomainError
from parking_payment.domain.passes import (
    VisitorPolicy,
    monthly_coverage,
    permanent_coverage,
    visitor_coverage,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 9, tzinfo=SH)


def test_monthly_pass_covers_whole_local_days_inclusive():
    cover = monthly_coverage(date(2026, 12, 1), date(2026, 12, 31), SH)
    assert cover.covers(datetime(2026, 12, 1, 0, 0, tzinfo=SH))
    assert cover.covers(datetime(2026, 12, 31, 23, 59, tzinfo=SH))
    assert not cover.covers(datetime(2027, 1, 1, 0, 0, tzinfo=SH))
    assert not cover.covers(datetime(2026, 11, 30, 23, 59, tzinfo=SH))
    with pytest.raises(DomainError):
        monthly_coverage(date(2026, 12, 2), date(2026, 12, 1), SH)


def test_permanent_pass():
    assert permanent_coverage(date(2020, 1, 1), SH).covers(NOW + timedelta(days=3650))


def test_visitor_pass_rules():
    policy = VisitorPolicy(max_hours=24, per_month=2)
    cover = visitor_coverage(policy, NOW, NOW + timedelta(hours=4), NOW, 0)
    assert cover.kind == "visitor"
    cases = [
        ((NOW, NOW, NOW, 0), "parking.pass_invalid"),
        ((NOW - timedelta(hours=5), NOW - timedelta(hours=1), NOW, 0), "parking.pass_invalid"),
        ((NOW, NOW + timedelta(hours=25), NOW, 0), "parking.pass_too_long"),
        ((NOW, NOW + timedelta(hours=2), NOW, 2), "parking.pass_quota_exceeded"),
    ]
    for (start, end, now, granted), code in cases:
        with pytest.raises(DomainError) as err:
            visitor_coverage(policy, start, end, now, granted)
        assert err.value.code == code
