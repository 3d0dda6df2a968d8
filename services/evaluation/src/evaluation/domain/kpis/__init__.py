"""Service KPIs computed from other services' events."""

from evaluation.domain.kpis.civic import LegalStep, PartyMeeting, PartyOpinionStep, fact_of
from evaluation.domain.kpis.definitions import KPIS, Kpi
from evaluation.domain.kpis.derive import Contribution, derive
from evaluation.domain.kpis.facts import (
    ActivitySnapshot,
    AlarmSnapshot,
    CareBreach,
    CheckOnVisit,
    Delivery,
    DeliveryRead,
    Fact,
    HallStep,
    PaymentOutcome,
    TrainingStep,
    WanderingMove,
    WelfareStep,
    WorkOrderBreach,
    WorkOrderRating,
    WorkOrderStep,
)
from evaluation.domain.kpis.ledger import BucketKey, KpiLedger, KpiValue, Stat, diff, value_of

__all__ = [
    "KPIS",
    "ActivitySnapshot",
    "AlarmSnapshot",
    "BucketKey",
    "CareBreach",
    "CheckOnVisit",
    "Contribution",
    "Delivery",
    "DeliveryRead",
    "Fact",
    "HallStep",
    "Kpi",
    "KpiLedger",
    "KpiValue",
    "LegalStep",
    "PartyMeeting",
    "PartyOpinionStep",
    "PaymentOutcome",
    "Stat",
    "TrainingStep",
    "WanderingMove",
    "WelfareStep",
    "WorkOrderBreach",
    "WorkOrderRating",
    "WorkOrderStep",
    "derive",
    "diff",
    "fact_of",
    "value_of",
]
