"""Request and response models of parking-payment's API. Amounts are integer fen with a
``*_text`` beside them for people (``"9.00 元"``); plates are masked by role
(``Sensitive("plate")``) unless the car is the caller's own household's."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parking_payment.domain.gate import WatchReason
from parking_payment.domain.payments import Channel, Provider, Purpose
from parking_payment.domain.plates import PlateColor
from parking_payment.domain.sessions import PassKind
from sc_core.privacy import Sensitive
from sc_core.schema import Day, Instant, TimeZoneName

Plate = Annotated[str, Sensitive("plate")]
OptPlate = Annotated[str | None, Sensitive("plate")]
Fen = Annotated[int, Field(ge=0, le=10_000_000_000, description="amount in fen (分)")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- payments -------------------------------------------------------------------------
class OrderCreate(Strict):
    purpose: Purpose
    target_id: str = Field(min_length=1, max_length=64, description="session, bill or charge id")
    provider: Provider
    channel: Channel
    payer: str | None = Field(
        default=None, max_length=128, description="WeChat openid / Alipay buyer_id (JSAPI)"
    )


class OrderRead(BaseModel):
    id: uuid.UUID
    out_trade_no: str
    provider: Provider
    channel: Channel
    amount: Fen
    amount_text: str
    description: str
    purpose: Purpose
    target_id: str
    status: str
    status_text: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    refunded: Fen
    refund_state: str
    pay: dict[str, Any] = Field(
        default_factory=dict,
        description="what the payer's side needs: code_url / qr_code, JSAPI params, h5_url, "
        "pay_url, order_string",
    )


class RefundCreate(Strict):
    amount: Fen = Field(gt=0)
    reason: str = Field(min_length=1, max_length=80)


class ReconciliationRead(BaseModel):
    id: uuid.UUID
    provider: Provider
    day: date
    matched: int
    balanced: bool
    local_total: dict[str, int]
    provider_total: dict[str, int]
    differences: list[dict[str, Any]]
    summary: str  # 对账平衡 / 发现 2 处差异


# -- parking --------------------------------------------------------------------------
class VehicleCreate(Strict):
    community_id: str = Field(min_length=1, max_length=64)
    household_id: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=7, max_length=16)
    color: PlateColor | None = None


class VehicleRead(BaseModel):
    id: uuid.UUID
    community_id: str
    household_id: str | None
    plate: Plate
    color: PlateColor
    color_text: str
    pass_kind: PassKind
    pass_text: str
    pass_valid_from: datetime | None
    pass_valid_until: datetime | None


class PassGrant(Strict):
    kind: PassKind
    valid_from: Day
    valid_until: Day | None = None


class VisitorPassCreate(Strict):
    community_id: str = Field(min_length=1, max_length=64)
    household_id: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=7, max_length=16)
    valid_from: Instant
    valid_until: Instant


class VisitorPassRead(BaseModel):
    id: uuid.UUID
    plate: Plate
    valid_from: datetime
    valid_until: datetime


class WatchCreate(Strict):
    community_id: str = Field(min_length=1, max_length=64)
    plate: str = Field(min_length=7, max_length=16)
    reason: WatchReason
    note: str = Field(default="", max_length=200)


class WatchRead(BaseModel):
    id: uuid.UUID
    plate: Plate
    reason: WatchReason
    reason_text: str
    block: bool
    note: str
    created_at: datetime


class PassageRead(BaseModel):
    id: uuid.UUID
    gate_id: uuid.UUID
    gate_name: str
    direction: str
    plate: OptPlate
    at: datetime
    action: str
    action_text: str
    reason: str
    due: Fen
    photos: list[str]


class GateRead(BaseModel):
    id: uuid.UUID
    lot_id: uuid.UUID
    lot_name: str
    name: str
    direction: str  # entry / exit
    zone: str | None


class SessionRead(BaseModel):
    id: uuid.UUID
    lot_id: uuid.UUID
    lot_name: str
    plate: OptPlate
    status: str
    entry_at: datetime
    exit_at: datetime | None
    minutes: int
    duration_text: str
    due: Fen
    due_text: str
    paid: Fen
    zone: str | None


class LotRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    capacity: int
    occupied: int
    free: int
    free_text: str  # 剩余车位 12 个


class NightRules(Strict):
    """The night window (may cross midnight, ``22:00``-``07:00``) and its price: per unit
    or one flat price per night (包夜), exactly one of them."""

    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", examples=["22:00"])
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", examples=["07:00"])
    unit_price: Fen | None = None
    flat_price: Fen | None = None

    @model_validator(mode="after")
    def _one_price(self) -> NightRules:
        if (self.unit_price is None) == (self.flat_price is None):
            raise ValueError("a night rule needs exactly one of unit_price and flat_price")
        return self


class TariffRules(Strict):
    """A tariff as data: prices in fen."""

    unit_price: Fen
    unit_minutes: int = Field(default=60, ge=1, le=1440)
    free_minutes: int = Field(default=15, ge=0, le=1440)
    free_minutes_deducted: bool = False
    first_unit_price: Fen | None = None
    cap: Fen | None = None
    cap_period: str = Field(default="calendar_day", pattern="^(calendar_day|rolling_24h)$")
    night: NightRules | None = None
    leave_within_minutes: int = Field(default=15, ge=0, le=240)
    timezone: TimeZoneName = "Asia/Shanghai"


class TariffRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    rules: TariffRules
    summary: str  # 15分钟内免费，每小时3.00元，每日封顶20.00元


# -- bills ----------------------------------------------------------------------------
class BillRead(BaseModel):
    id: uuid.UUID
    room_label: str
    period: str
    lines: list[dict[str, Any]]
    total: Fen
    total_text: str
    due: date
    status: str
    status_text: str
    amount_due: Fen
    receipt_no: str | None
    paid_at: datetime | None


class CollectionRead(BaseModel):
    community_id: str
    period: str
    billed: Fen
    collected: Fen
    bills: int
    paid_bills: int
    rate_by_amount: float
    rate_by_count: float
    summary: str  # 收缴率 66.7%（金额），2/3 户
