"""Shaping answers: rows to response models, with each code's words for people."""

from __future__ import annotations

from commerce.api.schemas import label
from commerce.api.schemas.listings import ListingPhotoRead, ListingRead, PhotoUploadRead
from commerce.api.schemas.merchants import MerchantIndustry, MerchantRead, OpeningHours
from commerce.api.schemas.points import BinRead, BookingRead, ServicePointRead
from commerce.api.schemas.recycling import DropOffRead, RedemptionRead
from commerce.api.schemas.shops import ProductRead, ShopRead
from commerce.db.models import (
    Booking,
    CreditRedemption,
    DropOff,
    ListingPhoto,
    Product,
    RecyclingBin,
    ServicePoint,
)
from commerce.domain import bins as b_rules
from commerce.domain import bookings as bk_rules
from commerce.domain import listings as l_rules
from commerce.domain import merchants as m_rules
from commerce.domain import points as p_rules
from commerce.domain import recycling as r_rules
from commerce.domain import shops as s_rules
from commerce.usecases.listings import ShownListing
from commerce.usecases.merchants import Shown
from commerce.usecases.shops import ShownShop
from sc_contracts.events import ListingKind, ListingStatus, ServicePointKind
from sc_core.industry import division

LISTINGS = "/api/v1/commerce/listings"


def merchant_industry(code: str | None) -> MerchantIndustry | None:
    found = division(code)
    if found is None:
        return None
    return MerchantIndustry(
        code=found.code,
        label=label((found.zh, found.en)),
        section=found.section.code,
        section_label=label((found.section.zh, found.section.en)),
    )


