"""The use cases of alarm: what the service does, callable from a route, an event handler
or a job alike. Each owns its unit of work, scope checks, audit records and events; routes
and consumers only translate to and from them. :class:`UseCases` is built once in
:mod:`alarm.main` and handed to the routes (``api/deps.py``), with the engine's parts the
evaluation shares (the rule index and the evaluator)."""

from __future__ import annotations

from dataclasses import dataclass

from alarm.engine.evaluator import Evaluator
from alarm.engine.index import RuleIndex
from alarm.usecases.alarms import Alarms
from alarm.usecases.departments import Roster
from alarm.usecases.emergency import Emergency
from alarm.usecases.emergency_warnings import EmergencyWarnings
from alarm.usecases.incidents import Incidents
from alarm.usecases.key_places import KeyPlaces
from alarm.usecases.plans import Plans
from alarm.usecases.provisions import Provisions
from alarm.usecases.records import Records
from alarm.usecases.rules import Rules
from alarm.usecases.special_persons import SpecialPersons
from alarm.usecases.stats import Stats


@dataclass(frozen=True)
class UseCases:
    index: RuleIndex
    evaluator: Evaluator
    alarms: Alarms
    records: Records
    emergency: Emergency
    provisions: Provisions
    warnings: EmergencyWarnings
    special_persons: SpecialPersons
    incidents: Incidents
    key_places: KeyPlaces
    roster: Roster
    rules: Rules
    plans: Plans
    stats: Stats


__all__ = [
    "Alarms",
    "Emergency",
    "EmergencyWarnings",
    "Incidents",
    "KeyPlaces",
    "Plans",
    "Provisions",
    "Records",
    "Roster",
    "Rules",
    "SpecialPersons",
    "Stats",
    "UseCases",
]
