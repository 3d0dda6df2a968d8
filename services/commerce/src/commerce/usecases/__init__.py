"""The use cases of commerce: everything the service does, callable from a route, an event
handler or a job alike. Each owns its unit of work, scope checks, audit records and
events; routes and consumers only translate to and from them. :class:`UseCases` is built
once in :mod:`commerce.main` and handed to the routes (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from commerce.usecases.bins import Bins
from commerce.usecases.bookings import BookingCases
from commerce.usecases.listing_around import ListingAround
from commerce.usecases.listing_photos import ListingPhotos
from commerce.usecases.listings import Listings
from commerce.usecases.living import Living
from commerce.usecases.merchants import Merchants
from commerce.usecases.offers import Offers
from commerce.usecases.orders import Orders
from commerce.usecases.points import ServicePoints
from commerce.usecases.recycling import Recycling
from commerce.usecases.shops import Shops


@dataclass(frozen=True)
class UseCases:
    merchants: Merchants
    points: ServicePoints
    recycling: Recycling
    listings: Listings
    listing_photos: ListingPhotos
    listing_around: ListingAround
    shops: Shops
    bins: Bins
    orders: Orders
    offers: Offers
    booking_cases: BookingCases
    living: Living


__all__ = [
    "Bins",
    "BookingCases",
    "ListingAround",
    "ListingPhotos",
    "Listings",
    "Living",
    "Merchants",
    "Offers",
    "Orders",
    "Recycling",
    "ServicePoints",
    "Shops",
    "UseCases",
]
