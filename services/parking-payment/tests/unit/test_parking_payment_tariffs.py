from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from parking_payment.domain.errors import DomainError
from parking_payment.domain.tariffs import CapPeriod, Coverage, NightRule, Tariff, compute_fee

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 12, day, hh, mm, tzinfo=SH)


BASIC = Tariff(unit_price=300, free_minutes=15)  # 3 元/小时, 15 分钟免费


def test_two_hours_ten_minutes_pays_three_started_hours():
    fee = compute_fee(BASIC, at(3, 9), at(3, 11, 10))
    assert fee.total == 900
    assert fee.minutes == 130
    assert fee.lines[0].day_units == 3


def test_free_minutes_cost_nothing_and_are_not_deducted_by_default():
    assert compute_fee(BASIC, at(3, 9), at(3, 9, 15)).total == 0
    assert compute_fee(BASIC, at(3, 9), at(3, 9, 15)).free_reason == "free_period"
    assert compute_fee(BASIC, at(3, 9), at(3, 9, 16)).total == 300


def test_free_minutes_deducted_when_the_tariff_says_so():
    tariff = Tariff(unit_price=300, free_minutes=30, free_minutes_deducted=True)
    assert compute_fee(tariff, at(3, 9), at(3, 10, 30)).total == 300
    assert compute_fee(tariff, at(3, 9), at(3, 10, 31)).total == 600


def test_first_unit_price():
    tariff = Tariff(unit_price=200, first_unit_price=500, free_minutes=0)
    assert compute_fee(tariff, at(3, 9), at(3, 11, 30)).total == 500 + 200 + 200


def test_calendar_day_cap():
    tariff = Tariff(unit_price=300, cap=2000)
    fee = compute_fee(tariff, at(3, 8), at(4, 10))  # 16 h on the 3rd, 10 h on the 4th
    assert [line.label for line in fee.lines] == ["2026-12-03", "2026-12-04"]
    assert [line.charged for line in fee.lines] == [2000, 2000]
    assert fee.lines[0].capped
    assert fee.total == 4000


def test_rolling_24h_cap():
    tariff = Tariff(unit_price=300, cap=2000, cap_period=CapPeriod.rolling_24h)
    fee = compute_fee(tariff, at(3, 8), at(4, 10))  # 24 h then 2 h
    assert [line.charged for line in fee.lines] == [2000, 600]


def test_night_unit_price_and_window_across_midnight():
    night = NightRule(start=time(20), end=time(8), unit_price=100)
    tariff = Tariff(unit_price=300, free_minutes=0, night=night)
    fee = compute_fee(tariff, at(3, 18), at(4, 9))  # 18-20 day, 20-08 night, 08-09 day
    assert fee.total == 2 * 300 + 12 * 100 + 300
    assert sum(line.night_units for line in fee.lines) == 12


def test_flat_night_price_charged_once_per_night():
    night = NightRule(start=time(22), end=time(7), flat_price=1000)
    tariff = Tariff(unit_price=300, free_minutes=0, night=night)
    fee = compute_fee(tariff, at(3, 21), at(5, 8))  # two nights
    day_hours = 1 + 15 + 1  # 21-22 on the 3rd, 07-22 on the 4th, 07-08 on the 5th
    assert fee.total == day_hours * 300 + 2 * 1000


def test_monthly_pass_window_is_free_and_outside_it_is_charged():
    tariff = Tariff(unit_price=300, free_minutes=0)
    cover = Coverage(at(1, 0), at(4, 0), "monthly")
    fee = compute_fee(tariff, at(3, 22), at(4, 2), [cover])
    assert fee.total == 2 * 300
    assert sum(line.covered_units for line in fee.lines) == 2


def test_permanent_pass_covers_everything():
    cover = Coverage(at(1, 0), None, "owner_permanent")
    fee = compute_fee(BASIC, at(3, 9), at(5, 9), [cover])
    assert fee.total == 0
    assert fee.free_reason == "covered"


def test_timezone_of_the_tariff_decides_the_day():
    tariff = Tariff(unit_price=300, free_minutes=0, cap=500)
    entry = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    fee = compute_fee(tariff, entry, entry + timedelta(hours=3))
    assert [line.label for line in fee.lines] == ["2026-12-03", "2026-12-04"]
    assert fee.total == 300 + 500


def test_leave_before_entry_is_free():
    assert compute_fee(BASIC, at(3, 9), at(3, 8)).total == 0


def test_bad_tariffs_refused():
    with pytest.raises(DomainError):
        Tariff(unit_price=-1)
    with pytest.raises(DomainError):
        Tariff(unit_price=100, unit_minutes=0)
    with pytest.raises(DomainError):
        NightRule(start=time(20), end=time(8))
    with pytest.raises(DomainError):
        NightRule(start=time(20), end=time(8), unit_price=1, flat_price=1)


def test_stay_too_long_is_refused():
    with pytest.raises(DomainError) as err:
        compute_fee(BASIC, at(3, 9), at(3, 9) + timedelta(days=401))
    assert err.value.code == "parking.stay_too_long"


def test_tariff_as_data_round_trip_and_garbage():
    from parking_payment.domain.tariffs import tariff_from_rules, tariff_rules

    night = NightRule(start=time(22), end=time(7), flat_price=1000)
    tariff = Tariff(unit_price=300, cap=2000, first_unit_price=500, night=night)
    assert tariff_from_rules(tariff_rules(tariff)) == tariff
    for bad in (
        {},
        {"unit_price": "x"},
        {"unit_price": 1, "night": {"start": "25:00", "end": "1"}},
    ):
        with pytest.raises(DomainError) as err:
            tariff_from_rules(bad)
        assert err.value.code == "parking.tariff_invalid"


def test_tariff_for_people():
    from parking_payment.domain.tariffs import describe_tariff

    assert describe_tariff(Tariff(unit_price=300, cap=2000)) == (
        "15分钟内免费，每小时3.00元，每日封顶20.00元，缴费后15分钟内离场"
    )
    night = NightRule(start=time(22), end=time(7), flat_price=1000)
    assert describe_tariff(
        Tariff(unit_price=300, free_minutes=0, first_unit_price=500, night=night)
    ) == ("首小时5.00元，每小时3.00元，夜间22:00至07:00包夜10.00元，缴费后15分钟内离场")
