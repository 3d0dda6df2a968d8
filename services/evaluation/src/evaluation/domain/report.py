"""The monthly report of a community: what goes in it (the PDF adapter draws it).

Indices with their change and the leaf that moved each most, a year's trend, the KPIs
beside last month's, the best and worst services by residents' ratings, and residents'
comments by theme. Every text is a :class:`Text`; no id or code is ever shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from evaluation.domain.indices.explain import Move, TrendPoint, explain_change, trend
from evaluation.domain.indices.method import IndexFigure
from evaluation.domain.kpis.definitions import KPIS, Kpi
from evaluation.domain.kpis.ledger import KpiValue
from evaluation.domain.periods import Granularity, Period
from evaluation.domain.text import Text
from evaluation.domain.themes import ThemeSummary

# names of the case types the work-orders service and the service-hall items gov-affairs
# seed; a type or item added later by an admin is shown as "other services" until their
# events carry its name
SERVICE_NAMES: dict[str, Text] = {
    "repair": Text(zh="报事报修", en="Repairs"),
    "complaint": Text(zh="投诉", en="Complaints"),
    "suggestion": Text(zh="建议", en="Suggestions"),
    "hazard_report": Text(zh="隐患上报", en="Hazard reports"),
    "alarm_dispatch": Text(zh="告警派单", en="Alarm dispatch"),
    "patrol_issue": Text(zh="巡更异常", en="Patrol issues"),
    "inspection": Text(zh="巡检", en="Inspections"),
    "mediation": Text(zh="矛盾调解", en="Mediation"),
    "maintenance_booking": Text(zh="维修预约", en="Maintenance bookings"),
    "hotline_ticket": Text(zh="12345热线工单", en="12345 hotline tickets"),
    "department_task": Text(zh="部门联动任务", en="Department tasks"),
    # the service-hall item gov-affairs seeds (its name as gov-affairs names it)
    "old_age_allowance": Text(zh="高龄补贴申请", en="Old-age allowance"),
    # what a payment order pays for (parking-payment's purposes)
    "parking": Text(zh="停车缴费", en="Parking"),
    "property_bill": Text(zh="物业费", en="Property bills"),
    "ev_charging": Text(zh="电动汽车充电", en="EV charging"),
    "ebike_charging": Text(zh="电动自行车充电", en="E-bike charging"),
    # care: what a vital-sign breach measured, which lone-elder rule opened a visit
    "blood_pressure": Text(zh="血压", en="Blood pressure"),
    "heart_rate": Text(zh="心率", en="Heart rate"),
    "glucose": Text(zh="血糖", en="Blood glucose"),
    "spo2": Text(zh="血氧", en="Blood oxygen"),
    "temperature": Text(zh="体温", en="Temperature"),
    "weight": Text(zh="体重", en="Weight"),
    "meter_silent": Text(zh="表计长时间无读数", en="Meter silent"),
    "no_water": Text(zh="长时间未用水", en="No water used"),
    "unusual_day": Text(zh="当日用量异常", en="Unusual day's use"),
    # the welfare programmes gov-affairs seeds (old_age_allowance is named above)
    "dibao": Text(zh="最低生活保障", en="Minimum living allowance"),
    "temporary_aid": Text(zh="临时救助", en="Hardship aid"),
    "disability_care_subsidy": Text(zh="残疾人护理补贴", en="Disability care subsidy"),
    # who a course is for (gov-affairs' training audiences)
    "residents": Text(zh="居民安全教育", en="Residents' safety education"),
    "staff": Text(zh="员工培训", en="Staff training"),
    # what a legal consultation was about (gov-affairs' legal topics, prefixed)
    "legal_family": Text(zh="婚姻家庭", en="Marriage and family"),
    "legal_labour": Text(zh="劳动用工", en="Work and wages"),
    "legal_housing": Text(zh="房产物业", en="Housing and property management"),
    "legal_neighbours": Text(zh="邻里纠纷", en="Disputes between neighbours"),
    "legal_contract": Text(zh="合同债务", en="Contracts and debts"),
    "legal_inheritance": Text(zh="继承赡养", en="Inheritance and support of parents"),
    "legal_consumer": Text(zh="消费维权", en="Consumer rights"),
    "legal_other": Text(zh="其他法律问题", en="Other legal questions"),
    # the kinds of 三会一课 (gov-affairs' party meetings)
    "branch_assembly": Text(zh="支部党员大会", en="Branch assembly"),
    "branch_committee": Text(zh="支部委员会", en="Branch committee"),
    "group_meeting": Text(zh="党小组会", en="Party group meeting"),
    "party_lecture": Text(zh="党课", en="Party lecture"),
}
OTHER_SERVICE = Text(zh="其他服务", en="Other services")
INDEX_NAMES = {
    "gain": Text(zh="获得感", en="Sense of gain"),
    "security": Text(zh="安全感", en="Sense of security"),
    "happiness": Text(zh="幸福感", en="Happiness"),
}
MIN_RATINGS_FOR_RANKING = 3


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    value: float | None
    previous: float | None
    n: int


@dataclass(frozen=True)
class ServiceRow:
    name: Text
    rating_mean: float
    ratings: int


@dataclass(frozen=True)
class IndexSection:
    figure: IndexFigure
    previous: IndexFigure | None
    history: list[TrendPoint]
    top_move: Move | None  # the leaf that moved the index most since last month

    @property
    def change(self) -> float | None:
        if self.previous is None or self.previous.value is None or self.figure.value is None:
            return None
        return self.figure.value - self.previous.value


@dataclass(frozen=True)
class MonthlyReport:
    community_name: str
    period: Period
    method_version: str
    generated_at: datetime
    indices: list[IndexSection]
    kpis: list[KpiRow]
    best_services: list[ServiceRow]
    worst_services: list[ServiceRow]
    themes: list[ThemeSummary]
    responses: dict[str, int] = field(default_factory=dict)  # questionnaire -> responses


def build_monthly_report(
    *,
    community_name: str,
    period: Period,
    generated_at: datetime,
    figures: Mapping[str, Sequence[IndexFigure]],  # index -> figures of up to 12 months
    kpis: Mapping[str, tuple[KpiValue, KpiValue]],  # kpi -> (this month, last month)
    ratings_by_service: Mapping[str, KpiValue],
    themes: list[ThemeSummary],
    responses: Mapping[str, int],
) -> MonthlyReport:
    if period.granularity is not Granularity.MONTH:
        raise ValueError("the monthly report is for a month")
    sections, version = [], ""
    for code in ("gain", "security", "happiness"):
        series = sorted(figures.get(code, ()), key=lambda f: f.period)
        current = next((f for f in series if f.period == period), None)
        if current is None:
            continue
        version = current.method_version
        prev = next((f for f in series if f.period == period.previous()), None)
        moves = explain_change(prev, current) if prev and prev.value is not None else []
        sections.append(IndexSection(current, prev, trend(series), moves[0] if moves else None))
    rows = [
        KpiRow(KPIS[code], now.value, before.value, now.stat.n)
        for code, (now, before) in kpis.items()
        if code in KPIS and KPIS[code].available
    ]
    best, worst = rank_services(ratings_by_service)
    return MonthlyReport(
        community_name,
        period,
        version,
        generated_at,
        sections,
        rows,
        best,
        worst,
        themes,
        dict(responses),
    )


def rank_services(
    ratings: Mapping[str, KpiValue], top: int = 3
) -> tuple[list[ServiceRow], list[ServiceRow]]:
    """Best and worst services by mean rating (with enough ratings); none in both lists."""
    merged: dict[str, tuple[float, int]] = {}
    for code, v in ratings.items():
        if v.value is None:
            continue
        name = SERVICE_NAMES.get(code, OTHER_SERVICE)
        total, n = merged.get(name.zh, (0.0, 0))
        merged[name.zh] = (total + v.stat.num, n + int(v.stat.den))
    names = {t.zh: t for t in [*SERVICE_NAMES.values(), OTHER_SERVICE]}
    rows = [
        ServiceRow(names[k], s / n, n)
        for k, (s, n) in merged.items()
        if n >= MIN_RATINGS_FOR_RANKING
    ]
    ordered = sorted(rows, key=lambda r: (-r.rating_mean, -r.ratings, r.name.zh))
    best = ordered[:top]
    worst = [r for r in reversed(ordered) if r not in best][:top]
    return best, worst