def merchant(shown: Shown) -> MerchantRead:
    m = shown.merchant
    hours = [OpeningHours.model_validate(h) for h in m.opening_hours]
    return MerchantRead(
        id=m.id,
        community_id=m.community_id,
        name=m.name,
        credit_code=m.credit_code,
        licence_no=m.licence_no,
        category=m.category,
        category_label=label(m_rules.CATEGORIES[m.category]),
        industry=merchant_industry(m.industry_code),
        address=m.address,
        opening_hours=hours,
        opening_hours_text=label(m_rules.hours_text(h.hours() for h in hours)),
        phone=shown.phone,
        phone_masked=shown.masked,
        status=m.status,
        status_label=label(m_rules.STATUS_LABELS[m.status]),
        review_note=m.review_note,
        reviewed_at=m.reviewed_at,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


def bin_(b: RecyclingBin) -> BinRead:
    kind = b_rules.WASTE_TYPES.get(b.waste_type) if b.waste_type else None
    return BinRead(
        device_id=b.device_id,
        label=b.label,
        fill_level=b.fill_level,
        fill_label=label(b_rules.fill_text(b.fill_level)),
        waste_type_label=label(kind) if kind else None,
        reported_at=b.reported_at,
    )


def point(
    p: ServicePoint, distance: float | None = None, bins: list[RecyclingBin] | None = None
) -> ServicePointRead:
    return ServicePointRead(
        id=p.id,
        community_id=p.community_id,
        kind=ServicePointKind(p.kind),
        kind_label=label(p_rules.KIND_LABELS[p.kind]),
        name=p.name,
        address=p.address,
        latitude=p.latitude,
        longitude=p.longitude,
        services=list(p.services),
        merchant_id=p.merchant_id,
        distance_m=None if distance is None else round(distance),
        distance_label=None if distance is None else label(p_rules.distance_text(distance)),
        bins=[bin_(b) for b in bins or []],
    )


def booking(b: Booking) -> BookingRead:
    return BookingRead(
        id=b.id,
        service_point_id=b.service_point_id,
        community_id=b.community_id,
        household_id=b.household_id,
        service=b.service,
        preferred_at=b.preferred_at,
        status=b.status,
        status_label=label(bk_rules.STATUS_LABELS[b.status]),
        created_at=b.created_at,
        work_order_id=b.work_order_id,
        status_at=b.status_at,
        rating=b.rating,
        rating_label=None if b.rating is None else label(bk_rules.rating_text(b.rating)),
        rating_comment=b.rating_comment,
        rated_at=b.rated_at,
    )


def drop_off(d: DropOff) -> DropOffRead:
    zh, en, _ = r_rules.CATEGORIES[d.category]
    return DropOffRead(
        id=d.id,
        service_point_id=d.service_point_id,
        community_id=d.community_id,
        household_id=d.household_id,
        category=d.category,
        category_label=label((zh, en)),
        weight_g=d.weight_g,
        weight_label=label(r_rules.weight_text(d.weight_g)),
        credits=d.credits,
        recorded_at=d.recorded_at,
    )


def listing(shown: ShownListing) -> ListingRead:
    x = shown.listing
    return ListingRead(
        id=x.id,
        community_id=x.community_id,
        household_id=x.household_id if shown.private else None,
        kind=ListingKind(x.kind),
        kind_label=label(l_rules.KIND_LABELS[x.kind]),
        title=x.title,
        place_label=x.place_label,
        description=x.description,
        layout=x.layout,
        area_m2=x.area_m2,
        area_label=label(l_rules.area_text(x.area_m2)),
        price_fen=x.price_fen,
        price_label=label(l_rules.price_text(x.kind, x.price_fen)),
        contact_name=x.contact_name,
        contact_phone=shown.phone,
        contact_masked=shown.masked,
        latitude=x.latitude,
        longitude=x.longitude,
        photos=[
            ListingPhotoRead(
                id=p.id,
                content_type=p.content_type,
                size=p.size,
                url=f"{LISTINGS}/{x.id}/photos/{p.id}",
            )
            for p in shown.photos
        ],
        status=ListingStatus(x.status),
        status_label=label(l_rules.STATUS_LABELS[x.status]),
        on_behalf=x.on_behalf,
        review_note=x.review_note,
        mine=shown.mine,
        created_at=x.created_at,
        updated_at=x.updated_at,
    )


def upload(p: ListingPhoto) -> PhotoUploadRead:
    return PhotoUploadRead(
        id=p.id,
        content_type=p.content_type,
        size=p.size,
        url=f"/api/v1/commerce/listing-photos/{p.id}/content",
        created_at=p.created_at,
    )


def shop(shown: ShownShop) -> ShopRead:
    s, m = shown.shop, shown.merchant
    far = shown.distance_m
    flag = s.flag if shown.staff_or_owner else None
    return ShopRead(
        id=s.id,
        merchant_id=s.merchant_id,
        community_id=s.community_id,
        name=s.name,
        description=s.description,
        category_label=label(m_rules.CATEGORIES[m.category]),
        industry=merchant_industry(m.industry_code),
        address=m.address,
        opening_hours_text=label(
            m_rules.hours_text(OpeningHours.model_validate(h).hours() for h in m.opening_hours)
        ),
        latitude=s.latitude,
        longitude=s.longitude,
        distance_m=None if far is None else round(far),
        distance_label=None if far is None else label(p_rules.distance_text(far)),
        flagged=(flag is not None) if shown.staff_or_owner else None,
        flag_label=None
        if not flag
        else label(
            (s.flag_zh, s.flag_en) if s.flag_zh and s.flag_en else s_rules.FLAG_LABELS[flag]
        ),
        room_id=s.room_id if shown.staff_or_owner else None,
        door_id=s.door_id if shown.staff_or_owner else None,
        flagged_at=s.flagged_at if shown.staff_or_owner else None,
        mine=shown.mine,
        created_at=s.created_at,
        updated_at=s.updated_at,
    )


def product(p: Product) -> ProductRead:
    return ProductRead(
        id=p.id,
        shop_id=p.shop_id,
        name=p.name,
        description=p.description,
        unit=p.unit,
        price_fen=p.price_fen,
        price_label=label(s_rules.price_text(p.price_fen, p.unit)),
        available=p.available,
        available_label=label(s_rules.AVAILABILITY[p.available]),
        updated_at=p.updated_at,
    )


def redemption(r: CreditRedemption, balance_after: int | None = None) -> RedemptionRead:
    return RedemptionRead(
        id=r.id,
        service_point_id=r.service_point_id,
        community_id=r.community_id,
        household_id=r.household_id,
        credits=r.credits,
        item=r.item,
        balance_after=balance_after,
        redeemed_at=r.redeemed_at,
    )
