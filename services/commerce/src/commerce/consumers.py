"""Event subscriptions: ``identity.events.v1`` keeps the place directory (where each
household lives), from which a booking takes its place and residents their community."""

from __future__ import annotations

from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(runtime: Runtime, places: Places) -> None:
    subscribe_places(runtime, places)
