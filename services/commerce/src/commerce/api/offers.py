"""A shop's offers (商铺优惠) and residents' opt-in to their pushes (订阅)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from commerce.api.deps import OffersDep
from commerce.api.schemas import label
from commerce.api.schemas.offers import (
    OfferCreate,
    OfferRead,
    SubscriptionRead,
    SubscriptionUpdate,
)
from commerce.db.models import ShopOffer
from commerce.domain import offers as rules
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/commerce/shops", tags=["commerce offers"])


def view(o: ShopOffer, merchant: bool) -> OfferRead:
    return OfferRead(
        id=o.id,
        shop_id=o.shop_id,
        title=label((o.title_zh, o.title_en)),
        text=o.text,
        price_fen=o.price_fen,
        discount_pct=o.discount_pct,
        deal_label=label(rules.deal_text(o.price_fen, o.discount_pct)),
        valid_from=o.valid_from,
        valid_to=o.valid_to,
        pushed_count=o.pushed_count if merchant else None,
        capped_count=o.capped_count if merchant else None,
        created_at=o.created_at,
        withdrawn_at=o.withdrawn_at,
        withdrawn_label=label(rules.WITHDRAWN_LABEL) if o.withdrawn_at else None,
    )


def _subscription(offers: OffersDep, shop_id: uuid.UUID, opted_in: bool) -> SubscriptionRead:
    return SubscriptionRead(
        shop_id=shop_id,
        opted_in=opted_in,
        opted_in_label=label(rules.OPT_LABELS[opted_in]),
        pushes_per_week=offers.cap,
    )


@router.post(
    "/{shop_id}/offers",
    status_code=201,
    response_model=OfferRead,
    summary="Publish an offer; pushed to the opted-in residents (merchant)",
)
async def publish_offer(
    shop_id: uuid.UUID, body: OfferCreate, who: CurrentCaller, offers: OffersDep
) -> OfferRead:
    return view(await offers.publish(who, shop_id, body), True)


@router.post(
    "/{shop_id}/offers/{offer_id}/withdraw",
    response_model=OfferRead,
    summary="Withdraw an offer: pushed no more, residents no longer see it (merchant)",
)
async def withdraw_offer(
    shop_id: uuid.UUID, offer_id: uuid.UUID, who: CurrentCaller, offers: OffersDep
) -> OfferRead:
    return view(await offers.withdraw(who, shop_id, offer_id), True)


@router.get(
    "/{shop_id}/offers",
    response_model=Page[OfferRead],
    summary="A shop's offers (residents: those not over)",
)
async def list_offers(
    shop_id: uuid.UUID, who: CurrentCaller, offers: OffersDep, paging: Paging
) -> Page[OfferRead]:
    rows, total, merchant = await offers.offers(who, shop_id, paging)
    return Page[OfferRead].of([view(o, merchant) for o in rows], total, paging)


@router.get(
    "/{shop_id}/subscription",
    response_model=SubscriptionRead,
    summary="Whether the shop's offers are pushed to me",
)
async def get_subscription(
    shop_id: uuid.UUID, who: CurrentCaller, offers: OffersDep
) -> SubscriptionRead:
    return _subscription(offers, shop_id, await offers.subscription(who, shop_id))


@router.put(
    "/{shop_id}/subscription",
    response_model=SubscriptionRead,
    summary="Opt in to (or out of) the shop's offer pushes (resident)",
)
async def set_subscription(
    shop_id: uuid.UUID, body: SubscriptionUpdate, who: CurrentCaller, offers: OffersDep
) -> SubscriptionRead:
    return _subscription(offers, shop_id, await offers.subscribe(who, shop_id, body.opted_in))
