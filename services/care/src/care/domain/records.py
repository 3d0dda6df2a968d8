"""Health records (健康档案): what one person's care record holds (pure).

Shaped on FHIR R5 so the export is a mapping, not a translation: a record has the person
(Patient), conditions (Condition, ICD-10 where coded), allergies (AllergyIntolerance),
medicines (MedicationStatement), the family-doctor contract (家庭医生签约; a CarePlan with
its CareTeam), visit notes (Encounter), vitals (Observation) and consents (Consent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from care.domain.consent import Grant
from care.domain.thresholds import Threshold
from care.domain.vitals import VitalReading


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    birth_date: date
    gender: Gender = Gender.UNKNOWN
    address: str | None = None  # as people say it: 幸福里社区 1号楼 1单元 101室
    phone: str | None = None


class ClinicalStatus(StrEnum):
    ACTIVE = "active"
    REMISSION = "remission"
    RESOLVED = "resolved"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Condition:
    id: str
    text: str  # 高血压
    icd10: str | None = None  # I10
    status: ClinicalStatus = ClinicalStatus.ACTIVE
    onset: date | None = None
    recorded_at: datetime | None = None
    note: str | None = None


class Criticality(StrEnum):
    LOW = "low"
    HIGH = "high"
    UNABLE_TO_ASSESS = "unable-to-assess"


@dataclass(frozen=True)
class Allergy:
    id: str
    substance: str  # 青霉素
    criticality: Criticality = Criticality.LOW
    reaction: str | None = None  # 皮疹
    category: str = "medication"  # food | medication | environment | biologic
    status: ClinicalStatus = ClinicalStatus.ACTIVE


@dataclass(frozen=True)
class Medication:
    id: str
    name: str  # 苯磺酸氨氯地平片
    dosage: str | None = None  # 每日一次，每次5mg
    start: date | None = None
    end: date | None = None  # stopped on


class ContractStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"  # ran to its end
    REVOKED = "revoked"  # ended early


@dataclass(frozen=True)
class TeamMember:
    user_id: str
    name: str
    role: str  # 全科医生 / 护士 / 公卫医生


@dataclass(frozen=True)
class DoctorContract:
    """A family-doctor contract (家庭医生签约): a team, a period, the services agreed."""

    id: str
    team_name: str
    members: tuple[TeamMember, ...]
    start: date
    end: date
    services: tuple[str, ...]  # 健康评估, 慢病随访, 上门服务 ...
    status: ContractStatus = ContractStatus.ACTIVE
    signed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a contract must end after it starts")
        if not self.members:
            raise ValueError("a contract needs a team with at least one member")

    def current(self, day: date) -> bool:
        return self.status is ContractStatus.ACTIVE and self.start <= day <= self.end


class VisitKind(StrEnum):
    CLINIC = "clinic"  # at the community health station
    HOME = "home"  # home visit (上门)
    PHONE = "phone"  # follow-up by phone


@dataclass(frozen=True)
class VisitNote:
    id: str
    at: datetime
    kind: VisitKind
    author_name: str
    text: str
    end: datetime | None = None


@dataclass(frozen=True)
class HealthRecord:
    person: Person
    conditions: tuple[Condition, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    medications: tuple[Medication, ...] = ()
    contracts: tuple[DoctorContract, ...] = ()
    visits: tuple[VisitNote, ...] = ()
    vitals: tuple[VitalReading, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    grants: tuple[Grant, ...] = ()
    names: dict[str, str] = field(default_factory=dict)  # account id → name, for consents
