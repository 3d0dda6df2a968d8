"""Request and response models of the exchange with city and district platforms."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from gov_affairs.domain.exchange.agreements import (
    Aggregation,
    Dataset,
    Frequency,
    GradeName,
    RecipientKind,
)
from gov_affairs.domain.text import Text
from sc_core.schema import Day

CODE = r"^[a-z0-9][a-z0-9._-]*$"
PRINCIPAL = r"^[A-Za-z0-9._-]+$"  # a Kafka principal sc_contracts.acls accepts
FieldName = Annotated[str, Field(min_length=1, max_length=32)]
CommunityId = Annotated[str, Field(min_length=1, max_length=64)]


class Recipient(BaseModel):
    code: str = Field(
        min_length=1,
        max_length=64,
        pattern=CODE,
        description="A short stable code of the recipient; the key of its Kafka records.",
        examples=["district-xh"],
    )
    name: str = Field(min_length=1, max_length=100, examples=["徐汇区城市运行管理平台"])
    kind: RecipientKind
    kafka_principal: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=PRINCIPAL,
        description="Its Kafka (SCRAM) user: granted read on the exchange topics of its datasets.",
    )
    client_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Its client-credentials client for the HTTPS pull: the subject (sub) of "
        "the tokens identity issues it.",
    )

    @model_validator(mode="after")
    def _reachable(self) -> Recipient:
        if self.kafka_principal is None and self.client_id is None:
            raise ValueError("name a Kafka principal, a client id, or both")
        return self


class DatasetTerms(BaseModel):
    dataset: Dataset
    fields: list[FieldName] = Field(
        min_length=1,
        max_length=16,
        description="The figures it may carry (population: households, residents, owners, "
        "family, tenants; houses: rooms, occupied, vacant, owner_occupied, rented; cases: "
        "case_type, status, count; alarms: alarm_type, severity, count).",
    )


class AgreementCreate(BaseModel):
    recipient: Recipient
    datasets: list[DatasetTerms] = Field(min_length=1, max_length=4)
    max_grade: GradeName = Field(
        default=GradeName.INTERNAL, description="The highest sensitivity grade it may receive."
    )
    aggregation: Aggregation = Field(
        default=Aggregation.COMMUNITY,
        description="building or community (per person or household is refused).",
    )
    frequency: Frequency
    communities: list[CommunityId] = Field(min_length=1, max_length=200)
    valid_from: Day
    valid_to: Day | None = None

    @model_validator(mode="after")
    def _dates(self) -> AgreementCreate:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class AgreementRead(BaseModel):
    id: uuid.UUID
    recipient: Recipient
    datasets: list[DatasetTerms]
    max_grade: GradeName
    aggregation: Aggregation
    frequency: Frequency
    communities: list[str]
    valid_from: date
    valid_to: date | None
    active: bool
    topics: list[str] = Field(description="The Kafka topics its records are published on.")
    summary: Text
    created_by: str
    created_at: datetime


class RecordRead(BaseModel):
    id: uuid.UUID
    agreement_id: uuid.UUID
    recipient: str
    recipient_name: str
    dataset: str
    period: str
    channel: str = Field(description="push (Kafka) or pull (HTTPS)")
    record_count: int = Field(description="Rows in the record.")
    content_sha256: str = Field(
        description="SHA-256 of the record's JSON with sorted keys, no spaces, UTF-8."
    )
    created_at: datetime


class DatasetRecord(BaseModel):
    """The same desensitised record the Kafka topic carries (see the exchange.* topics)."""

    record_id: str
    recipient: str
    agreement_id: str
    dataset: str
    period: str
    aggregation: str
    grade: str
    fields: list[str]
    suppressed: int
    built_at: str = Field(description="As in the record (its hash covers this text).")
    rows: list[dict[str, str | int | bool | None]]


class AclIntegrator(BaseModel):
    principal: str
    name: str
    topics: list[str]
    writes: list[str] = Field(
        default=[], description="Inbound topics it may write (tasks sent down, ADR 0042)"
    )


class AclAgreement(BaseModel):
    """The agreement document of ``python -m sc_contracts acls plan|apply --agreement``."""

    integrators: list[AclIntegrator]
