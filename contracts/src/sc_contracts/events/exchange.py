"""Exchange with city and district platforms (5.2, 6.7.1 b): the datasets gov-affairs
sends a recipient under an exchange agreement, one record per agreement and period, on
``exchange.<dataset>.v1`` (ADR 0036).

Desensitised before they leave: counts only (households, residents, rooms, cases,
alarms) per building or per community, never a name, an ID number, a phone, a face id or
a position; a count from one to four is suppressed (null, and the row says
``suppressed``), so no figure describes one or a few residents. A field the agreement
does not list is absent (null). Keyed by the recipient: one recipient's records stay in
order.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData

PERIOD_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DIVISION_PATTERN = r"^\d{6}$"  # GB/T 2260 行政区划代码


class ExchangeRecord(EventData):
    """What every exchange record says about itself (shared by the dataset records)."""

    record_id: str = Field(
        max_length=120, min_length=1, description="<agreement id>:<dataset>:<period>; unique."
    )
    recipient: str = Field(
        max_length=64, min_length=1, description="The recipient's code (message key)."
    )
    agreement_id: str = Field(max_length=64, min_length=1, description="The agreement.")
    dataset: str = Field(
        max_length=16, min_length=1, description="population, houses, cases or alarms."
    )
    period: str = Field(
        pattern=PERIOD_PATTERN, description="The day (YYYY-MM-DD) or month (YYYY-MM), Beijing time."
    )
    aggregation: str = Field(max_length=16, min_length=1, description="building or community.")
    grade: str = Field(
        max_length=16, min_length=1, description="Highest sensitivity grade the record holds."
    )
    fields: list[str] = Field(max_length=32, description="The fields the agreement allows.")
    suppressed: int = Field(ge=0, description="Rows whose figures were under five.")
    built_at: AwareDatetime = Field(description="When the record was built.")


class PopulationRow(EventData):
    """Households and residents of one building or community, by residence type."""

    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    division_code: str | None = Field(
        default=None,
        max_length=6,
        pattern=DIVISION_PATTERN,
        description="The community's GB/T 2260 division code, when known (added 2026-12).",
    )
    building_id: str | None = Field(
        default=None, max_length=64, description="Building (per-building records)."
    )
    households: int | None = Field(default=None, ge=0, description="Households living there.")
    residents: int | None = Field(default=None, ge=0, description="Residents living there.")
    owners: int | None = Field(default=None, ge=0, description="Residents who own their home.")
    family: int | None = Field(default=None, ge=0, description="Family members of an owner.")
    tenants: int | None = Field(default=None, ge=0, description="Tenants.")
    # added 2026-12: residents by GB/T 2261.1 sex code (人的性别代码), each a count like the others
    sex_1: int | None = Field(
        default=None, ge=0, description="Residents of GB/T 2261.1 sex code 1 (male)."
    )
    sex_2: int | None = Field(
        default=None, ge=0, description="Residents of GB/T 2261.1 sex code 2 (female)."
    )
    sex_9: int | None = Field(
        default=None,
        ge=0,
        description="Residents of GB/T 2261.1 sex code 9 (not stated).",
    )
    sex_0: int | None = Field(
        default=None,
        ge=0,
        description="Residents of GB/T 2261.1 sex code 0 (unknown: not recorded).",
    )
    suppressed: bool = Field(description="True when fewer than five residents live there.")


class PopulationSharedV1(ExchangeRecord):
    """Population counts of the agreement's communities, as known at built_at."""

    rows: list[PopulationRow] = Field(max_length=5000, description="One row per place.")


class HouseRow(EventData):
    """Rooms (houses) of one building or community, by occupancy and use."""

    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    division_code: str | None = Field(
        default=None,
        max_length=6,
        pattern=DIVISION_PATTERN,
        description="The community's GB/T 2260 division code, when known (added 2026-12).",
    )
    building_id: str | None = Field(
        default=None, max_length=64, description="Building (per-building records)."
    )
    rooms: int | None = Field(default=None, ge=0, description="Rooms the register knows.")
    occupied: int | None = Field(default=None, ge=0, description="Rooms a household lives in.")
    vacant: int | None = Field(default=None, ge=0, description="Rooms no household lives in.")
    owner_occupied: int | None = Field(default=None, ge=0, description="Rooms an owner lives in.")
    rented: int | None = Field(default=None, ge=0, description="Rooms a tenant lives in.")
    suppressed: bool = Field(description="True when fewer than five rooms are known there.")


class HousesSharedV1(ExchangeRecord):
    """Houses of the agreement's communities, as known at built_at."""

    rows: list[HouseRow] = Field(max_length=5000, description="One row per place.")


class CaseCountRow(EventData):
    """Cases (work orders) opened on one day in one community, of one type and state."""

    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    division_code: str | None = Field(
        default=None,
        max_length=6,
        pattern=DIVISION_PATTERN,
        description="The community's GB/T 2260 division code, when known (added 2026-12).",
    )
    day: str = Field(pattern=DAY_PATTERN, description="The day the cases were opened.")
    case_type: str | None = Field(default=None, max_length=32, description="Case type code.")
    status: str | None = Field(default=None, max_length=16, description="State at built_at.")
    count: int | None = Field(default=None, ge=0, description="Cases; null when under five.")
    suppressed: bool = Field(description="True when fewer than five cases.")


class CasesSharedV1(ExchangeRecord):
    """Case counts per community and day of the period."""

    rows: list[CaseCountRow] = Field(max_length=20000, description="One row per group.")


class AlarmCountRow(EventData):
    """Alarms raised on one day in one community, of one type and severity."""

    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    division_code: str | None = Field(
        default=None,
        max_length=6,
        pattern=DIVISION_PATTERN,
        description="The community's GB/T 2260 division code, when known (added 2026-12).",
    )
    day: str = Field(pattern=DAY_PATTERN, description="The day the alarms were raised.")
    alarm_type: str | None = Field(default=None, max_length=64, description="Alarm type.")
    severity: str | None = Field(default=None, max_length=16, description="Severity.")
    count: int | None = Field(default=None, ge=0, description="Alarms; null when under five.")
    suppressed: bool = Field(description="True when fewer than five alarms.")


class AlarmsSharedV1(ExchangeRecord):
    """Alarm counts per community and day of the period."""

    rows: list[AlarmCountRow] = Field(max_length=20000, description="One row per group.")
