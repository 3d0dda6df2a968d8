"""The composition of alarm: every part built once, in order, typed; then the app.

settings -> runtime (database, producer, relay, auditor: built, not connected) -> the rule
index, the evaluator and the use cases -> the consumers and periodic jobs that call them ->
the app with its routers. Nothing is filled in later (no ``prepare``); the database is
migrated and the rules are loaded when the app starts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from alarm import consumers
from alarm.api import (
    alarms,
    departments,
    drills,
    emergency_plans,
    emergency_warnings,
    incident_dispatches,
    incidents,
    key_places,
    plans,
    risk_points,
    rules,
    shelters,
    special_persons,
    stats,
    supplies,
)
from alarm.config import Settings
from alarm.db.models import metadata
from alarm.engine.evaluator import Evaluator
from alarm.engine.index import RuleIndex
from alarm.engine.notify import escalate_due
from alarm.usecases import (
    Alarms,
    Emergency,
    EmergencyWarnings,
    Incidents,
    KeyPlaces,
    Plans,
    Provisions,
    Records,
    Roster,
    Rules,
    SpecialPersons,
    Stats,
    UseCases,
)
from sc_core import collector
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    rules.router,
    alarms.router,
    plans.router,
    special_persons.router,
    incidents.router,
    incident_dispatches.router,
    key_places.router,
    departments.router,
    emergency_plans.router,
    risk_points.router,
    drills.router,
    shelters.router,
    supplies.router,
    emergency_warnings.router,
    stats.router,
]
log = logging.getLogger(__name__)


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    """The runtime and the use cases (with the engine's rule index and evaluator), with
    their consumers and jobs registered."""
    runtime = Runtime(settings, metadata)
    db = runtime.db
    index = RuleIndex()
    evaluator = Evaluator(db, index, settings)
    records = Records(db)
    usecases = UseCases(
        index=index,
        evaluator=evaluator,
        alarms=Alarms(db, settings),
        records=records,
        emergency=Emergency(records),
        provisions=Provisions(records),
        warnings=EmergencyWarnings(records),
        special_persons=SpecialPersons(records),
        incidents=Incidents(records),
        key_places=KeyPlaces(records),
        roster=Roster(db),
        rules=Rules(db, index, settings),
        plans=Plans(records),
        stats=Stats(db),
    )
    consumers.register(runtime, settings, evaluator)

    async def reload_rules() -> None:
        await index.reload(db, force=False)

    async def escalate() -> None:
        await escalate_due(db, settings.default_channels)

    runtime.every(settings.rules_reload_s, "alarm-rules-reload", reload_rules)
    runtime.every(settings.timer_sweep_s, "alarm-timers", evaluator.fire_due)
    runtime.every(settings.escalation_sweep_s, "alarm-escalation", escalate)
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)

    async def start(runtime: Runtime) -> None:
        await usecases.index.reload(runtime.db)
        # the rules index just loaded lives as long as the process too: out of the
        # collector's way with what `python -m alarm` froze before serving
        if settings.gc_tuning:
            collector.tune()

    app = create_service_app(
        settings,
        title="alarm",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        on_start=[start],
    )
    app.state.usecases = usecases
    return app
