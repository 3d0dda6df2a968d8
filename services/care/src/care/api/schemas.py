"""Request and response models of care's API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from care.domain.consent import Category, Relation
from care.domain.vitals import VitalKind
from sc_core.schema import AwareInstant, Day

# A vital's value or a range's end as entered, in any unit the kind takes (a glucose in
# mg/dL, a weight in 斤): far wider than anything plausible, so the domain's own check
# (care.vital_implausible, care.threshold_implausible) still answers an unlikely value.
Reading = Annotated[float, Field(ge=-10_000, le=10_000)]


class RecordCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    birth_date: Day
    gender: Literal["male", "female", "other", "unknown"] = "unknown"
    community_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    person_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    user_id: str | None = Field(default=None, max_length=128)
    address: str | None = Field(default=None, max_length=200)
    guardians: list[Annotated[str, Field(max_length=128)]] = Field(
        default_factory=list, max_length=6
    )
    has_capacity: bool = True


class RecordRead(BaseModel):
    """A record as the caller may see it: sections their consent does not cover are
    ``{"withheld": true, "reason_zh": ..., "reason_en": ...}``."""

    id: str
    community_id: str
    access: str = Field(description="self, guardian, grant or emergency")
    sections: dict[str, Any]


class GrantCreate(BaseModel):
    grantee: str = Field(min_length=1, max_length=128)
    relation: Relation
    categories: list[Category] = Field(min_length=1)
    valid_until: AwareInstant | None = None
    notify: bool = False


class GrantRead(BaseModel):
    id: str
    grantee: str
    relation: Relation
    categories: list[Category]
    valid_from: datetime
    valid_until: datetime | None
    notify: bool
    revoked_at: datetime | None = None


class DeviceBind(BaseModel):
    device_id: str = Field(min_length=1, max_length=64)


class ThresholdSet(BaseModel):
    kind: VitalKind = Field(examples=["blood_pressure"])
    # [low, high] as a two-item list (not a tuple: OpenAPI 3.1's prefixItems is an array
    # without `items`, which the document's checks refuse)
    ranges: dict[
        Annotated[str, Field(max_length=16)],
        Annotated[list[Reading | None], Field(min_length=2, max_length=2)],
    ] = Field(
        max_length=8,
        description='{"systolic": [90, 135], "diastolic": [60, 85]}; null for an open end',
        examples=[{"systolic": [90, 135], "diastolic": [60, 85]}],
    )


class ThresholdRead(BaseModel):
    kind: VitalKind
    range: str
    set_by: str | None


class VitalCreate(BaseModel):
    kind: VitalKind = Field(examples=["blood_pressure"])
    values: dict[Annotated[str, Field(max_length=16)], Reading] = Field(
        min_length=1,
        max_length=2,
        description="By component: systolic and diastolic for blood pressure, else value",
        examples=[{"systolic": 165, "diastolic": 95}],
    )
    measured_at: AwareInstant
    unit: str | None = Field(default=None, max_length=16)


class VitalRead(BaseModel):
    id: str
    kind: VitalKind
    values: dict[str, float]
    unit: str
    measured_at: datetime
    source: str
    device_id: str | None
