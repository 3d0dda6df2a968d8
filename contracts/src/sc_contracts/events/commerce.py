"""Events of commerce (商户与便民服务), on its ``commerce.*.v1`` topics.

No personal data: people appear only as user ids and households as ids; a merchant's
contact phone never leaves the service (a consumer that needs it asks the service, which
masks by the caller's role).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class MerchantStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class MerchantChange(StrEnum):
    REGISTERED = "registered"
    UPDATED = "updated"
    VERIFIED = "verified"
    REJECTED = "rejected"


class ServicePointKind(StrEnum):
    REPAIR_STATION = "repair_station"
    RECYCLING_POINT = "recycling_point"
    AGENCY = "agency"


class ListingKind(StrEnum):
    RENT = "rent"
    SALE = "sale"


class ListingStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ListingChange(StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class MerchantChangedV1(EventData):
    """A merchant was registered, updated, verified or rejected by the community."""

    merchant_id: str = Field(
        max_length=64, min_length=1, description="Merchant id; the message key."
    )
    community_id: str = Field(
        max_length=64, min_length=1, description="Community the merchant is in."
    )
    name: str = Field(max_length=100, min_length=1, description="Shop name as registered.")
    category: str = Field(
        max_length=32, min_length=1, description="Category code (catering, repair ...)."
    )
    credit_code: str = Field(
        min_length=18, max_length=18, description="Unified social credit code (GB 32100)."
    )
    industry_code: str | None = Field(
        max_length=2,
        min_length=2,
        default=None,
        description="Its industry (GB/T 4754-2017 division, two digits), when given.",
    )
    status: MerchantStatus = Field(description="Verification state after this change.")
    change: MerchantChange = Field(description="What happened.")
    changed_by: str = Field(max_length=64, min_length=1, description="User who made the change.")
    changed_at: AwareDatetime = Field(description="When it happened.")


class ServiceBookingRequestedV1(EventData):
    """A resident booked a service at a service point: the request a maintenance
    work order is opened from."""

    booking_id: str = Field(max_length=64, min_length=1, description="Booking id; the message key.")
    service_point_id: str = Field(max_length=64, min_length=1, description="Service point booked.")
    point_kind: ServicePointKind = Field(description="Kind of the service point.")
    point_name: str = Field(max_length=100, min_length=1, description="Name of the service point.")
    merchant_id: str | None = Field(
        max_length=64, default=None, description="Provider, if a merchant."
    )
    community_id: str = Field(
        max_length=64, min_length=1, description="Community of the household."
    )
    building_id: str | None = Field(
        max_length=64, default=None, description="Building of the household."
    )
    household_id: str = Field(max_length=64, min_length=1, description="Household that booked.")
    service: str = Field(
        max_length=500, min_length=1, description="What is wanted, in the resident's words."
    )
    preferred_at: AwareDatetime = Field(description="When the resident would like it.")
    requested_by: str = Field(max_length=64, min_length=1, description="User who booked.")
    requested_at: AwareDatetime = Field(description="When it was booked.")


class RecyclingDropOffRecordedV1(EventData):
    """A drop-off was weighed at a recycling point and credits given."""

    drop_off_id: str = Field(
        max_length=64, min_length=1, description="Drop-off id; the message key."
    )
    service_point_id: str = Field(max_length=64, min_length=1, description="Recycling point.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the point.")
    household_id: str = Field(max_length=64, min_length=1, description="Household credited.")
    category: str = Field(
        max_length=32, min_length=1, description="Category code (paper, plastic ...)."
    )
    weight_g: int = Field(gt=0, description="Weight in grams.")
    credits: int = Field(ge=0, description="Credits given for it.")
    recorded_by: str = Field(
        max_length=64, min_length=1, description="Staff member who weighed it."
    )
    recorded_at: AwareDatetime = Field(description="When it was recorded.")


class ListingChangedV1(EventData):
    """A housing listing (房屋租售信息) was submitted, published, rejected or withdrawn."""

    listing_id: str = Field(max_length=64, min_length=1, description="Listing id; the message key.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the room.")
    building_id: str = Field(max_length=64, min_length=1, description="Building of the room.")
    room_id: str = Field(max_length=64, min_length=1, description="Room listed.")
    household_id: str = Field(
        max_length=64, min_length=1, description="Household that owns the room."
    )
    kind: ListingKind = Field(description="For rent or for sale.")
    price_fen: int = Field(gt=0, description="Monthly rent or asking price, in fen.")
    status: ListingStatus = Field(description="State after this change.")
    change: ListingChange = Field(description="What happened.")
    on_behalf: bool = Field(description="Listed by the property on the owner's behalf.")
    changed_by: str = Field(max_length=64, min_length=1, description="User who made the change.")
    changed_at: AwareDatetime = Field(description="When it happened.")


class ShopOrderStatus(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class ShopOrderChange(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    PAID = "paid"


class ShopOrderChangedV1(EventData):
    """A resident's order of a shop's products (社区商铺订单) was placed, accepted,
    shipped, completed, refused, cancelled or paid. Its total is what is to be paid
    (parking-payment takes the amount from here, never from the payer); a payment that is
    not to be kept is named in ``refund_payment_order_id``."""

    order_id: str = Field(max_length=64, min_length=1, description="Order id; the message key.")
    shop_id: str = Field(max_length=64, min_length=1, description="Shop ordered from.")
    merchant_id: str = Field(max_length=64, min_length=1, description="Merchant of the shop.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the shop.")
    household_id: str = Field(
        max_length=64, min_length=1, description="Household that placed it (and alone pays it)."
    )
    total_fen: int = Field(gt=0, description="What the order costs, in fen (prices at order).")
    item_count: int = Field(gt=0, description="Number of pieces ordered.")
    status: ShopOrderStatus = Field(description="State after this change.")
    change: ShopOrderChange = Field(description="What happened.")
    paid: bool = Field(description="Paid (through parking-payment) by now.")
    payable: bool = Field(description="May be paid now: placed or accepted, and not paid.")
    changed_by: str = Field(max_length=64, min_length=1, description="User or service acting.")
    changed_at: AwareDatetime = Field(description="When it happened.")
    refund_payment_order_id: str | None = Field(
        max_length=64,
        default=None,
        description=(
            "A payment order of this order that is due back in full, set on the change "
            "that made it due (paid after the household cancelled, refused by the merchant "
            "after payment, paid twice): parking-payment refunds it, once."
        ),
    )


class ShopFlaggedV1(EventData):
    """A shop was flagged as a place where people may be living (九小场所住人): registered
    at a room where a household lives, or night-time power use or passages at its
    address. The case a grid worker works is opened from it; the reason is in words."""

    flag_id: str = Field(
        max_length=64,
        min_length=1,
        description="Id of this flag; a case is opened once per flag.",
    )
    shop_id: str = Field(max_length=64, min_length=1, description="Shop id; the message key.")
    merchant_id: str = Field(max_length=64, min_length=1, description="The shop's merchant.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the shop.")
    building_id: str | None = Field(
        max_length=64, default=None, description="Building of the shop, if known."
    )
    room_id: str | None = Field(
        max_length=64, default=None, description="Room of the register the shop is at, if any."
    )
    shop_name: str = Field(max_length=100, min_length=1, description="Shop name.")
    address: str = Field(max_length=200, min_length=1, description="The merchant's address.")
    reason: str = Field(
        max_length=32,
        min_length=1,
        description="Why, as a code: residential, night_power or night_passages.",
    )
    reason_zh: str = Field(
        max_length=500, min_length=1, description="Why, in words (zh-CN), with the evidence."
    )
    reason_en: str = Field(max_length=500, min_length=1, description="Why, in English.")
    flagged_at: AwareDatetime = Field(description="When the shop was flagged.")


class ShopOfferChange(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class ShopOfferChangedV1(EventData):
    """A shop's offer (商铺优惠) was published (pushed at once to the residents who opted
    in to the shop, under the weekly cap) or withdrawn by its merchant (pushed no more,
    no longer shown to residents). On the shop's topic, keyed by shop."""

    offer_id: str = Field(max_length=64, min_length=1, description="Offer id.")
    shop_id: str = Field(max_length=64, min_length=1, description="Shop id; the message key.")
    merchant_id: str = Field(max_length=64, min_length=1, description="The shop's merchant.")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the shop.")
    change: ShopOfferChange = Field(description="What happened.")
    title_zh: str = Field(max_length=60, min_length=1, description="Title (zh-CN).")
    title_en: str = Field(max_length=100, min_length=1, description="Title (en).")
    price_fen: int | None = Field(default=None, gt=0, description="Offer price in fen, or none.")
    discount_pct: int | None = Field(
        default=None, ge=1, le=99, description="Percent off (20: 20% off), or none."
    )
    valid_from: AwareDatetime = Field(description="Valid from.")
    valid_to: AwareDatetime = Field(description="Valid until.")
    pushed_count: int = Field(ge=0, description="Residents it was pushed to.")
    capped_count: int = Field(ge=0, description="Opted-in residents the weekly cap held back.")
    changed_by: str = Field(max_length=64, min_length=1, description="User acting.")
    changed_at: AwareDatetime = Field(description="When it happened.")
