"""Settings refuse a retention under a year; the partition and retention rule as dates;
CSV cells cannot become formulas."""

from __future__ import annotations

from datetime import date

import pytest
from audit.api.export import cell
from audit.config import Settings
from audit.domain.partitions import add_months, expired, months_to_ensure, partition_name
from pydantic import ValidationError


def test_retention_under_365_days_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 365"):
        Settings(audit_retention_days=364)
    assert Settings(audit_retention_days=365).audit_retention_days == 365
    assert Settings().audit_retention_days >= 365


def test_retention_from_the_environment_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "180")
    with pytest.raises(ValidationError, match="AUDIT_RETENTION_DAYS must be at least 365"):
        Settings()


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Settings(audit_timezone="Mars/Olympus")


def test_months_and_partition_names() -> None:
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert months_to_ensure(date(2026, 5, 17), 2) == [
        date(2026, 4, 1),
        date(2026, 5, 1),
        date(2026, 6, 1),
        date(2026, 7, 1),
    ]
    assert partition_name(date(2026, 5, 1)) == "audit_record_y2026m05"


def test_only_months_entirely_past_the_retention_expire() -> None:
    today = date(2026, 5, 17)  # cutoff with 365 days: 2025-05-17
    assert expired(date(2025, 4, 1), today, 365)  # ends 2025-05-01
    assert not expired(date(2025, 5, 1), today, 365)  # holds days after the cutoff
    assert not expired(date(2025, 4, 1), today, 400)  # cutoff 2025-04-12


def test_csv_cells_never_start_a_formula() -> None:
    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("-1+1") == "'-1+1"
    assert cell(["auditor", "platform_admin"]) == "auditor platform_admin"
    assert cell({"b": "2", "a": "1"}) == '{"a": "1", "b": "2"}'
    assert cell(None) == ""
