"""sc_core.dates.parse_instant: the days and instants people type, read in their zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sc_core.dates import parse_instant
from sc_core.errors import Problem

SHANGHAI = timezone(timedelta(hours=8))


def test_a_bare_day_is_its_midnight_and_as_an_end_the_midnight_after() -> None:
    assert parse_instant("2026-12-01", "Asia/Shanghai").utcoffset() == timedelta(hours=8)
    assert parse_instant("2026-12-01", "Asia/Shanghai").replace(tzinfo=None) == datetime(
        2026, 12, 1
    )
    assert parse_instant("2026-12-31", "Asia/Shanghai", end=True).replace(tzinfo=None) == datetime(
        2027, 1, 1
    )


def test_an_instant_keeps_its_offset_and_a_local_time_takes_the_zone() -> None:
    assert parse_instant("2026-12-01T08:00:00Z", "Asia/Shanghai") == datetime(
        2026, 12, 1, 16, tzinfo=SHANGHAI
    )
    assert parse_instant("2026-12-01T08:00:00", "Asia/Shanghai").utcoffset() == timedelta(hours=8)


def test_the_last_day_of_2200_still_ends_a_range() -> None:
    assert parse_instant("2200-12-31", "Asia/Shanghai", end=True).year == 2201


@pytest.mark.parametrize(
    "value", ["9999-12-31", "0001-01-01", "1899-12-31T23:00:00+08:00", "2201-01-01", "12/01/2026"]
)
def test_a_day_out_of_1900_2200_or_unreadable_is_a_422_in_words(value: str) -> None:
    # 9999-12-31 as the end of a range overflowed (a 500 on the energy API's ?to=)
    with pytest.raises(Problem) as refused:
        parse_instant(value, "Asia/Shanghai", end=True, field="to")
    assert refused.value.status == 422
    assert refused.value.code == "request.bad_date"
    assert "1900" in refused.value.detail and "“to”" in (refused.value.zh or "")
