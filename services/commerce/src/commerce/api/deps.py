"""What the routes are given: the use cases (built once in ``main``) and the caller, as
``Annotated`` dependencies. A route never reaches past these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from commerce.usecases import (
    Bins,
    ListingAround,
    ListingPhotos,
    Listings,
    Merchants,
    Offers,
    Orders,
    Recycling,
    ServicePoints,
    Shops,
    UseCases,
)


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _merchants(request: Request) -> Merchants:
    return usecases(request).merchants


async def _points(request: Request) -> ServicePoints:
    return usecases(request).points


async def _recycling(request: Request) -> Recycling:
    return usecases(request).recycling


async def _listings(request: Request) -> Listings:
    return usecases(request).listings


async def _listing_photos(request: Request) -> ListingPhotos:
    return usecases(request).listing_photos


async def _listing_around(request: Request) -> ListingAround:
    return usecases(request).listing_around


async def _shops(request: Request) -> Shops:
    return usecases(request).shops


async def _bins(request: Request) -> Bins:
    return usecases(request).bins


async def _offers(request: Request) -> Offers:
    return usecases(request).offers


async def _orders(request: Request) -> Orders:
    return usecases(request).orders


MerchantsDep = Annotated[Merchants, Depends(_merchants)]
PointsDep = Annotated[ServicePoints, Depends(_points)]
RecyclingDep = Annotated[Recycling, Depends(_recycling)]
ListingsDep = Annotated[Listings, Depends(_listings)]
ListingPhotosDep = Annotated[ListingPhotos, Depends(_listing_photos)]
ListingAroundDep = Annotated[ListingAround, Depends(_listing_around)]
ShopsDep = Annotated[Shops, Depends(_shops)]
BinsDep = Annotated[Bins, Depends(_bins)]
OrdersDep = Annotated[Orders, Depends(_orders)]
OffersDep = Annotated[Offers, Depends(_offers)]
