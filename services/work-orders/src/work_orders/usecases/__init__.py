"""The use cases of work-orders: everything the service does, callable from a route, an
event handler or a job alike. Each owns its unit of work, scope checks, audit records and
events; routes and consumers only translate to and from them. :class:`UseCases` is built
once in :mod:`work_orders.main` and handed to the routes (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from work_orders.usecases.attachments import Attachments
from work_orders.usecases.cases import Cases
from work_orders.usecases.catalogue import CaseTypes, StaffSkills
from work_orders.usecases.lifecycle import Lifecycle
from work_orders.usecases.open311 import GeoReport
from work_orders.usecases.open311_admin import Open311Clients, Open311Places
from work_orders.usecases.patrols import Patrols
from work_orders.usecases.sla import SlaSweeper
from work_orders.usecases.stats import Stats


@dataclass(frozen=True)
class UseCases:
    cases: Cases
    attachments: Attachments
    case_types: CaseTypes
    staff_skills: StaffSkills
    patrols: Patrols
    sla: SlaSweeper
    stats: Stats
    georeport: GeoReport
    open311_clients: Open311Clients
    open311_places: Open311Places


__all__ = [
    "Attachments",
    "CaseTypes",
    "Cases",
    "GeoReport",
    "Lifecycle",
    "Open311Clients",
    "Open311Places",
    "Patrols",
    "SlaSweeper",
    "StaffSkills",
    "Stats",
    "UseCases",
]
