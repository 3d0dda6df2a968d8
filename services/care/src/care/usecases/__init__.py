"""The use cases of care, built once in ``main.build`` and handed to routes and consumers."""

from __future__ import annotations

from dataclasses import dataclass

from care.usecases.aid_points import AidPoints
from care.usecases.appointments import Appointments
from care.usecases.assessments import Assessments
from care.usecases.childcare import Childcare
from care.usecases.falls import Falls
from care.usecases.family import Family
from care.usecases.home_visits import HomeVisits
from care.usecases.medicine import Medicine
from care.usecases.mutual_aid import MutualAid
from care.usecases.public_health import PublicHealth
from care.usecases.records import NewRecord, Records
from care.usecases.registry import Registry
from care.usecases.value_added import ValueAdded
from care.usecases.venues import Venues
from care.usecases.vitals import Vitals
from care.usecases.wandering import Wandering
from care.usecases.warning_mine import ResidentWarnings
from care.usecases.warning_reads import WarningReads
from care.usecases.warnings import Warnings
from care.usecases.watch import Watch


@dataclass(frozen=True)
class UseCases:
    records: Records
    vitals: Vitals
    watch: Watch
    wandering: Wandering
    appointments: Appointments
    assessments: Assessments
    home_visits: HomeVisits
    medicine: Medicine
    childcare: Childcare
    aid_points: AidPoints
    registry: Registry
    falls: Falls
    public_health: PublicHealth
    family: Family
    mutual_aid: MutualAid
    value_added: ValueAdded
    warnings: Warnings
    warning_reads: WarningReads
    venues: Venues
    resident_warnings: ResidentWarnings


__all__ = [
    "AidPoints",
    "Appointments",
    "Assessments",
    "Childcare",
    "Falls",
    "Family",
    "HomeVisits",
    "Medicine",
    "MutualAid",
    "NewRecord",
    "PublicHealth",
    "Records",
    "Registry",
    "ResidentWarnings",
    "UseCases",
    "ValueAdded",
    "Venues",
    "Vitals",
    "Wandering",
    "WarningReads",
    "Warnings",
    "Watch",
]
