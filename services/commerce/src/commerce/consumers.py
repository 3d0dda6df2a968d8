"""Event subscriptions: ``identity.events.v1`` keeps the place directory (where each
household lives), from which a booking takes its place and residents their community, and
the households' owners (业主), whom a housing listing needs."""

from __future__ import annotations

from commerce.usecases.owners import subscribe_owners
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(runtime: Runtime, places: Places) -> None:
    subscribe_places(runtime, places)
    subscribe_owners(runtime)
