"""Evaluation (评价) as it leaves the platform: the monthly exchange dataset of a
community's three indices and service KPIs for the district platform (6.8 item 5).

Desensitised: no person, household, building or comment, only the community's figures;
any count under five (a KPI measured on fewer than five cases, a count KPI under five, a
survey with fewer than five responses) is suppressed (``suppressed`` true, no value), so
no figure describes one or a few residents.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData

MONTH_PATTERN = r"^\d{4}-\d{2}$"


class ExchangeIndex(EventData):
    """One of the three indices of the month."""

    index: str = Field(max_length=16, min_length=1, description="gain, security or happiness.")
    value: float | None = Field(ge=0, le=100, description="0-100; null when not measurable.")
    coverage: float = Field(ge=0, le=1, description="Share of the method's weight measured.")


class ExchangeKpi(EventData):
    """One service KPI of the month, or its suppression."""

    kpi: str = Field(max_length=32, min_length=1, description="KPI code, e.g. wo.on_time_rate.")
    unit: str = Field(max_length=8, min_length=1, description="seconds, rate, score or count.")
    value: float | None = Field(description="The figure; null when suppressed or unmeasured.")
    n: int | None = Field(ge=5, description="Cases measured; null when suppressed.")
    suppressed: bool = Field(description="True when fewer than five cases were measured.")


class EvaluationDatasetSharedV1(EventData):
    """A community's month of evaluation figures, desensitised for the district platform."""

    record_id: str = Field(
        max_length=80, min_length=1, description="<community_id>:<YYYY-MM>; the message key."
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    period: str = Field(pattern=MONTH_PATTERN, description="The month, YYYY-MM (Beijing time).")
    method_version: str = Field(
        max_length=16, min_length=1, description="Index method the indices were computed with."
    )
    indices: list[ExchangeIndex] = Field(max_length=3, description="The three indices.")
    kpis: list[ExchangeKpi] = Field(max_length=200, description="Every service KPI.")
    responses: dict[str, int] = Field(
        default_factory=dict,
        description="Survey responses per index questionnaire; fewer than five left out.",
    )
    published_at: AwareDatetime = Field(description="When the figures were computed.")
