"""Event subscriptions: identity's places and grants (who lives where, who signs for a
role over a place), through the shared place directory; the facts of the exchange
datasets (residents, cases, alarms); the states of complaint cases about organisations."""

from __future__ import annotations

from gov_affairs.usecases.exchange_facts import subscribe_facts
from gov_affairs.usecases.hotline import subscribe_hotline
from gov_affairs.usecases.legal import subscribe_mediation
from gov_affairs.usecases.org_complaints import OrgComplaints, subscribe_complaints
from gov_affairs.usecases.owners import subscribe_owners
from gov_affairs.usecases.population import Population
from sc_contracts.events import (
    PassageRecordedV1,
    PersonRegisteredV1,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(
    runtime: Runtime, places: Places, population: Population, complaints: OrgComplaints
) -> None:
    subscribe_places(runtime, places, name="places")
    subscribe_owners(runtime)  # the room register owners' assembly votes count on
    subscribe_facts(runtime)  # what the exchange datasets are counted from (ADR 0036)
    # population checks (6.5.2 a): gate passages folded into day sightings, and the
    # registered residents from identity's placement events
    passages = runtime.consumer(name="passages")
    passages.on(PassageRecordedV1)(population.on_passage)
    residents = runtime.consumer(name="residents")
    residents.on(PersonRegisteredV1)(population.on_resident)
    residents.on(ResidencyStartedV1)(population.on_resident)
    residents.on(ResidencyEndedV1)(population.on_moved_out)
    subscribe_complaints(runtime, complaints)  # complaint cases' states
    subscribe_mediation(runtime)  # mediation cases' states, named by legal consultations
    subscribe_hotline(runtime)  # the hotline view: 12345 tickets' steps (issue 24 item 7)
