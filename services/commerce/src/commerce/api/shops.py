"""Shops (社区商铺) and their products."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from commerce.api import views
from commerce.api.deps import ShopsDep
from commerce.api.schemas.shops import (
    ProductCreate,
    ProductRead,
    ProductUpdate,
    ShopCreate,
    ShopRead,
    ShopUpdate,
)
from commerce.domain.text import problem
from commerce.usecases.points import Origin
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/commerce/shops", tags=["commerce shops"])


@router.post("", status_code=201, response_model=ShopRead, summary="Open my shop (merchant)")
async def open_shop(body: ShopCreate, who: CurrentCaller, shops: ShopsDep) -> ShopRead:
    return views.shop(await shops.open(who, body))


@router.get(
    "",
    response_model=Page[ShopRead],
    summary="Shops of my community, nearest first from lat/lng; flagged ones (staff)",
)
async def list_shops(
    who: CurrentCaller,
    shops: ShopsDep,
    paging: Paging,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=50_000)] = None,
    flagged: Annotated[
        bool | None, Query(description="Staff: only shops flagged (true) or not (false)")
    ] = None,
) -> Page[ShopRead]:
    if (lat is None) != (lng is None) or (radius_m is not None and lat is None):
        raise problem("commerce.location_incomplete")
    origin = None if lat is None or lng is None else Origin(lat, lng, radius_m)
    rows, total = await shops.nearby(who, paging, origin=origin, flagged=flagged)
    return Page[ShopRead].of([views.shop(r) for r in rows], total, paging)


@router.get("/{shop_id}", response_model=ShopRead, summary="A shop")
async def get_shop(shop_id: uuid.UUID, who: CurrentCaller, shops: ShopsDep) -> ShopRead:
    return views.shop(await shops.get(who, shop_id))


@router.patch("/{shop_id}", response_model=ShopRead, summary="Change my shop (merchant)")
async def update_shop(
    shop_id: uuid.UUID, body: ShopUpdate, who: CurrentCaller, shops: ShopsDep
) -> ShopRead:
    return views.shop(await shops.update(who, shop_id, body))


@router.post(
    "/{shop_id}/products", status_code=201, response_model=ProductRead, summary="Add a product"
)
async def add_product(
    shop_id: uuid.UUID, body: ProductCreate, who: CurrentCaller, shops: ShopsDep
) -> ProductRead:
    return views.product(await shops.add_product(who, shop_id, body))


@router.get(
    "/{shop_id}/products",
    response_model=Page[ProductRead],
    summary="A shop's products (residents: those on sale)",
)
async def list_products(
    shop_id: uuid.UUID,
    who: CurrentCaller,
    shops: ShopsDep,
    paging: Paging,
    available: bool | None = None,
) -> Page[ProductRead]:
    rows, total = await shops.products(who, shop_id, paging, available=available)
    return Page[ProductRead].of([views.product(p) for p in rows], total, paging)


@router.patch(
    "/{shop_id}/products/{product_id}",
    response_model=ProductRead,
    summary="Change a product: price, availability ...",
)
async def change_product(
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    body: ProductUpdate,
    who: CurrentCaller,
    shops: ShopsDep,
) -> ProductRead:
    return views.product(await shops.change_product(who, shop_id, product_id, body))
