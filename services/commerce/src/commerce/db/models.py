"""Every table of commerce's database, on one ``metadata`` (Alembic's target): its own,
the platform's outbox and inbox, and the place directory (:mod:`sc_core.places`)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sc_core.db.tables import new_metadata, platform_tables
from sc_core.places import place_tables
from sc_core.privacy import EncryptedString


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


platform_tables(Base.metadata)
PLACES = place_tables(Base.metadata)
metadata = Base.metadata
Place = String(64)


class Merchant(Base):
    """A shop in a community (商户), registered by its owner, verified by the staff."""

    __tablename__ = "merchants"
    __table_args__ = (
        UniqueConstraint("community_id", "credit_code", name="uq_merchants_community_code"),
        Index("ix_merchants_community", "community_id", "created_at", "id"),
        Index("ix_merchants_owner", "owner_id", "created_at"),
        Index("ix_merchants_community_industry", "community_id", "industry_code"),
        Index("ix_merchants_created", "created_at", "id"),  # the platform-wide list (ADR 0061)
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    owner_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18))
    licence_no: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    # GB/T 4754-2017 division (大类, two digits; sc_core.industry), when given
    industry_code: Mapped[str | None] = mapped_column(String(2))
    address: Mapped[str] = mapped_column(String(200))
    opening_hours: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    phone: Mapped[str] = mapped_column(EncryptedString("merchant.phone"))
    status: Mapped[str] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(String(500))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServicePoint(Base):
    """A repair station, recycling point or agency (便民服务网点) with its coordinates."""

    __tablename__ = "service_points"
    __table_args__ = (
        Index("ix_service_points_community", "community_id", "kind", "id"),
        # the lists by name, a community's and everyone's (ADR 0061)
        Index("ix_service_points_community_name", "community_id", "name", "id"),
        Index("ix_service_points_name", "name", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    services: Mapped[list[str]] = mapped_column(JSONB)
    merchant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("merchants.id", name="fk_service_points_merchant")
    )
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Booking(Base):
    """A service a household booked at a service point (预约)."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_community", "community_id", "created_at", "id"),
        Index("ix_bookings_household", "household_id", "created_at"),
        Index("ix_bookings_work_order", "work_order_id"),
        Index("ix_bookings_created", "created_at", "id"),  # the platform-wide list (ADR 0061)
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    service_point_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_points.id", name="fk_bookings_point")
    )
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    service: Mapped[str] = mapped_column(String(500))
    preferred_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the maintenance case work-orders opened from it, and its state's last step
    work_order_id: Mapped[str | None] = mapped_column(String(64))
    status_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(1000))
    rated_at: Mapped[datetime | None]


class DropOff(Base):
    """A recycling drop-off (投放) weighed at a point, and the credits it earned."""

    __tablename__ = "drop_offs"
    __table_args__ = (
        Index("ix_drop_offs_household", "household_id", "recorded_at", "id"),
        Index("ix_drop_offs_community", "community_id", "recorded_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    service_point_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_points.id", name="fk_drop_offs_point")
    )
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    category: Mapped[str] = mapped_column(String(32))
    weight_g: Mapped[int] = mapped_column(Integer)
    credits: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CreditRedemption(Base):
    """Credits a household spent (积分兑换) at a recycling point, recorded by staff."""

    __tablename__ = "credit_redemptions"
    __table_args__ = (
        Index("ix_credit_redemptions_household", "household_id", "redeemed_at", "id"),
        Index("ix_credit_redemptions_community", "community_id", "redeemed_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    service_point_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_points.id", name="fk_credit_redemptions_point")
    )
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    credits: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(100))
    redeemed_by: Mapped[str] = mapped_column(String(64))
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow)


class HouseholdOwner(Base):
    """An owner (业主) of a household in identity's register (``relation`` owner), kept
    from its events; a listing needs one. No name, no number: only the ids."""

    __tablename__ = "household_owners"
    household_id: Mapped[str] = mapped_column(Place, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Listing(Base):
    """A room for rent or sale (房屋租售信息), by its owner or by the property for them."""

    __tablename__ = "listings"
    __table_args__ = (
        Index("ix_listings_community", "community_id", "created_at", "id"),
        Index("ix_listings_household", "household_id", "created_at"),
        Index("ix_listings_room", "room_id", "kind", "status"),
        Index("ix_listings_created", "created_at", "id"),  # the platform-wide list (ADR 0061)
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str] = mapped_column(Place)
    room_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(100))
    place_label: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    layout: Mapped[str | None] = mapped_column(String(32))
    area_m2: Mapped[float] = mapped_column(Float)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(EncryptedString("listing.contact_phone"))
    # where the flat is (WGS-84), for the agencies nearest to it; optional
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    on_behalf: Mapped[bool] = mapped_column(Boolean)
    review_note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListingPhoto(Base):
    """A photo of a listing, in the service's object store (:mod:`sc_core.storage`);
    before it is on a listing only its uploader sees it, and it expires unused."""

    __tablename__ = "listing_photos"
    __table_args__ = (
        Index("ix_listing_photos_listing", "listing_id", "position"),
        Index("ix_listing_photos_unlinked", "uploaded_by", "listing_id"),
        Index("ix_listing_photos_created", "created_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    listing_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("listings.id", name="fk_listing_photos_listing")
    )
    position: Mapped[int | None] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Shop(Base):
    """A verified merchant's shop (网店/门店) residents browse, with its position; flagged
    when its registered room has people living in it."""

    __tablename__ = "shops"
    __table_args__ = (
        UniqueConstraint("merchant_id", name="uq_shops_merchant"),
        Index("ix_shops_community", "community_id", "name", "id"),
        Index("ix_shops_room", "room_id"),
        Index("ix_shops_door", "door_id"),
        Index("ix_shops_name", "name", "id"),  # the platform-wide list (ADR 0061)
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    merchant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("merchants.id", name="fk_shops_merchant")
    )
    community_id: Mapped[str] = mapped_column(Place)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(1000))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    room_id: Mapped[str | None] = mapped_column(Place)
    # the door of identity's register at its entrance (night-time entries count), and its
    # building as learned (the household in its room, its meter's readings)
    door_id: Mapped[str | None] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    flag: Mapped[str | None] = mapped_column(String(32))
    flag_zh: Mapped[str | None] = mapped_column(String(500))
    flag_en: Mapped[str | None] = mapped_column(String(500))
    flagged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShopNight(Base):
    """What one night at a shop's room showed (住人 checks): its electricity meter's lowest
    and highest counter within the night."""

    __tablename__ = "shop_nights"
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shops.id", name="fk_shop_nights_shop"), primary_key=True
    )
    night: Mapped[date] = mapped_column(Date, primary_key=True)
    energy_min: Mapped[float | None] = mapped_column(Float)
    energy_max: Mapped[float | None] = mapped_column(Float)


