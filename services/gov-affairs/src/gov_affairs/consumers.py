"""Event subscriptions: identity's places and grants (who lives where, who signs for a
role over a place), through the shared place directory; the facts of the exchange
datasets (residents, cases, alarms)."""

from __future__ import annotations

from gov_affairs.usecases.exchange_facts import subscribe_facts
from gov_affairs.usecases.owners import subscribe_owners
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(runtime: Runtime, places: Places) -> None:
    subscribe_places(runtime, places, name="places")
    subscribe_owners(runtime)  # the room register owners' assembly votes count on
    subscribe_facts(runtime)  # what the exchange datasets are counted from (ADR 0036)
