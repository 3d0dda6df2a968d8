"""The composition of commerce: every part built once, in order, typed; then the app.

settings -> runtime (database, producer, relay, auditor: built, not connected) -> the
place directory -> the use cases -> the consumers that call them -> the app with its
routers. The database is migrated when the app starts, before anything uses it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from commerce import consumers
from commerce.api import (
    listing_photos,
    listings,
    merchants,
    offers,
    orders,
    points,
    recycling,
    shops,
)
from commerce.config import Settings
from commerce.db.models import PLACES, metadata
from commerce.usecases import (
    Bins,
    BookingCases,
    ListingAround,
    ListingPhotos,
    Listings,
    Living,
    Merchants,
    Offers,
    Orders,
    Recycling,
    ServicePoints,
    Shops,
    UseCases,
)
from commerce.usecases.listing_photos import Quota
from sc_core.places import Places
from sc_core.service import Runtime, create_service_app
from sc_core.storage import object_store

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    merchants.router,
    points.router,
    recycling.router,
    listings.router,
    listing_photos.router,
    shops.router,
    orders.router,
    offers.router,
]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    """The runtime and the use cases, with their consumers registered."""
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    photos = ListingPhotos(
        runtime.db,
        object_store(settings),
        Quota(
            settings.photo_unlinked_max_count,
            settings.photo_unlinked_max_bytes,
            timedelta(seconds=settings.photo_unlinked_ttl_s),
        ),
        settings.photo_max_bytes,
    )
    listings_ = Listings(runtime.db, places, photos)
    usecases = UseCases(
        merchants=Merchants(runtime.db, places),
        points=ServicePoints(runtime.db, places),
        recycling=Recycling(runtime.db, places),
        listings=listings_,
        listing_photos=photos,
        listing_around=ListingAround(runtime.db, listings_, photos),
        shops=Shops(runtime.db, places),
        bins=Bins(runtime.db),
        orders=Orders(runtime.db, places),
        offers=Offers(runtime.db, places, settings.offer_pushes_per_week),
        booking_cases=BookingCases(),
        living=Living(settings.living_rules()),
    )
    consumers.register(
        runtime,
        places,
        usecases.bins,
        usecases.orders,
        usecases.booking_cases,
        usecases.living,
    )
    runtime.every(
        settings.photo_sweep_interval_s, "unlinked-listing-photos", photos.expire_unlinked
    )
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings,
        title="commerce",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        resources=[usecases.listing_photos.store],
    )
    app.state.usecases = usecases
    return app
