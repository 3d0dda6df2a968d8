"""Shop orders: what a household sends, what each side reads (amounts in fen, with their
words)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from commerce.api.schemas import Label, PlaceId
from commerce.domain.orders import MAX_LINES, MAX_QUANTITY
from sc_contracts.events import ShopOrderStatus

Note = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00]*$")]


class ShopOrderLineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product_id: uuid.UUID
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class ShopOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shop_id: uuid.UUID
    household_id: PlaceId | None = Field(
        default=None, description="My household ordering; may be left out when I have one"
    )
    items: list[ShopOrderLineCreate] = Field(max_length=MAX_LINES)
    note: Note | None = Field(default=None, description="For the merchant: when, where ...")


class ShopOrderStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Note | None = Field(default=None, description="Why (required to refuse)")


class ShopOrderLineRead(BaseModel):
    product_id: uuid.UUID
    name: str
    unit: str | None
    unit_price_fen: int
    quantity: int
    amount_fen: int
    price_label: Label


class ShopOrderRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    shop_name: str
    community_id: str
    household_id: str
    status: ShopOrderStatus
    status_label: Label
    items: list[ShopOrderLineRead]
    item_count: int
    total_fen: int
    total_label: Label
    note: str | None
    refuse_reason: str | None
    paid: bool
    paid_label: Label
    payable: bool = Field(
        description="May be paid now, through parking-payment: purpose shop_order, target_id "
        "this order's id"
    )
    paid_at: datetime | None
    refund_state: Literal["none", "due", "refunded"] = Field(
        description="The payment is kept (none), due back (due: parking-payment refunds it "
        "in full, to how it was paid) or refunded"
    )
    refund_fen: int | None = Field(description="What is or was refunded, in fen")
    refund_label: Label | None = Field(description="The refund in words, when there is one")
    refunded_at: datetime | None
    mine: bool = Field(description="Placed by my household")
    created_at: datetime
    updated_at: datetime