class ShopEntry(Base):
    """Someone went in by a shop's door at night: the passage's id (one row however often
    it is delivered), no person."""

    __tablename__ = "shop_entries"
    __table_args__ = (Index("ix_shop_entries_night", "shop_id", "night"),)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shops.id", name="fk_shop_entries_shop"), primary_key=True
    )
    passage_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    night: Mapped[date] = mapped_column(Date)


class Door(Base):
    """identity's register of doors, as far as commerce needs it (``DoorChangedV1``): the
    building a door belongs to, so a shop flagged by entries at its door lands in that
    building (the grid worker's scope)."""

    __tablename__ = "doors"
    door_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime]


class Product(Base):
    """A product or offer of a shop, priced in fen (分)."""

    __tablename__ = "products"
    __table_args__ = (Index("ix_products_shop", "shop_id", "name", "id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", name="fk_products_shop"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(1000))
    unit: Mapped[str | None] = mapped_column(String(16))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    available: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecyclingBin(Base):
    """A waste bin (device-ingestion's ``waste_bin`` device) beside a recycling point, with
    its last fill level from telemetry."""

    __tablename__ = "recycling_bins"
    __table_args__ = (Index("ix_recycling_bins_point", "service_point_id", "device_id"),)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_point_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_points.id", name="fk_recycling_bins_point")
    )
    community_id: Mapped[str] = mapped_column(Place)
    label: Mapped[str] = mapped_column(String(50))
    fill_level: Mapped[float | None] = mapped_column(Float)
    waste_type: Mapped[str | None] = mapped_column(String(16))
    reported_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShopOrder(Base):
    """A household's order of a shop's products (社区商铺订单), priced in fen when placed;
    paid through parking-payment (``shop_order``)."""

    __tablename__ = "shop_orders"
    __table_args__ = (
        Index("ix_shop_orders_community", "community_id", "created_at", "id"),
        Index("ix_shop_orders_shop", "shop_id", "created_at", "id"),
        Index("ix_shop_orders_household", "household_id", "created_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", name="fk_shop_orders_shop"))
    merchant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("merchants.id", name="fk_shop_orders_merchant")
    )
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    status: Mapped[str] = mapped_column(String(16))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    item_count: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))
    refuse_reason: Mapped[str | None] = mapped_column(String(500))
    placed_by: Mapped[str] = mapped_column(String(64))
    paid_at: Mapped[datetime | None]
    payment_order_id: Mapped[str | None] = mapped_column(String(64))
    # the payment (payment_order_id) is due back in full: set when the order was cancelled
    # or refused after it was paid; refunded_at once parking-payment's refund succeeded
    refund_fen: Mapped[int | None] = mapped_column(BigInteger)
    refund_due_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShopOrderItem(Base):
    """One product of an order, with its name and price as they were when ordered."""

    __tablename__ = "shop_order_items"
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop_orders.id", name="fk_shop_order_items_order"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", name="fk_shop_order_items_product"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(16))
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)


class ShopOffer(Base):
    """An offer a merchant publishes (商铺优惠): an offer price in fen or a discount, valid
    from/to; pushed once, when published, to the shop's opted-in residents (capped);
    withdrawn by the merchant."""

    __tablename__ = "shop_offers"
    __table_args__ = (Index("ix_shop_offers_shop", "shop_id", "valid_to", "id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", name="fk_shop_offers_shop"))
    community_id: Mapped[str] = mapped_column(Place)
    title_zh: Mapped[str] = mapped_column(String(60))
    title_en: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(String(500))
    price_fen: Mapped[int | None] = mapped_column(BigInteger)
    discount_pct: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]
    pushed_count: Mapped[int] = mapped_column(Integer)
    capped_count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # withdrawn by the merchant: pushed no more, not shown to residents
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))


class ShopSubscription(Base):
    """A resident's opt-in (or out) to a shop's offer pushes (订阅)."""

    __tablename__ = "shop_subscriptions"
    __table_args__ = (Index("ix_shop_subscriptions_shop", "shop_id", "opted_in"),)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shops.id", name="fk_shop_subscriptions_shop"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    household_id: Mapped[str] = mapped_column(Place)
    opted_in: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfferPush(Base):
    """An offer pushed to one resident: what the weekly cap per shop counts."""

    __tablename__ = "offer_pushes"
    __table_args__ = (Index("ix_offer_pushes_user_shop", "user_id", "shop_id", "pushed_at"),)
    offer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop_offers.id", name="fk_offer_pushes_offer"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[uuid.UUID]
    pushed_at: Mapped[datetime]
