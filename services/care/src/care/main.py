"""The composition of care: settings -> runtime -> the place directory -> the use cases ->
the consumers that call them -> the app with its routers."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from care import consumers
from care.adapters.signing import CareSigner
from care.api import (
    aid_points,
    appointments,
    assessments,
    childcare,
    falls,
    family,
    medicine,
    mutual_aid,
    my_warnings,
    people,
    public_health,
    registry,
    value_added,
    venues,
    visits,
    vitals,
    warnings,
)
from care.config import Settings
from care.db.models import PLACES, metadata
from care.usecases import (
    AidPoints,
    Appointments,
    Assessments,
    Childcare,
    Falls,
    Family,
    HomeVisits,
    Medicine,
    MutualAid,
    PublicHealth,
    Records,
    Registry,
    ResidentWarnings,
    UseCases,
    ValueAdded,
    Venues,
    Vitals,
    Wandering,
    WarningReads,
    Warnings,
    Watch,
)
from sc_core.places import Places
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    registry.router,
    family.router,
    people.router,
    vitals.router,
    visits.router,
    appointments.router,
    assessments.router,
    medicine.router,
    childcare.router,
    aid_points.router,
    falls.router,
    public_health.router,
    mutual_aid.router,
    value_added.router,
    warnings.router,
    venues.router,
    my_warnings.router,
]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    tz = ZoneInfo(settings.community_timezone)
    usecases = UseCases(
        records=Records(runtime.db, places),
        vitals=Vitals(runtime.db),
        watch=Watch(runtime.db, places, tz),
        wandering=Wandering(runtime.db, places),
        appointments=Appointments(runtime.db, tz),
        assessments=Assessments(runtime.db),
        home_visits=HomeVisits(runtime.db, tz),
        medicine=Medicine(runtime.db, tz=tz),
        childcare=Childcare(runtime.db, tz, signer(settings)),
        aid_points=AidPoints(runtime.db, tz),
        registry=Registry(runtime.db),
        falls=Falls(runtime.db, tz),
        public_health=PublicHealth(runtime.db, places, tz),
        family=Family(runtime.db),
        mutual_aid=MutualAid(runtime.db, places, tz),
        value_added=ValueAdded(runtime.db, places, tz),
        warnings=Warnings(runtime.db),
        warning_reads=WarningReads(runtime.db, places),
        venues=Venues(runtime.db, places, tz),
        resident_warnings=ResidentWarnings(runtime.db, places),
    )
    consumers.register(runtime, usecases, places)
    runtime.every(settings.watch_scan_interval_s, "watch-scan", usecases.watch.scan)
    runtime.every(
        settings.reminder_interval_s, "appointment-reminders", usecases.appointments.remind
    )
    runtime.every(settings.reminder_interval_s, "childcare-overdue", usecases.childcare.overdue)
    runtime.every(settings.reminder_interval_s, "help-expiry", usecases.mutual_aid.expire)
    return runtime, usecases


def signer(settings: Settings) -> CareSigner:
    """The Ed25519 key that signs check-in codes and video grants: ``CARE_SIGNING_KEY``
    (PEM, or the base64 of the 32-byte seed); without one (development, tests) a key made
    at start, so codes and grants do not outlive the process (refused in production)."""
    key = settings.care_signing_key.get_secret_value()
    return CareSigner.from_setting(key) if key.strip() else CareSigner.generate()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings, title="care", runtime=runtime, migrations_dir=MIGRATIONS, routers=ROUTERS
    )
    app.state.usecases = usecases
    return app
